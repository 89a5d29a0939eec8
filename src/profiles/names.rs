//! Profile names gathered for `profile list`: each name is copied, as its
//! header is read, into one small buffer beside a key it sorts by, so that
//! sorting, merging and printing 20,000 names touch a few pages of names
//! rather than a cache line of the 2 MB text for each name, again and
//! again (those misses were an eighth of list's main thread). The merged
//! list is one text, not a value per name: an `Arc` clone per name was a
//! locked increment each.

use std::cmp::Ordering;

/// One name: where it is in the buffer, and its first eight bytes as a
/// number that orders as the texts do (see [`order_prefix`]).
#[derive(Debug, Clone, Copy)]
struct Entry {
    prefix: u64,
    start: u32,
    end: u32,
}

impl Entry {
    fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    fn text(self, buffer: &str) -> &str {
        &buffer[self.start as usize..self.end as usize]
    }
}

/// The order of two names' texts, from their keys where the keys decide:
/// names of at most eight bytes are their prefix up to their length, so
/// with equal prefixes the shorter one is the start of the longer (or the
/// same name); only longer names are compared by their text.
fn compare(a: Entry, a_buffer: &str, b: Entry, b_buffer: &str) -> Ordering {
    a.prefix.cmp(&b.prefix).then_with(|| {
        if a.len() <= 8 && b.len() <= 8 {
            a.len().cmp(&b.len())
        } else {
            a.text(a_buffer).cmp(b.text(b_buffer))
        }
    })
}

/// The first eight bytes of `text` as a number that orders as the texts
/// do: where one text's prefix is below another's, so is the text; where
/// the prefixes are equal, the texts decide (a text shorter than eight
/// bytes is padded with zero bytes, which ties it with the same text
/// followed by zero bytes).
pub(super) fn order_prefix(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut prefix = [0u8; 8];
    let len = bytes.len().min(8);
    prefix[..len].copy_from_slice(&bytes[..len]);
    u64::from_be_bytes(prefix)
}

/// Names in file order, as one file is read.
#[derive(Default)]
pub(super) struct NameCollector {
    buffer: String,
    entries: Vec<Entry>,
}

impl NameCollector {
    pub fn push(&mut self, name: &str) {
        let start = self.buffer.len() as u32;
        self.buffer.push_str(name);
        self.entries.push(Entry {
            prefix: order_prefix(name),
            start,
            end: self.buffer.len() as u32,
        });
    }

    /// The names sorted, each once. The sort is stable: a file's names
    /// are often in order already, in runs it finds and merges.
    pub fn finish(self) -> SortedNames {
        let NameCollector {
            buffer,
            mut entries,
        } = self;
        entries.sort_by(|a, b| compare(*a, &buffer, *b, &buffer));
        entries.dedup_by(|later, earlier| compare(*later, &buffer, *earlier, &buffer).is_eq());
        SortedNames { buffer, entries }
    }
}

/// One file's profile names, sorted, each once.
#[derive(Debug, Default)]
pub(super) struct SortedNames {
    buffer: String,
    entries: Vec<Entry>,
}

impl SortedNames {
    /// The names of both lists, sorted, each once: one pass over each.
    pub fn merge(first: &SortedNames, second: &SortedNames) -> ProfileNames {
        let (a, b) = (&first.entries, &second.entries);
        let mut text =
            String::with_capacity(first.buffer.len() + second.buffer.len() + a.len() + b.len());
        let mut add = |name: &str| {
            text.push_str(name);
            text.push('\n');
        };
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match compare(a[i], &first.buffer, b[j], &second.buffer) {
                Ordering::Less => {
                    add(a[i].text(&first.buffer));
                    i += 1;
                }
                Ordering::Greater => {
                    add(b[j].text(&second.buffer));
                    j += 1;
                }
                Ordering::Equal => {
                    add(a[i].text(&first.buffer));
                    i += 1;
                    j += 1;
                }
            }
        }
        a[i..]
            .iter()
            .for_each(|entry| add(entry.text(&first.buffer)));
        b[j..]
            .iter()
            .for_each(|entry| add(entry.text(&second.buffer)));
        ProfileNames { text }
    }
}

/// Profile names, sorted, each once, as the lines of one text (a name
/// is never more than one line): what `profile list` prints, without a
/// value to make for each name.
#[derive(Debug)]
pub struct ProfileNames {
    text: String,
}

impl ProfileNames {
    /// Each name followed by a newline.
    pub fn as_lines(&self) -> &str {
        &self.text
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.text.split_terminator('\n')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn sorted(names: &[&str]) -> SortedNames {
        let mut collector = NameCollector::default();
        for name in names {
            collector.push(name);
        }
        collector.finish()
    }

    fn merged(first: &[&str], second: &[&str]) -> Vec<String> {
        let names = SortedNames::merge(&sorted(first), &sorted(second));
        let listed: Vec<String> = names.iter().map(ToString::to_string).collect();
        let lines: String = listed.iter().map(|name| format!("{name}\n")).collect();
        assert_eq!(names.as_lines(), lines);
        listed
    }

    proptest! {
        /// Names come out in the order of their text, each once, however
        /// their first eight bytes compare and whichever file has them.
        #[test]
        fn names_of_both_files_sort_as_their_text_and_each_is_kept_once(
            first in prop::collection::vec("(p|p\\x00|\\x00|é|pppppppp|ab)[a-c\\x00é]{0,10}", 0..40),
            second in prop::collection::vec("(p|p\\x00|\\x00|é|pppppppp|ab)[a-c\\x00é]{0,10}", 0..40),
        ) {
            let first: Vec<&str> = first.iter().map(String::as_str).collect();
            let second: Vec<&str> = second.iter().map(String::as_str).collect();
            let expected: Vec<String> = first
                .iter()
                .chain(&second)
                .map(|name| name.to_string())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            prop_assert_eq!(merged(&first, &second), expected);
        }
    }

    #[test]
    fn a_name_padded_with_zero_bytes_sorts_after_the_name() {
        let names = ["a\0", "a", "a\0\0\0\0\0\0\0\0b", "a\0\0\0\0\0\0\0\0", "a"];
        let expected = ["a", "a\0", "a\0\0\0\0\0\0\0\0", "a\0\0\0\0\0\0\0\0b"];
        assert_eq!(merged(&names, &[]), expected);
        assert_eq!(merged(&[], &names), expected);
        assert_eq!(merged(&names[..2], &names[2..]), expected);
        assert_eq!(merged(&names[2..], &names[..2]), expected);
    }

    #[test]
    fn names_past_eight_bytes_are_ordered_by_their_text_not_their_length() {
        // All but the last share their first eight bytes.
        let expected = ["abcdefgh", "abcdefghab", "abcdefghz", "abcdefgi"];
        assert_eq!(
            merged(
                &["abcdefghz", "abcdefgi"],
                &["abcdefghab", "abcdefgh", "abcdefghz"]
            ),
            expected
        );
    }
}
