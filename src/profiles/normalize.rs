//! Section headers to profiles and sso-sessions, and the merge of both files.

use super::names::{NameCollector, SortedNames};
use super::parse::{self, Event, ParseError};
use super::{FileKind, Headers, Origin, Properties, Property, Section};
use crate::document::{trim_blanks, LineView, SharedStr, Span};
use std::collections::BTreeSet;

const DEFAULT: &str = "default";
const PROFILE_PREFIX: &str = "profile";
const SSO_SESSION_PREFIX: &str = "sso-session";

/// A section header split into an optional prefix and a name:
/// `[profile foo]` is (`profile`, `foo`), `[default]` is (none, `default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionName<'a> {
    pub prefix: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> SectionName<'a> {
    pub fn parse(header: &'a str) -> SectionName<'a> {
        let header = trim_blanks(header);
        match header.bytes().position(|b| b == b' ' || b == b'\t') {
            Some(at) => SectionName {
                prefix: Some(trim_whitespace(&header[..at])),
                name: trim_whitespace(&header[at + 1..]),
            },
            None => SectionName {
                prefix: None,
                name: trim_whitespace(header),
            },
        }
    }

    fn is_unprefixed_default(&self) -> bool {
        self.prefix.is_none() && self.name == DEFAULT
    }

    fn is_prefixed_default(&self) -> bool {
        self.prefix == Some(PROFILE_PREFIX) && self.name == DEFAULT
    }

    /// The profile this header names in a file of `kind`, if any.
    pub fn profile_name(&self, kind: FileKind) -> Option<&'a str> {
        match (kind, self.prefix) {
            (FileKind::Config, Some(PROFILE_PREFIX)) if is_identifier(self.name) => Some(self.name),
            (FileKind::Config, None) if self.name == DEFAULT => Some(DEFAULT),
            (FileKind::Credentials, None) if is_identifier(self.name) => Some(self.name),
            _ => None,
        }
    }

    /// Why the SDKs ignore this header in a file of `kind`, if they do.
    pub fn ignored_because(&self, kind: FileKind) -> Option<String> {
        let name = self.name;
        match (kind, self.prefix) {
            (FileKind::Config, Some(prefix)) if !is_identifier(name) => Some(format!(
                "section [{prefix} {name}] is ignored: `{name}` is not a valid name"
            )),
            (FileKind::Config, None) if name != DEFAULT => Some(format!(
                "section [{name}] is ignored: in the config file, profiles other than [default] need the prefix, as in [profile {name}]"
            )),
            (FileKind::Credentials, Some(PROFILE_PREFIX)) => Some(format!(
                "section [profile {name}] is ignored: in the credentials file, profiles have no `profile` prefix; write [{name}]"
            )),
            (FileKind::Credentials, Some(prefix)) => Some(format!(
                "section [{prefix} {name}] is ignored: it belongs in the config file"
            )),
            (FileKind::Credentials, None) if !is_identifier(name) => Some(format!(
                "section [{name}] is ignored: `{name}` is not a valid name"
            )),
            _ => None,
        }
    }
}

/// `text.trim()`, without decoding a character where both ends are
/// ASCII and not white space, as in nearly every header (read twice per
/// header when lint checks it).
fn trim_whitespace(text: &str) -> &str {
    let solid = |b: &u8| b.is_ascii() && !char::from(*b).is_whitespace();
    match text.as_bytes() {
        [first, .., last] | [first @ last] if solid(first) && solid(last) => text,
        _ => text.trim(),
    }
}

/// Names and keys: `[A-Za-z0-9_\-/.%@:+]+` (the empty string included, as
/// the SDKs do).
pub fn is_identifier(input: &str) -> bool {
    identifier_case(input).is_some()
}

/// What a byte is in an identifier: not allowed, allowed, or an
/// uppercase letter (allowed; keys compare lowercased).
const NOT_ALLOWED: u8 = 0;
const ALLOWED: u8 = 1;
const UPPERCASE: u8 = 2;
const IDENTIFIER_BYTES: [u8; 256] = {
    let mut table = [NOT_ALLOWED; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_uppercase() {
            UPPERCASE
        } else if byte.is_ascii_alphanumeric()
            || matches!(byte, b'_' | b'-' | b'/' | b'.' | b'%' | b'@' | b':' | b'+')
        {
            ALLOWED
        } else {
            NOT_ALLOWED
        };
        b += 1;
    }
    table
};

/// For an identifier, whether it holds an uppercase letter; `None` for
/// anything else. One pass over the bytes: any byte of a non-ASCII
/// character fails, as the character would.
fn identifier_case(input: &str) -> Option<bool> {
    let mut seen = ALLOWED;
    for b in input.bytes() {
        let class = IDENTIFIER_BYTES[usize::from(b)];
        if class == NOT_ALLOWED {
            return None;
        }
        seen |= class;
    }
    Some(seen & UPPERCASE != 0)
}

/// What one file defines, each list sorted by name with the sections of
/// one name merged in file order.
#[derive(Debug, Default)]
pub(super) struct FileSections {
    pub profiles: Vec<Section>,
    pub sso_sessions: Vec<Section>,
    /// Other prefixed sections (`[services x]`), keyed by (prefix, name).
    pub other: Vec<((String, String), Section)>,
    /// With [`Scope::Names`] only (and then nothing else): the profile
    /// names, sorted, each once.
    pub names: SortedNames,
}

/// Which profiles a read builds: all, or only those named; or only the
/// profiles' names, no section at all. Every line is checked either way;
/// with the first two, sso-sessions and other sections are always built.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    All,
    Profiles(&'a BTreeSet<String>),
    Names,
}

enum Target {
    Profile { unprefixed_default: bool },
    SsoSession,
    Other(String),
}

/// The section being read: where it goes, its name, its header's place.
struct Open {
    target: Target,
    name: SharedStr,
    origin: Origin,
}

/// Turns one file's parse events into its sections.
struct Builder<'s> {
    kind: FileKind,
    scope: Scope<'s>,
    out: FileSections,
    /// Indices in `out.profiles` of sections read from an unprefixed
    /// `[default]`.
    unprefixed_defaults: Vec<usize>,
    saw_prefixed_default: bool,
    /// `None` between sections, and in a section that is ignored or not
    /// in scope (its lines are still checked).
    open: Option<Open>,
    /// The open section's properties so far, in file order.
    properties: Vec<(SharedStr, Property)>,
    /// Index in `properties` of the property a continuation extends; `None`
    /// when that property's key is not a valid name and is dropped.
    last_property: Option<usize>,
    /// With [`Scope::Names`]: the profile names so far.
    names: NameCollector,
}

impl Builder<'_> {
    fn header(&mut self, line: LineView<'_>, header: Span, origin: Origin) {
        self.close();
        let name = SectionName::parse(header.of(line.text()));
        if name.ignored_because(self.kind).is_some() {
            return;
        }
        let target = match (name.profile_name(self.kind), name.prefix) {
            (Some(profile), _) => {
                if self.kind == FileKind::Config && name.is_prefixed_default() {
                    self.saw_prefixed_default = true;
                }
                match self.scope {
                    Scope::Profiles(wanted) if !wanted.contains(profile) => return,
                    Scope::Names => {
                        self.names.push(name.name);
                        return;
                    }
                    _ => {}
                }
                Target::Profile {
                    unprefixed_default: self.kind == FileKind::Config
                        && name.is_unprefixed_default(),
                }
            }
            (None, _) if matches!(self.scope, Scope::Names) => return,
            (None, Some(SSO_SESSION_PREFIX)) => Target::SsoSession,
            (None, Some(prefix)) => Target::Other(prefix.to_string()),
            (None, None) => return,
        };
        self.open = Some(Open {
            target,
            name: line.share(name.name),
            origin,
        });
    }

    fn property(&mut self, line: LineView<'_>, key: Span, value: Span, origin: Origin) {
        self.last_property = None;
        if self.open.is_none() {
            return;
        }
        let key_text = key.of(line.text());
        let Some(has_uppercase) = identifier_case(key_text) else {
            return;
        };
        // Keys compare lowercased; most already are, and share the buffer.
        let key = if has_uppercase {
            SharedStr::from(key_text.to_ascii_lowercase())
        } else {
            line.slice(key)
        };
        let value = line.slice(value);
        self.properties.push((key, Property { value, origin }));
        self.last_property = Some(self.properties.len() - 1);
    }

    fn continuation(&mut self, content: &str) {
        if let Some(i) = self.last_property {
            let value = &mut self.properties[i].1.value;
            *value = SharedStr::from(format!("{value}\n{content}"));
        }
    }

    /// Files the open section's properties under its name.
    fn close(&mut self) {
        self.last_property = None;
        let Some(open) = self.open.take() else {
            return;
        };
        let section = Section {
            name: open.name,
            properties: Properties::from_file_order(&mut self.properties),
            headers: Headers::one(open.origin),
        };
        match open.target {
            Target::Profile { unprefixed_default } => {
                if unprefixed_default {
                    self.unprefixed_defaults.push(self.out.profiles.len());
                }
                self.out.profiles.push(section)
            }
            Target::SsoSession => self.out.sso_sessions.push(section),
            Target::Other(prefix) => self
                .out
                .other
                .push(((prefix, section.name.to_string()), section)),
        }
    }

    fn finish(mut self) -> FileSections {
        self.close();
        // `[profile default]` replaces `[default]` in the config file outright.
        if self.saw_prefixed_default {
            for &idx in self.unprefixed_defaults.iter().rev() {
                self.out.profiles.remove(idx);
            }
        }
        merge_same_names(&mut self.out.profiles);
        merge_same_names(&mut self.out.sso_sessions);
        self.out.other.sort_by(|a, b| a.0.cmp(&b.0));
        self.out.names = self.names.finish();
        self.out
    }
}

/// Reads one file's numbered lines (or some of its sections) into
/// sections, with the SDKs' rules.
pub(super) fn read_file<'a>(
    lines: impl Iterator<Item = (usize, LineView<'a>)>,
    kind: FileKind,
    scope: Scope<'_>,
) -> Result<FileSections, ParseError> {
    read_file_with_room(lines, kind, scope, 0)
}

/// How many sections `text` may hold: its lines that start with `[` (a
/// header indented or in a file that does not parse makes it off by a
/// few, and the list grows as it must).
pub(super) fn header_lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"\n[").count() + usize::from(bytes.first() == Some(&b'['))
}

/// As [`read_file`], its profiles in a list with room for `room`
/// sections from the start: a list of 10,000 profiles that doubles as it
/// grows copies itself a dozen times into fresh pages, and room for the
/// other file's profiles lets the two files merge in place.
pub(super) fn read_file_with_room<'a>(
    lines: impl Iterator<Item = (usize, LineView<'a>)>,
    kind: FileKind,
    scope: Scope<'_>,
    room: usize,
) -> Result<FileSections, ParseError> {
    let mut builder = Builder {
        kind,
        scope,
        out: FileSections {
            profiles: Vec::with_capacity(room),
            ..FileSections::default()
        },
        unprefixed_defaults: Vec::new(),
        saw_prefixed_default: false,
        open: None,
        properties: Vec::new(),
        last_property: None,
        names: NameCollector::default(),
    };
    parse::parse(lines, kind, |event| match event {
        Event::Header { line, name, origin } => builder.header(line, name, origin),
        Event::Property {
            line,
            key,
            value,
            origin,
        } => builder.property(line, key, value, origin),
        Event::Continuation { content } => builder.continuation(content),
    })?;
    Ok(builder.finish())
}

/// Sorts sections by name; sections of one name become one, the later
/// one's values winning. Sorted on small keys and each section moved
/// once (see `order`): a file is often in no order at all.
fn merge_same_names(sections: &mut Vec<Section>) {
    let in_order = sections
        .windows(2)
        .all(|pair| pair[0].name.as_str() < pair[1].name.as_str());
    if !in_order {
        // Stable: sections of one name stay in file order. A name's first
        // eight bytes decide most comparisons without reading the text.
        let keys = sections
            .iter()
            .map(|s| (super::names::order_prefix(s.name.as_str()), s.name.as_str()));
        let order = crate::order::stable_order(keys);
        crate::order::place(sections, order);
        dedup_same_names(sections);
    }
}

/// Sections of one name, next to each other in file order, merged into
/// the first (the later one's values winning).
fn dedup_same_names(sections: &mut Vec<Section>) {
    sections.dedup_by(|later, earlier| {
        let same = later.name == earlier.name;
        if same {
            earlier.absorb(std::mem::take(later));
        }
        same
    });
}

/// Merges two lists sorted by name; where both have a name, `later`'s
/// values win. In `earlier`'s own buffer where it has room (the reader
/// makes room for both files): the merged order is worked out on indices,
/// then each section moved once (see `order`).
pub(super) fn merge_sorted(mut earlier: Vec<Section>, later: Vec<Section>) -> Vec<Section> {
    if later.is_empty() {
        return earlier;
    }
    if earlier.is_empty() {
        return later;
    }
    let (first, second) = (earlier.len(), later.len());
    let mut order = Vec::with_capacity(first + second);
    let (mut a, mut b) = (0, 0);
    while a < first && b < second {
        // Of one name, the earlier file's section first: the dedup below
        // merges the later one into it.
        if later[b].name.as_str() < earlier[a].name.as_str() {
            order.push(first + b);
            b += 1;
        } else {
            order.push(a);
            a += 1;
        }
    }
    order.extend(a..first);
    order.extend(first + b..first + second);
    earlier.extend(later);
    crate::order::place(&mut earlier, order);
    dedup_same_names(&mut earlier);
    earlier
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_read_without_the_blanks_around_it() {
        // Completion hands over the raw text between the brackets.
        for raw in [
            "profile foo",
            " profile foo",
            "\tprofile foo\t",
            " \t profile \t foo  ",
        ] {
            let name = SectionName::parse(raw);
            assert_eq!(
                (name.prefix, name.name),
                (Some("profile"), "foo"),
                "{raw:?}"
            );
        }
        for raw in ["default", "\tdefault ", "  default\t\t"] {
            let name = SectionName::parse(raw);
            assert_eq!((name.prefix, name.name), (None, "default"), "{raw:?}");
        }
        assert_eq!(SectionName::parse(" \t ").name, "");
    }

    mod merging {
        use super::*;
        use proptest::prelude::*;

        /// Sections named from a few names (some longer than the eight
        /// bytes a sort key holds, some sharing those eight bytes), each
        /// with one value that says which section it was.
        fn sections(names: &[usize], first_line: usize) -> Vec<Section> {
            const NAMES: [&str; 9] = [
                "a",
                "a\0",
                "b",
                "p1",
                "p10",
                "p2",
                "",
                "profile-long-1",
                "profile-long-10",
            ];
            names
                .iter()
                .enumerate()
                .map(|(i, &n)| {
                    let origin = Origin::new(FileKind::Config, first_line + i);
                    Section {
                        name: NAMES[n % NAMES.len()].into(),
                        properties: [(
                            "k".to_string(),
                            Property {
                                value: (first_line + i).to_string().into(),
                                origin,
                            },
                        )]
                        .into_iter()
                        .collect(),
                        headers: Headers::one(origin),
                    }
                })
                .collect()
        }

        /// What a stable sort of the sections themselves gives.
        fn sorted_and_merged(mut sections: Vec<Section>) -> Vec<Section> {
            sections.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
            dedup_same_names(&mut sections);
            sections
        }

        proptest! {
            #[test]
            fn sections_of_a_file_sort_and_merge_as_a_stable_sort_would(
                names in prop::collection::vec(0usize..9, 0..40)
            ) {
                let mut merged = sections(&names, 1);
                merge_same_names(&mut merged);
                prop_assert_eq!(merged, sorted_and_merged(sections(&names, 1)));
            }

            #[test]
            fn two_files_merge_as_one_sorted_list_the_later_winning(
                earlier in prop::collection::vec(0usize..9, 0..20),
                later in prop::collection::vec(0usize..9, 0..20),
                room in any::<bool>(),
            ) {
                let mut first = sections(&earlier, 1);
                merge_same_names(&mut first);
                if room {
                    first.reserve(later.len());
                }
                let mut second = sections(&later, 100);
                merge_same_names(&mut second);
                let mut both = sections(&earlier, 1);
                both.extend(sections(&later, 100));
                prop_assert_eq!(merge_sorted(first, second), sorted_and_merged(both));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn a_header_part_is_trimmed_as_str_trim_trims_it(
            // Every ASCII byte, and white space beyond ASCII (no-break
            // space, next line, em space) beside other non-ASCII text.
            text in "[\\x00-\\x7f\u{a0}\u{85}\u{2003}é]{0,6}"
        ) {
            proptest::prop_assert_eq!(trim_whitespace(&text), text.trim());
        }
    }

    #[test]
    fn every_byte_is_judged_as_the_sdks_identifier_rule_says() {
        for b in 0..=255u8 {
            let allowed = b.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&b);
            let text = [b'k', b];
            let Ok(key) = std::str::from_utf8(&text) else {
                continue;
            };
            let expected = allowed.then_some(b.is_ascii_uppercase());
            assert_eq!(identifier_case(key), expected, "byte {b:#04x}");
            assert_eq!(is_identifier(key), allowed, "byte {b:#04x}");
        }
        assert_eq!(identifier_case("role_ARN"), Some(true));
        assert_eq!(identifier_case("role_arn"), Some(false));
        assert_eq!(identifier_case(""), Some(false));
        assert_eq!(identifier_case("rölé"), None);
        assert_eq!(identifier_case("a b"), None);
    }
}
