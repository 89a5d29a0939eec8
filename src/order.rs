//! Large values put in order where they are: the order is worked out on
//! small keys, then each value moves once, each cycle of the permutation
//! rotated by one place. A sort of the values themselves moves each one many
//! times and, being stable, takes a scratch copy as large as the values:
//! for 10,000 profiles of a few hundred bytes each, megabytes of fresh
//! pages to clear.

/// Puts `items` in the order `from` gives: `from[to]` is where the item
/// that belongs at `to` is now. Panics unless `from` is a permutation of
/// `0..items.len()`.
pub fn place<T>(items: &mut [T], mut from: Vec<usize>) {
    assert!(is_permutation(&from, items.len()), "not a permutation");
    for start in 0..from.len() {
        if from[start] == start {
            continue;
        }
        // Each cycle is rotated: the item at its start is held aside,
        // every other moves once into the place it belongs, and the held
        // one fills the last place left. (Swapping along the cycle moved
        // each item twice: for 20,000 sections of 224 bytes, 9 MB more.)
        //
        // SAFETY: `from` is a permutation (checked above), so every index
        // below is in bounds and nothing in the loop can panic. Between
        // the read and the write of `held`, exactly one place is vacated
        // at a time, and each copy fills the vacated place from the next
        // one along the cycle; the cycle ends back at `start`, whose item
        // is then written into the last vacated place. Every item ends
        // up in exactly one place, none is dropped or duplicated.
        unsafe {
            let base = items.as_mut_ptr();
            let held = std::ptr::read(base.add(start));
            let mut to = start;
            loop {
                let source = std::mem::replace(&mut from[to], to);
                if source == start {
                    std::ptr::write(base.add(to), held);
                    break;
                }
                std::ptr::copy_nonoverlapping(base.add(source), base.add(to), 1);
                to = source;
            }
        }
    }
}

/// Whether `from` holds each of `0..len` exactly once.
fn is_permutation(from: &[usize], len: usize) -> bool {
    let mut seen = vec![false; len];
    from.len() == len
        && from
            .iter()
            .all(|&at| at < len && !std::mem::replace(&mut seen[at], true))
}

/// The order that sorts `keys` stably, as [`place`] takes it.
pub fn stable_order<K: Ord>(keys: impl Iterator<Item = K>) -> Vec<usize> {
    let mut keyed: Vec<(K, usize)> = keys.enumerate().map(|(at, key)| (key, at)).collect();
    // Unstable on (key, position) is stable on the key, without a
    // merge sort's scratch copy.
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, at)| at).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn placing_in_the_stable_order_is_a_stable_sort(
            keys in prop::collection::vec(0u8..6, 0..60)
        ) {
            // Each item remembers where it started, so a stable sort's
            // order of equal keys shows.
            let items: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut want = items.clone();
            want.sort_by_key(|&(key, _)| key);
            let mut placed = items;
            place(&mut placed, stable_order(keys.iter()));
            prop_assert_eq!(placed, want);
        }

        #[test]
        fn every_permutation_is_applied_as_given(
            from in Just((0..30usize).collect::<Vec<_>>()).prop_shuffle()
        ) {
            let mut items: Vec<usize> = (0..from.len()).map(|i| i * 10).collect();
            let want: Vec<usize> = from.iter().map(|&at| at * 10).collect();
            place(&mut items, from);
            prop_assert_eq!(items, want);
        }

        #[test]
        fn owned_values_are_each_kept_once(
            from in Just((0..30usize).collect::<Vec<_>>()).prop_shuffle()
        ) {
            // Strings own their bytes: a value dropped twice or lost shows
            // here (and under Miri).
            let mut items: Vec<String> = (0..from.len()).map(|i| format!("item {i}")).collect();
            let want: Vec<String> = from.iter().map(|&at| format!("item {at}")).collect();
            place(&mut items, from);
            prop_assert_eq!(items, want);
        }
    }

    #[test]
    fn anything_but_a_permutation_is_refused_before_a_move() {
        for from in [vec![0, 0, 1], vec![0, 1], vec![0, 1, 3], vec![2, 0, 1, 3]] {
            let mut items = vec![String::from("a"), "b".into(), "c".into()];
            let placed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                place(&mut items, from.clone())
            }));
            assert!(placed.is_err(), "{from:?}");
            assert_eq!(items, ["a", "b", "c"], "{from:?}");
        }
        assert!(is_permutation(&[2, 0, 1], 3) && is_permutation(&[], 0));
    }
}
