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
    std::thread::scope(|scope| {
        let second = scope.spawn(|| work(half..count));
        let first = work(0..half);
        vec![first, joined(second)]
    })
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
}
