//! From two documents to profiles, the way the AWS SDKs read them.
//!
//! `parse` applies the shared line rules to one file (and reports the first
//! error with its line), `normalize` turns section headers into profiles and
//! sso-sessions and merges the two files, keeping where each value came from.

mod edit;
pub mod files;
mod location;
mod normalize;
mod parse;
pub mod rules;

pub use edit::{masked_text, new_header, profile_headers};
pub use files::{FileKind, LoadError, ProfileFiles, SourceFile};
pub use location::{locate, Locations, Platform};
pub use normalize::{is_identifier, SectionName};
pub use parse::ParseError;

use crate::document::SharedStr;
use std::collections::BTreeMap;

/// Past this many bytes of input, the two files are parsed on two threads;
/// below it, starting a thread costs more than it saves.
pub const PARALLEL_FROM_BYTES: u64 = 64 * 1024;

/// Runs `f` for both files: when `parallel`, the config file on a second
/// thread and the credentials file on this one (they are independent, and
/// large ones take milliseconds each to parse).
pub fn for_both<T: Send>(parallel: bool, f: impl Fn(FileKind) -> T + Sync) -> (T, T) {
    if !parallel {
        return (f(FileKind::Config), f(FileKind::Credentials));
    }
    std::thread::scope(|scope| {
        let config = scope.spawn(|| f(FileKind::Config));
        let credentials = f(FileKind::Credentials);
        let config = config
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (config, credentials)
    })
}

/// Keys whose values are secrets: masked unless the user asks for them.
pub const SECRET_KEYS: &[&str] = &[
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Where a value or a section came from: which file, which line (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub file: FileKind,
    pub line: usize,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Property {
    pub value: crate::document::SharedStr,
    pub origin: Origin,
}

impl std::fmt::Debug for Property {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets; Debug output never shows them.
        f.debug_struct("Property")
            .field("value", &"****")
            .field("origin", &self.origin)
            .finish()
    }
}

/// A section's properties, sorted by key. A profile has a handful, so a
/// sorted vector costs a fraction of a map's memory on files with
/// thousands of profiles, and looks up as fast.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties(Vec<(SharedStr, Property)>);

impl Properties {
    pub fn get(&self, key: &str) -> Option<&Property> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Inserts or replaces (a later value wins, as in the files).
    pub fn insert(&mut self, key: SharedStr, property: Property) {
        match self
            .0
            .binary_search_by(|(k, _)| k.as_str().cmp(key.as_str()))
        {
            Ok(i) => self.0[i].1 = property,
            Err(i) => self.0.insert(i, (key, property)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&SharedStr, &Property)> {
        self.0.iter().map(|(k, p)| (k, p))
    }

    pub fn keys(&self) -> impl Iterator<Item = &SharedStr> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl FromIterator<(String, Property)> for Properties {
    fn from_iter<I: IntoIterator<Item = (String, Property)>>(iter: I) -> Properties {
        let mut out = Properties::default();
        for (k, p) in iter {
            out.insert(k.into(), p);
        }
        out
    }
}

impl<'a> IntoIterator for &'a Properties {
    type Item = (&'a SharedStr, &'a Property);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (SharedStr, Property)>,
        fn(&'a (SharedStr, Property)) -> (&'a SharedStr, &'a Property),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, p)| (k, p))
    }
}

/// A profile, an sso-session, or another named section (`[services x]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub properties: Properties,
    /// Every header that contributes to this section, in file order.
    pub headers: Vec<Origin>,
}

impl Section {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties.get(key).map(|p| p.value.as_str())
    }

    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.get(key)
    }

    pub fn defined_in(&self, file: FileKind) -> bool {
        self.headers.iter().any(|h| h.file == file)
    }
}

/// The merged view of both files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    pub profiles: BTreeMap<String, Section>,
    pub sso_sessions: BTreeMap<String, Section>,
    /// Other prefixed sections of the config file, keyed by (prefix, name).
    pub other_sections: BTreeMap<(String, String), Section>,
}

impl ProfileSet {
    /// Builds the merged set from a config and a credentials document.
    pub fn from_documents(
        config: &crate::document::Document,
        credentials: &crate::document::Document,
    ) -> Result<ProfileSet, ParseError> {
        let mut set = ProfileSet::default();
        let big = config.lines().len() + credentials.lines().len() > 2_000;
        let (config_sections, credentials_sections) = for_both(big, |kind| match kind {
            FileKind::Config => parse::parse(config, kind),
            FileKind::Credentials => parse::parse(credentials, kind),
        });
        let (config_sections, credentials_sections) = (config_sections?, credentials_sections?);
        normalize::merge_in(&mut set, config_sections, FileKind::Config);
        normalize::merge_in(&mut set, credentials_sections, FileKind::Credentials);
        for section in set
            .profiles
            .values_mut()
            .chain(set.sso_sessions.values_mut())
        {
            section.properties.shrink_to_fit();
        }
        Ok(set)
    }

    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// The profile names closest to `name`, for "did you mean" hints.
    pub fn closest_profiles(&self, name: &str) -> Vec<&str> {
        crate::suggest::closest(name, self.profiles.keys().map(String::as_str))
    }
}

#[cfg(test)]
mod tests;

impl ProfileSet {
    /// The merged view in the conformance suites' shape:
    /// `{"profiles": {NAME: {KEY: VALUE}}, "sso_sessions": {...}}`.
    /// Secret values are `****` unless `show_secrets`.
    pub fn to_json(&self, show_secrets: bool) -> serde_json::Value {
        let sections = |map: &BTreeMap<String, Section>| {
            map.iter()
                .map(|(name, section)| {
                    let props = section
                        .properties
                        .iter()
                        .map(|(k, p)| {
                            let v = if is_secret_key(k) && !show_secrets {
                                crate::secret::MASK.to_string()
                            } else {
                                p.value.to_string()
                            };
                            (k.to_string(), serde_json::Value::String(v))
                        })
                        .collect::<serde_json::Map<_, _>>();
                    (name.clone(), serde_json::Value::Object(props))
                })
                .collect::<serde_json::Map<_, _>>()
        };
        serde_json::json!({
            "profiles": sections(&self.profiles),
            "sso_sessions": sections(&self.sso_sessions),
        })
    }
}
