//! Large values put in order where they are: the order is worked out on
//! small keys, then each value moves once, by swaps along the cycles of
//! the permutation. A sort of the values themselves moves each one many
//! times and, being stable, takes a scratch copy as large as the values:
//! for 10,000 profiles of a few hundred bytes each, megabytes of fresh
//! pages to clear.

/// Puts `items` in the order `from` gives: `from[to]` is where the item
/// that belongs at `to` is now. `from` must be a permutation of
/// `0..items.len()`.
pub fn place<T>(items: &mut [T], mut from: Vec<usize>) {
    debug_assert_eq!(items.len(), from.len());
    for start in 0..from.len() {
        let mut to = start;
        // A placed position points at itself; the cycle ends back at start.
        while from[to] != to {
            let source = std::mem::replace(&mut from[to], to);
            if source == start {
                break;
            }
            items.swap(to, source);
            to = source;
        }
    }
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
    }
}
