//! Scoped threads' results, for every layer that runs work side by side.

/// A scoped thread's value, its panic carried on to the caller.
pub fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
