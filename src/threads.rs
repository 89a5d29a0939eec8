//! Scoped threads' results, for every layer that runs work side by side.

/// A scoped thread's value, its panic carried on to the caller.
pub fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Below this many items, [`in_halves`] does the work on this thread: a
/// thread of its own costs more than it saves (about 50 µs to start).
pub const HALVES_FROM_ITEMS: usize = 2_000;

/// `work` over `0..count`: in two halves side by side, the second on a
/// thread of its own, when there are at least [`HALVES_FROM_ITEMS`]; else
/// at once. The results are in the order of their ranges.
pub fn in_halves<T: Send>(
    count: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    if count < HALVES_FROM_ITEMS {
        return vec![work(0..count)];
    }
    let half = count / 2;
    let (second, first) = side_by_side(|| work(half..count), || work(0..half));
    vec![first, second]
}

/// `there` on a thread of its own while this thread runs `here`; both
/// results once both are done. A panic in either is carried on to the
/// caller, once the other thread has finished.
///
/// On Linux the new thread starts at once, on another CPU: some kernels
/// queue a new thread on its creator's CPU even while another one idles,
/// and there it waits until the creator blocks or a balancing pass moves
/// it (on a 2-vCPU VM, a thread so spawned before 2 ms of `here` began
/// 2 ms late: the two ran one after the other; see BENCHMARKS.md).
pub fn side_by_side<A: Send, B>(
    there: impl FnOnce() -> A + Send,
    here: impl FnOnce() -> B,
) -> (A, B) {
    #[cfg(target_os = "linux")]
    if let Some(away) = placement::Away::from_this_cpu() {
        return placement::side_by_side(away, there, here);
    }
    std::thread::scope(|scope| {
        let other = scope.spawn(there);
        let mine = here();
        (joined(other), mine)
    })
}

/// Where a new thread starts, so that it does not queue behind its
/// creator.
#[cfg(target_os = "linux")]
mod placement {
    use std::os::unix::thread::JoinHandleExt;
    use std::thread::JoinHandle;

    const SET_SIZE: usize = std::mem::size_of::<libc::cpu_set_t>();

    /// The CPUs this thread may run on, and the same without the one it
    /// runs on now.
    #[derive(Clone, Copy)]
    pub(super) struct Away {
        allowed: libc::cpu_set_t,
        elsewhere: libc::cpu_set_t,
    }

    impl Away {
        /// `None` where this thread may run on one CPU only, or where
        /// the kernel does not say.
        pub(super) fn from_this_cpu() -> Option<Away> {
            // SAFETY: the set is a plain bit array, zeroed, and given
            // with its true size; the CPU_* helpers stay inside it.
            unsafe {
                let mut allowed: libc::cpu_set_t = std::mem::zeroed();
                if libc::sched_getaffinity(0, SET_SIZE, &mut allowed) != 0 {
                    return None;
                }
                let here = usize::try_from(libc::sched_getcpu()).ok()?;
                if here >= 8 * SET_SIZE {
                    return None;
                }
                let mut elsewhere = allowed;
                libc::CPU_CLR(here, &mut elsewhere);
                (libc::CPU_COUNT(&elsewhere) > 0).then_some(Away { allowed, elsewhere })
            }
        }
    }

    /// A thread that is joined when this is dropped: on the way out of
    /// [`side_by_side`], whether it returns or unwinds.
    struct JoinedOnDrop<A>(Option<JoinHandle<A>>);

    impl<A> Drop for JoinedOnDrop<A> {
        fn drop(&mut self) {
            if let Some(thread) = self.0.take() {
                // Its panic, if any, is dropped: one is already unwinding.
                let _ = thread.join();
            }
        }
    }

    /// [`super::side_by_side`], the new thread moved off this CPU before
    /// it first runs (where the kernel put it elsewhere, nothing moves),
    /// and allowed every CPU again as it starts.
    pub(super) fn side_by_side<A: Send, B>(
        away: Away,
        there: impl FnOnce() -> A + Send,
        here: impl FnOnce() -> B,
    ) -> (A, B) {
        let settled = move || {
            // SAFETY: as in `from_this_cpu`, for this thread itself.
            unsafe { libc::sched_setaffinity(0, SET_SIZE, &away.allowed) };
            there()
        };
        // SAFETY: `settled` borrows only what outlives this call, and the
        // thread is joined before this call returns or unwinds: `guard`
        // joins it on drop, and every path out of here drops it (what
        // `std::thread::scope` does, with a handle to the thread).
        let spawned = unsafe { std::thread::Builder::new().spawn_unchecked(settled) };
        let thread = spawned.expect("failed to spawn thread");
        // SAFETY: the thread is not joined yet, so its handle is valid;
        // the set is given with its true size.
        unsafe { libc::pthread_setaffinity_np(thread.as_pthread_t(), SET_SIZE, &away.elsewhere) };
        let mut guard = JoinedOnDrop(Some(thread));
        let mine = here();
        match guard.0.take().map(JoinHandle::join) {
            Some(Ok(theirs)) => (theirs, mine),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => unreachable!("the thread is joined once"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_cover_every_item_once_in_order_and_split_only_large_work() {
        let here = std::thread::current().id();
        for count in [0, 1, HALVES_FROM_ITEMS - 1, HALVES_FROM_ITEMS, 4_001] {
            let parts = in_halves(count, |range| (range, std::thread::current().id()));
            let ranges: Vec<_> = parts.iter().map(|(r, _)| r.clone()).collect();
            let covered: Vec<usize> = ranges.iter().cloned().flatten().collect();
            assert_eq!(covered, (0..count).collect::<Vec<_>>(), "{count}");
            let split = count >= HALVES_FROM_ITEMS;
            assert_eq!(parts.len(), if split { 2 } else { 1 }, "{count}");
            assert_eq!(
                parts[0].1, here,
                "the first part runs on the caller's thread"
            );
            if split {
                assert_ne!(parts[1].1, here, "the second part has a thread of its own");
                assert!(ranges[0].len().abs_diff(ranges[1].len()) <= 1, "{ranges:?}");
            }
        }
    }

    /// The CPUs the calling thread may run on, as a list.
    #[cfg(target_os = "linux")]
    fn allowed_cpus() -> Vec<usize> {
        // SAFETY: a zeroed set, given with its true size.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            assert_eq!(
                libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set),
                0
            );
            (0..8 * std::mem::size_of::<libc::cpu_set_t>())
                .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
                .collect()
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn side_by_side_runs_there_on_its_own_thread_and_both_keep_every_cpu() {
        let here = std::thread::current().id();
        let before = allowed_cpus();
        let ((there_thread, there_cpus), (here_thread, here_cpus)) = side_by_side(
            || (std::thread::current().id(), allowed_cpus()),
            || (std::thread::current().id(), allowed_cpus()),
        );
        assert_eq!(here_thread, here);
        assert_ne!(there_thread, here);
        // Where the new thread started was a hint: afterwards it, and the
        // caller, may run wherever the caller could before.
        assert_eq!(there_cpus, before);
        assert_eq!(here_cpus, before);
        assert_eq!(allowed_cpus(), before);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn side_by_side_works_for_a_caller_held_to_one_cpu() {
        let only = allowed_cpus()[0];
        let cpus = std::thread::spawn(move || {
            // SAFETY: a zeroed set with one CPU, given with its true size.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(only, &mut set);
                assert_eq!(
                    libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set),
                    0
                );
            }
            side_by_side(allowed_cpus, || 7)
        })
        .join()
        .unwrap();
        assert_eq!(cpus, (vec![only], 7));
    }

    #[test]
    fn a_panic_on_either_side_reaches_the_caller_after_the_other_side_is_done() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let there_done = AtomicBool::new(false);
        let here_panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            side_by_side(
                || {
                    // Longer than the panic hook takes to report `here`.
                    std::thread::sleep(std::time::Duration::from_millis(300));
                    there_done.store(true, Ordering::SeqCst)
                },
                || panic!("here"),
            )
        }));
        assert!(there_done.load(Ordering::SeqCst), "joined before unwinding");
        let here_done = AtomicBool::new(false);
        let there_panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            side_by_side(
                || panic!("there"),
                || {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    here_done.store(true, Ordering::SeqCst)
                },
            )
        }));
        let message = |panic: Box<dyn std::any::Any + Send>| *panic.downcast::<&str>().unwrap();
        assert_eq!(message(here_panicked.unwrap_err()), "here");
        assert_eq!(message(there_panicked.unwrap_err()), "there");
        assert!(here_done.load(Ordering::SeqCst));
    }
}
