//! "Did you mean" hints.

use std::borrow::Cow;
use std::collections::HashMap;

/// `; did you mean a, b?` for the candidates closest to `name`, or
/// nothing when none is close.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let close = closest(name, candidates);
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

/// The least Jaro-Winkler similarity of a plausible typo.
const CLOSE_ENOUGH: f64 = 0.8;

/// Up to three candidates closest to `name`, best first, among those close
/// enough to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = Wanted::new(name);
    best_three(candidates.filter_map(|c| Some((wanted.score(c)?, c))))
}

/// The three best of `scored`, best first; of equal scores, the first by
/// name.
fn best_three<'a>(scored: impl Iterator<Item = (f64, &'a str)>) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = scored.collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// A name looked for among many candidates: lowercased once and, when it
/// is ASCII, its letters counted, so that most candidates are ruled out
/// by counting their letters instead of by the similarity itself (lint
/// asks for each missing profile among 10,000 names).
struct Wanted {
    lower: String,
    letters: Option<Letters>,
}

impl Wanted {
    fn new(name: &str) -> Wanted {
        let lower = name.to_ascii_lowercase();
        let letters = Letters::of(&lower);
        Wanted { lower, letters }
    }

    /// `candidate`'s similarity to the name, compared lowercased, when it
    /// is close enough.
    fn score(&self, candidate: &str) -> Option<f64> {
        let common = self.letters.as_ref().and_then(|l| l.common_with(candidate));
        if let Some(common) = common {
            if !jaro_could_reach(common, self.lower.len(), candidate.len(), ABOVE_BOOST) {
                return None;
            }
        }
        let score = match jaro_winkler_short_ascii(self.lower.as_bytes(), candidate.as_bytes()) {
            Some(score) => score,
            None => {
                let lowered = if candidate.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(candidate.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(candidate)
                };
                strsim::jaro_winkler(&self.lower, &lowered)
            }
        };
        (score >= CLOSE_ENOUGH).then_some(score)
    }
}

/// The longest strings [`jaro_winkler_short_ascii`] scores: one bit of a
/// `u64` for each character's flag.
const SHORT: usize = 64;

/// `strsim::jaro_winkler(a, b.to_ascii_lowercase())` for ASCII strings of
/// at most [`SHORT`] bytes (else `None`), with each character's flag a bit
/// instead of strsim's allocation for each pair: lint scores a missing
/// name against every profile name. The same steps and the same
/// arithmetic in the same order, so the same `f64`.
fn jaro_winkler_short_ascii(a: &[u8], b: &[u8]) -> Option<f64> {
    if !a.is_ascii() || !b.is_ascii() || a.len() > SHORT || b.len() > SHORT {
        return None;
    }
    let at = |j: usize| b[j].to_ascii_lowercase();
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 && b_len == 0 {
        return Some(1.0);
    } else if a_len == 0 || b_len == 0 {
        return Some(0.0);
    }
    let search_range = (a_len.max(b_len) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &a_elem) in a.iter().enumerate() {
        let min_bound = i.saturating_sub(search_range);
        let max_bound = b_len.min(i + search_range + 1);
        for j in min_bound..max_bound {
            if a_elem == at(j) && b_flags & (1 << j) == 0 {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return Some(0.0);
    }
    let mut transpositions = 0usize;
    let mut j = 0;
    for (i, &a_elem) in a.iter().enumerate() {
        if a_flags & (1 << i) == 0 {
            continue;
        }
        while b_flags & (1 << j) == 0 {
            j += 1;
        }
        if a_elem != at(j) {
            transpositions += 1;
        }
        j += 1;
    }
    transpositions /= 2;
    let sim = ((matches as f64 / a_len as f64)
        + (matches as f64 / b_len as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0;
    Some(if sim > 0.7 {
        let prefix_length = (0..a_len.min(b_len).min(4))
            .take_while(|&k| a[k] == at(k))
            .count();
        sim + 0.1 * prefix_length as f64 * (1.0 - sim)
    } else {
        sim
    })
}

/// How often each ASCII byte occurs in a lowercased name.
pub(crate) struct Letters([u8; 128]);

impl Letters {
    /// The letters of `lower` (already lowercased); `None` when it is not
    /// ASCII or too long to count in bytes.
    pub(crate) fn of(lower: &str) -> Option<Letters> {
        if !lower.is_ascii() || lower.len() > usize::from(u8::MAX) {
            return None;
        }
        let mut letters = [0u8; 128];
        for b in lower.bytes() {
            letters[usize::from(b)] += 1;
        }
        Some(Letters(letters))
    }

    /// How many of `candidate`'s letters (compared lowercased) the name
    /// holds, each of the name's letters counted once: no more than this
    /// many can match, in any alignment. `None` for a candidate that is
    /// not ASCII.
    pub(crate) fn common_with(&self, candidate: &str) -> Option<usize> {
        if !candidate.is_ascii() {
            return None;
        }
        let mut left = self.0;
        let mut common = 0;
        for b in candidate.bytes() {
            let slot = &mut left[usize::from(b.to_ascii_lowercase())];
            if *slot > 0 {
                *slot -= 1;
                common += 1;
            }
        }
        Some(common)
    }
}

/// A least Jaro similarity, as a fraction.
pub(crate) struct Fraction(pub u32, pub u32);

/// The Jaro similarity a Jaro-Winkler score of [`CLOSE_ENOUGH`] needs: the
/// Winkler boost applies only above 0.7, so at or below it the score is
/// the similarity itself, under 0.8.
const ABOVE_BOOST: Fraction = Fraction(7, 10);

/// Whether two strings of `a` and `b` characters with at most `common`
/// matching ones can have a Jaro similarity of `least` or more. It is
/// (m/a + m/b + (m-t)/m) / 3 for m matches and t transpositions, at most
/// (m/a + m/b + 1) / 3. In integers, and true at equality, so that no
/// rounding rules out a candidate the similarity would keep.
pub(crate) fn jaro_could_reach(common: usize, a: usize, b: usize, least: Fraction) -> bool {
    if a == 0 || b == 0 {
        // Jaro: 1 for two empty strings, 0 for one.
        return a == b;
    }
    let (m, a, b) = (common as u128, a as u128, b as u128);
    let (num, den) = (u128::from(least.0), u128::from(least.1));
    den * (m * b + m * a + a * b) >= 3 * num * a * b
}

/// [`closest`] asked again and again, each name's answer worked out
/// once: a file where thousands of profiles name one missing profile asks
/// the same name thousands of times. The caller gives the same
/// candidates each time. From the second name asked on, the candidates'
/// letters are tallied once ([`Tallied`]), for a file where thousands of
/// profiles each name a missing profile of their own asks thousands of
/// names among every profile's.
#[derive(Default)]
pub struct Remembered<'a> {
    answers: HashMap<String, Vec<&'a str>>,
    tallied: Option<Tallied<'a>>,
}

impl<'a> Remembered<'a> {
    /// [`closest`] for `name` among what `candidates` gives, asked only
    /// the first time `name` is.
    pub fn closest<I: Iterator<Item = &'a str>>(
        &mut self,
        name: &str,
        candidates: impl FnOnce() -> I,
    ) -> &[&'a str] {
        if !self.answers.contains_key(name) {
            // One name is answered by one pass over the candidates, as
            // quick as tallying them would be.
            let found = if self.answers.is_empty() {
                closest(name, candidates())
            } else {
                self.tallied
                    .get_or_insert_with(|| Tallied::new(candidates()))
                    .closest(name)
            };
            self.answers.insert(name.to_string(), found);
        }
        &self.answers[name]
    }
}

/// Candidates with their letters tallied once, for many names looked for
/// among them: most candidates are then ruled out by comparing two small
/// tallies, a few instructions, instead of counting the candidate's
/// letters again for each name asked.
struct Tallied<'a> {
    names: Vec<&'a str>,
    /// Each name's tally, where it has one ([`Tally::of`]).
    tallies: Vec<Option<Tally>>,
}

impl<'a> Tallied<'a> {
    fn new(candidates: impl Iterator<Item = &'a str>) -> Tallied<'a> {
        let names: Vec<&str> = candidates.collect();
        let tallies = names.iter().map(|n| Tally::of(n)).collect();
        Tallied { names, tallies }
    }

    /// [`closest`] of `name` among these candidates: the same answer.
    fn closest(&self, name: &str) -> Vec<&'a str> {
        let wanted = Wanted::new(name);
        let tally = Tally::of(&wanted.lower);
        let scored = self
            .names
            .iter()
            .zip(&self.tallies)
            .filter(|(candidate, its_tally)| match (&tally, its_tally) {
                (Some(tally), Some(its_tally)) => {
                    let common = tally.common_at_most(its_tally);
                    jaro_could_reach(common, wanted.lower.len(), candidate.len(), ABOVE_BOOST)
                }
                _ => true,
            })
            .filter_map(|(&candidate, _)| Some((wanted.score(candidate)?, candidate)));
        best_three(scored)
    }
}

/// How many slots a [`Tally`] has: a multiple of eight, for two
/// tallies compare in eight-byte words.
const TALLY_SLOTS: usize = 64;

/// The slot of each lowercased ASCII byte in a [`Tally`]: a letter or a
/// digit has a slot of its own (profile names are mostly made of them),
/// the other bytes share the slots left.
const TALLY_SLOT: [u8; 128] = {
    let mut slots = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        slots[b] = match b as u8 {
            b'a'..=b'z' => b as u8 - b'a',
            b'0'..=b'9' => 26 + (b as u8 - b'0'),
            _ => 36 + (b % (TALLY_SLOTS - 36)) as u8,
        };
        b += 1;
    }
    slots
};

/// How often the bytes of each slot occur in a lowercased ASCII name.
/// Bytes that share a slot are counted together, so of two tallies the
/// sum of their smaller counts is at least the number of letters the
/// two names have in common ([`Letters::common_with`]), never less:
/// a candidate it rules out, the exact count would too.
#[derive(Clone, Copy)]
struct Tally([u8; TALLY_SLOTS]);

impl Tally {
    /// The tally of `name`, compared lowercased; `None` when it is not
    /// ASCII or too long for a count in a byte.
    fn of(name: &str) -> Option<Tally> {
        if !name.is_ascii() || name.len() > usize::from(u8::MAX) {
            return None;
        }
        let mut slots = [0u8; TALLY_SLOTS];
        for b in name.bytes() {
            slots[usize::from(TALLY_SLOT[usize::from(b.to_ascii_lowercase())])] += 1;
        }
        Some(Tally(slots))
    }

    /// At least as many as the letters two names have in common.
    #[inline]
    fn common_at_most(&self, other: &Tally) -> usize {
        let mut least = [0u8; TALLY_SLOTS];
        for ((least, a), b) in least.iter_mut().zip(&self.0).zip(&other.0) {
            *least = *a.min(b);
        }
        // The smaller counts add up to no more than a name's length, a
        // byte: added as eight-byte words, and those words' bytes added
        // by one multiplication, no byte carries into the next.
        let (words, _) = least.as_chunks::<8>();
        let words = words.iter().fold(0u64, |sum, &word| {
            sum.wrapping_add(u64::from_le_bytes(word))
        });
        (words.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `closest` as it was before any candidate could be ruled out early.
    fn closest_by_similarity_alone<'a>(name: &str, candidates: &[&'a str]) -> Vec<&'a str> {
        let lower = name.to_ascii_lowercase();
        let mut scored: Vec<(f64, &str)> = candidates
            .iter()
            .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), *c))
            .filter(|(score, _)| *score >= CLOSE_ENOUGH)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(3).map(|(_, c)| c).collect()
    }

    #[test]
    fn typos_are_found_and_strangers_are_not() {
        let names = ["prod", "production", "staging", "dev", "Prod-Admin", ""];
        assert_eq!(closest("prdo", names.into_iter()), ["prod"]);
        assert_eq!(
            closest("PRODUCTON", names.into_iter()),
            ["production", "prod"]
        );
        assert_eq!(
            closest("prod-admn", names.into_iter()),
            ["Prod-Admin", "prod"]
        );
        assert!(closest("base", names.into_iter()).is_empty());
        // Two empty strings are alike; an empty one is like nothing else.
        assert_eq!(closest("", names.into_iter()), [""]);
    }

    #[test]
    fn the_bound_is_exact_where_the_similarity_is_exactly_the_boost_threshold() {
        // 11 matches in two 20-character strings: Jaro (0.55 + 0.55 + 1) / 3,
        // 0.7 on paper, a hair above in floating point, so it is boosted.
        let a = "abcdefghijkLMNOPQRST";
        let b = "abcdefghijkuvwxyz123";
        assert!(strsim::jaro_winkler(a, b) >= CLOSE_ENOUGH);
        assert!(jaro_could_reach(11, 20, 20, ABOVE_BOOST));
        assert!(!jaro_could_reach(10, 20, 20, ABOVE_BOOST));
        assert_eq!(closest(a, [b].into_iter()), [b]);
    }

    #[test]
    fn common_letters_count_each_letter_of_the_name_once() {
        let wanted = Wanted::new("Baab");
        let letters = wanted.letters.expect("ASCII");
        assert_eq!(letters.common_with("ab"), Some(2));
        assert_eq!(letters.common_with("aaaBBB"), Some(4));
        assert_eq!(letters.common_with("xyz"), Some(0));
        assert_eq!(letters.common_with("bäse"), None);
        assert!(Wanted::new("bäse").letters.is_none());
    }

    #[test]
    fn a_tally_rules_out_a_stranger_and_keeps_a_typo() {
        let tallied = Tallied::new(["p1234", "src-17", "SRC-71"].into_iter());
        // Letters and digits each have a slot: "p1234" shares only "1"
        // with "src-17" and is ruled out before it is scored.
        let (wanted, stranger) = (Tally::of("src-17").unwrap(), Tally::of("p1234").unwrap());
        assert_eq!(wanted.common_at_most(&stranger), 1);
        assert_eq!(wanted.common_at_most(&Tally::of("SRC-71").unwrap()), 6);
        assert_eq!(tallied.closest("src-17"), ["src-17", "SRC-71"]);
        assert!(tallied.closest("zzz").is_empty());
    }

    #[test]
    fn a_remembered_answer_is_the_same_answer() {
        let names = ["prod", "production", "staging"];
        let asked = std::cell::Cell::new(0);
        let candidates = || {
            asked.set(asked.get() + 1);
            names.into_iter()
        };
        let mut remembered = Remembered::default();
        assert_eq!(remembered.closest("prdo", candidates), ["prod"]);
        assert_eq!(remembered.closest("prdo", candidates), ["prod"]);
        assert_eq!(remembered.closest("stagin", candidates), ["staging"]);
        assert_eq!(asked.get(), 2, "each name's answer worked out once");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The short scoring is strsim's to the bit, and declines what it
        /// does not score.
        #[test]
        fn the_short_score_is_strsim_s(
            common in "[a-d_]{0,6}",
            a_rest in "[a-d0-9_]{0,66}",
            b_rest in "[a-dA-D0-9_é]{0,66}",
            shout in any::<bool>(),
        ) {
            // Often a shared start, for the Winkler boost of up to four.
            let a = format!("{common}{a_rest}");
            let b_start = if shout { common.to_ascii_uppercase() } else { common };
            let b = format!("{b_start}{b_rest}");
            let lowered = b.to_ascii_lowercase();
            let expected = strsim::jaro_winkler(&a, &lowered);
            match jaro_winkler_short_ascii(a.as_bytes(), b.as_bytes()) {
                Some(score) => {
                    prop_assert!(b.is_ascii() && a.len() <= SHORT && b.len() <= SHORT);
                    prop_assert_eq!(score.to_bits(), expected.to_bits());
                }
                None => prop_assert!(!b.is_ascii() || a.len() > SHORT || b.len() > SHORT),
            }
        }

        /// Tallied candidates give the answer the candidates give, for
        /// names of letters, digits and bytes that share a slot, in
        /// either case, not ASCII, or too long for a tally.
        #[test]
        fn tallied_candidates_answer_as_the_candidates_do(
            name in "[a-dA-D0-9é_.@+ \\t-]{0,12}",
            candidates in proptest::collection::vec("[a-dA-D0-9é_.@+ \\t-]{0,12}", 0..40),
            long in proptest::option::of(300usize..320),
        ) {
            let mut candidates = candidates;
            if let Some(len) = long {
                candidates.push(format!("{name}{}", "a".repeat(len)));
            }
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            let tallied = Tallied::new(candidates.iter().copied());
            prop_assert_eq!(
                tallied.closest(&name),
                closest(&name, candidates.iter().copied())
            );
        }

        /// Two tallies never count fewer letters in common than there are.
        #[test]
        fn a_tally_counts_no_fewer_letters_in_common(
            name in "[a-zA-Z0-9_.@+=,/:; -]{0,40}",
            candidate in "[a-zA-Z0-9_.@+=,/:; -]{0,40}",
        ) {
            let exact = Letters::of(&name.to_ascii_lowercase())
                .and_then(|l| l.common_with(&candidate))
                .expect("ASCII");
            let (a, b) = (Tally::of(&name).expect("ASCII"), Tally::of(&candidate).expect("ASCII"));
            prop_assert!(a.common_at_most(&b) >= exact);
            prop_assert_eq!(a.common_at_most(&b), b.common_at_most(&a));
        }

        /// Ruling candidates out by their letters never changes the answer.
        #[test]
        fn the_answer_is_the_similarity_s_own(
            name in "[a-dA-D0-9é-]{0,12}",
            candidates in proptest::collection::vec("[a-dA-D0-9é-]{0,12}", 0..12),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            prop_assert_eq!(
                closest(&name, candidates.iter().copied()),
                closest_by_similarity_alone(&name, &candidates)
            );
        }
    }
}
