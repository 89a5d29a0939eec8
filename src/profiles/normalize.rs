//! Section headers to profiles and sso-sessions, and the merge of both files.

use super::parse::RawSection;
use super::{FileKind, ProfileSet, Property};

const DEFAULT: &str = "default";
const PROFILE_PREFIX: &str = "profile";
const SSO_SESSION_PREFIX: &str = "sso-session";
const WHITESPACE: &[char] = &[' ', '\t'];

/// A section header split into an optional prefix and a name:
/// `[profile foo]` is (`profile`, `foo`), `[default]` is (none, `default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionName<'a> {
    pub prefix: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> SectionName<'a> {
    pub fn parse(header: &'a str) -> SectionName<'a> {
        let header = header.trim_matches(WHITESPACE);
        match header.split_once(WHITESPACE) {
            Some((prefix, name)) => SectionName {
                prefix: Some(prefix.trim()),
                name: name.trim(),
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
    input
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

pub(super) fn merge_in(set: &mut ProfileSet, sections: Vec<RawSection>, kind: FileKind) {
    let valid = |name: &SectionName<'_>| name.ignored_because(kind).is_none();
    // `[profile default]` replaces `[default]` in the config file outright.
    let ignore_unprefixed_default = kind == FileKind::Config
        && sections.iter().any(|s| {
            let name = SectionName::parse(&s.header);
            valid(&name) && name.is_prefixed_default()
        });
    for raw in sections {
        let RawSection {
            header,
            origin,
            properties,
        } = raw;
        let name = SectionName::parse(&header);
        if !valid(&name) || (ignore_unprefixed_default && name.is_unprefixed_default()) {
            continue;
        }
        let target = match (name.profile_name(kind), name.prefix) {
            (Some(profile), _) => set.profiles.entry(profile.to_string()).or_default(),
            (None, Some(SSO_SESSION_PREFIX)) => {
                set.sso_sessions.entry(name.name.to_string()).or_default()
            }
            (None, Some(prefix)) => set
                .other_sections
                .entry((prefix.to_string(), name.name.to_string()))
                .or_default(),
            (None, None) => continue,
        };
        if target.name.is_empty() {
            target.name = name.profile_name(kind).unwrap_or(name.name).to_string();
        }
        target.headers.push(origin);
        for (key, value, origin) in properties {
            if is_identifier(&key) {
                target.properties.insert(key, Property { value, origin });
            }
        }
    }
}
