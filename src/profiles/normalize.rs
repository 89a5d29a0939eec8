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
                prefix: Some(header[..at].trim()),
                name: header[at + 1..].trim(),
            },
            None => SectionName {
                prefix: None,
                name: header.trim(),
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
    let mut builder = Builder {
        kind,
        scope,
        out: FileSections::default(),
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
/// one's values winning.
fn merge_same_names(sections: &mut Vec<Section>) {
    // Stable: sections of one name stay in file order.
    sections.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    sections.dedup_by(|later, earlier| {
        let same = later.name == earlier.name;
        if same {
            earlier.absorb(std::mem::take(later));
        }
        same
    });
}

/// Merges two lists sorted by name; where both have a name, `later`'s
/// values win.
pub(super) fn merge_sorted(earlier: Vec<Section>, later: Vec<Section>) -> Vec<Section> {
    if later.is_empty() {
        return earlier;
    }
    if earlier.is_empty() {
        return later;
    }
    let mut out = Vec::with_capacity(earlier.len() + later.len());
    let mut later = later.into_iter().peekable();
    for section in earlier {
        while let Some(next) = later.next_if(|l| l.name.as_str() < section.name.as_str()) {
            out.push(next);
        }
        match later.next_if(|l| l.name == section.name) {
            Some(same) => {
                let mut section = section;
                section.absorb(same);
                out.push(section);
            }
            None => out.push(section),
        }
    }
    out.extend(later);
    out
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
