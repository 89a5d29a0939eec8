//! From two documents to profiles, the way the AWS SDKs read them.
//!
//! `parse` applies the shared line rules to one file (and reports the first
//! error with its line), `normalize` turns section headers into profiles and
//! sso-sessions and merges the two files, keeping where each value came from.

pub mod command_line;
mod edit;
pub mod keys;
mod location;
mod names;
mod normalize;
mod parse;
mod partial;
mod profile_files;
mod source_file;
pub mod values;

pub use edit::{
    masked_texts, new_header, prefixed_headers, prefixed_names, profile_headers, set_nested,
    unset_nested, NestedConflict,
};
pub use location::{locate, Locations, Platform};
pub use names::ProfileNames;
pub use normalize::{is_identifier, SectionName};
pub use parse::ParseError;
pub use profile_files::ProfileFiles;
pub use source_file::{FileKind, LoadError, SourceFile};

use crate::document::SharedStr;
use smallvec::SmallVec;
use std::collections::BTreeMap;

/// Past this many bytes of input, the two files are parsed on two threads;
/// below it, starting a thread costs more than it saves.
pub const PARALLEL_FROM_BYTES: u64 = 64 * 1024;

/// Runs `f` for both files, whose sizes add up to `bytes`: for large
/// files (past [`PARALLEL_FROM_BYTES`]) the config file on a second thread
/// and the credentials file on this one (they are independent, and large
/// ones take milliseconds each to parse). Every reader decides this here,
/// and prepares the heap for a large input (see `memory`).
pub fn for_both<T: Send>(bytes: u64, f: impl Fn(FileKind) -> T + Sync) -> (T, T) {
    crate::memory::prepare_for_input(bytes);
    if bytes <= PARALLEL_FROM_BYTES {
        return (f(FileKind::Config), f(FileKind::Credentials));
    }
    crate::threads::side_by_side(|| f(FileKind::Config), || f(FileKind::Credentials))
}

/// A document's lines, numbered from 1.
fn numbered(
    doc: &crate::document::Document,
) -> impl Iterator<Item = (usize, crate::document::LineView<'_>)> {
    doc.lines().enumerate().map(|(i, l)| (i + 1, l.view()))
}

/// Work over a file's lines done while a reader reads them (see
/// [`ProfileSet::from_sources_with`]): each line once, then the result.
pub trait LineVisitor<'a> {
    type Output;
    fn visit(&mut self, number: usize, line: &crate::document::LineView<'a>);
    fn finish(self) -> Self::Output;
}

/// Nothing besides the reading.
impl LineVisitor<'_> for () {
    type Output = ();
    fn visit(&mut self, _: usize, _: &crate::document::LineView<'_>) {}
    fn finish(self) {}
}

pub use keys::is_secret_key;

/// The `name = value` pairs of a sub-property block's raw value (the
/// lines below `s3 =`, as the SDKs keep them: `"\nname = value..."`).
pub fn sub_properties(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    raw.lines().filter_map(|line| {
        let (k, v) = line.split_once('=')?;
        Some((k.trim(), v.trim()))
    })
}

/// Where a value or a section came from: which file, which line (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub file: FileKind,
    pub line: u32,
}

impl Origin {
    pub fn new(file: FileKind, line: usize) -> Origin {
        Origin {
            file,
            // Only a file beyond 4 GiB has more lines.
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }
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
pub struct Properties {
    /// Inline up to [`INLINE_PROPERTIES`]: a section nearly always has
    /// that few, and one allocation for each of 20,000 sections made the
    /// two threads that read the files wait on each other for the heap.
    entries: SmallVec<[(SharedStr, Property); INLINE_PROPERTIES]>,
    /// A bit for each key held ([`key_bit`]). Most lookups ask for a key
    /// the section does not hold (lint asks about a million times on
    /// 20,000 profiles); this answers them without reading the entries,
    /// which are elsewhere in memory, a cache miss on each profile.
    held: u64,
}

/// How many properties a section holds without an allocation of its own.
const INLINE_PROPERTIES: usize = 4;

/// The bit that stands for `key` in [`Properties::held`]: its length and
/// its first, middle and last bytes, spread by a Fibonacci hash (the keys
/// a profile usually holds get bits of their own).
#[inline]
fn key_bit(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let Some((&first, &last)) = bytes.first().zip(bytes.last()) else {
        return 1;
    };
    let middle = bytes[bytes.len() / 2];
    let word = (bytes.len() as u32 & 0xff)
        | u32::from(first) << 8
        | u32::from(middle) << 16
        | u32::from(last) << 24;
    1 << (word.wrapping_mul(0x9E37_79B1) >> 26)
}

impl Properties {
    /// Inlined, so that for a key named in the code its bit is worked
    /// out as the program is built: lint asks 20,000 profiles about thirty
    /// keys each, nearly all absent, and each answer is then a bit test.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Property> {
        if self.held & key_bit(key) == 0 {
            return None;
        }
        self.find(key)
    }

    fn find(&self, key: &str) -> Option<&Property> {
        // A section holds a handful of keys: a scan that compares lengths
        // before bytes costs less than a binary search's ordered
        // comparisons.
        self.entries
            .iter()
            .find(|(k, _)| k.byte_len() == key.len() && k.as_str() == key)
            .map(|(_, p)| p)
    }

    /// Inserts or replaces (a later value wins, as in the files).
    pub fn insert(&mut self, key: SharedStr, property: Property) {
        match self
            .entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key.as_str()))
        {
            Ok(i) => self.entries[i].1 = property,
            Err(i) => {
                self.held |= key_bit(&key);
                self.entries.insert(i, (key, property));
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&SharedStr, &Property)> {
        self.entries.iter().map(|(k, p)| (k, p))
    }

    pub fn keys(&self) -> impl Iterator<Item = &SharedStr> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A section's properties from `read`, in file order (emptied): sorted
    /// by key, and of a key written twice, the later.
    fn from_file_order(read: &mut Vec<(SharedStr, Property)>) -> Properties {
        // Stable: of equal keys, the later stays later.
        read.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let mut entries: SmallVec<[(SharedStr, Property); INLINE_PROPERTIES]> =
            SmallVec::with_capacity(read.len());
        let mut held = 0;
        for (key, property) in read.drain(..) {
            match entries.last_mut() {
                Some(last) if last.0 == key => last.1 = property,
                _ => {
                    held |= key_bit(&key);
                    entries.push((key, property));
                }
            }
        }
        Properties { entries, held }
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
        self.entries.iter().map(|(k, p)| (k, p))
    }
}

/// A profile, an sso-session, or another named section (`[services x]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub name: SharedStr,
    pub properties: Properties,
    /// Every header that contributes to this section, in file order.
    pub headers: Headers,
}

/// The headers of a section, in file order: nearly always one, and then
/// kept without an allocation (a file has thousands of sections).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    first: Option<Origin>,
    rest: Vec<Origin>,
}

impl Headers {
    pub fn one(origin: Origin) -> Headers {
        Headers {
            first: Some(origin),
            rest: Vec::new(),
        }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Origin> {
        self.first.iter().chain(&self.rest)
    }

    pub fn last(&self) -> Option<&Origin> {
        self.rest.last().or(self.first.as_ref())
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// Adds `later`'s headers after these.
    fn extend(&mut self, later: Headers) {
        for origin in later.first.into_iter().chain(later.rest) {
            match self.first {
                None => self.first = Some(origin),
                Some(_) => self.rest.push(origin),
            }
        }
    }
}

impl Section {
    #[inline]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties.get(key).map(|p| p.value.as_str())
    }

    #[inline]
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.get(key)
    }

    pub fn defined_in(&self, file: FileKind) -> bool {
        self.headers.iter().any(|h| h.file == file)
    }

    /// Takes in a later section of the same name: its values win.
    fn absorb(&mut self, later: Section) {
        self.headers.extend(later.headers);
        for (key, property) in later.properties.entries {
            self.properties.insert(key, property);
        }
    }
}

/// Sections sorted by name. Files with thousands of profiles are read
/// once and looked up by name: a sorted vector built in one pass costs a
/// fraction of a tree map's allocations and memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sections(Vec<Section>);

impl Sections {
    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|s| s.name.as_str().cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&Section> {
        self.position(name).ok().map(|i| &self.0[i])
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Where `name` is in the order of `iter` and `keys`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.position(name).ok()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|s| s.name.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Section)> {
        self.0.iter().map(|s| (s.name.as_str(), s))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a section, or replaces the one of the same name.
    pub fn insert(&mut self, section: Section) {
        match self.position(&section.name) {
            Ok(i) => self.0[i] = section,
            Err(i) => self.0.insert(i, section),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Section> {
        self.position(name).ok().map(|i| self.0.remove(i))
    }
}

/// Collects sections in any order; of two with one name, the later wins.
impl FromIterator<Section> for Sections {
    fn from_iter<I: IntoIterator<Item = Section>>(iter: I) -> Sections {
        let mut out = Sections::default();
        for section in iter {
            out.insert(section);
        }
        out
    }
}

impl<'a> IntoIterator for &'a Sections {
    type Item = (&'a str, &'a Section);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, Section>, fn(&'a Section) -> (&'a str, &'a Section)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|s| (s.name.as_str(), s))
    }
}

/// The merged view of both files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    pub profiles: Sections,
    pub sso_sessions: Sections,
    /// Other prefixed sections of the config file, keyed by (prefix, name).
    pub other_sections: BTreeMap<(String, String), Section>,
}

impl ProfileSet {
    /// Builds the merged set from a config and a credentials document.
    pub fn from_documents(
        config: &crate::document::Document,
        credentials: &crate::document::Document,
    ) -> Result<ProfileSet, ParseError> {
        let bytes = |doc: &crate::document::Document| -> u64 {
            doc.lines().map(|l| l.text().len() as u64 + 1).sum()
        };
        let (config, credentials) =
            for_both(bytes(config) + bytes(credentials), |kind| match kind {
                FileKind::Config => {
                    normalize::read_file(numbered(config), kind, normalize::Scope::All)
                }
                FileKind::Credentials => {
                    normalize::read_file(numbered(credentials), kind, normalize::Scope::All)
                }
            });
        Ok(ProfileSet::merge(config?, credentials?))
    }

    /// Builds the merged set from both files as read (or edited).
    pub fn from_sources(
        config: &SourceFile,
        credentials: &SourceFile,
    ) -> Result<ProfileSet, ParseError> {
        ProfileSet::from_sources_with(config, credentials, |_, _| ()).0
    }

    /// As [`ProfileSet::from_sources`], and hands each line of each file,
    /// as it is read, to a visitor that `beside` makes for the file (on
    /// the thread that reads it, told how many section headers the file
    /// has): work of its own over the same lines, such as lint's checks
    /// of the text, without classifying every line twice. A file that
    /// does not parse is still visited to its end.
    pub fn from_sources_with<'s, V>(
        config: &'s SourceFile,
        credentials: &'s SourceFile,
        beside: impl Fn(&'s SourceFile, usize) -> V + Sync,
    ) -> (Result<ProfileSet, ParseError>, (V::Output, V::Output))
    where
        V: LineVisitor<'s>,
        V::Output: Send,
    {
        let bytes = (config.original().len() + credentials.original().len()) as u64;
        let ((config, config_beside), (credentials, credentials_beside)) =
            for_both(bytes, |kind| {
                let file = match kind {
                    FileKind::Config => config,
                    FileKind::Credentials => credentials,
                };
                // The config file's profiles have room for the credentials
                // file's too: the two merge in the config file's list. Both
                // threads count the credentials file's headers (a fast
                // scan): counted once before they start, both would wait.
                let headers = normalize::header_lines(file.original());
                let room = match kind {
                    FileKind::Config => headers + normalize::header_lines(credentials.original()),
                    FileKind::Credentials => headers,
                };
                let mut visitor = beside(file, headers);
                let mut lines = file
                    .numbered_lines()
                    .inspect(|(number, line)| visitor.visit(*number, line));
                let sections =
                    normalize::read_file_with_room(&mut lines, kind, normalize::Scope::All, room);
                lines.for_each(drop);
                (sections, visitor.finish())
            });
        let set = config.and_then(|config| Ok(ProfileSet::merge(config, credentials?)));
        (set, (config_beside, credentials_beside))
    }

    /// Both files' sections as one view: where both files define a name,
    /// the credentials file's values win.
    fn merge(config: normalize::FileSections, credentials: normalize::FileSections) -> ProfileSet {
        let mut other_sections = BTreeMap::new();
        for (key, section) in config.other.into_iter().chain(credentials.other) {
            match other_sections.entry(key) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(section);
                }
                std::collections::btree_map::Entry::Occupied(mut slot) => {
                    slot.get_mut().absorb(section)
                }
            }
        }
        ProfileSet {
            profiles: Sections(normalize::merge_sorted(
                config.profiles,
                credentials.profiles,
            )),
            sso_sessions: Sections(normalize::merge_sorted(
                config.sso_sessions,
                credentials.sso_sessions,
            )),
            other_sections,
        }
    }

    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// A setting of `service` in the `[services NAME]` section that
    /// `profile` names: its sub-property `key` of the block `service =`.
    pub fn service_setting(&self, profile: &str, service: &str, key: &str) -> Option<&str> {
        let name = self.profile(profile)?.get(keys::SERVICES)?;
        let section = self
            .other_sections
            .get(&(keys::SERVICES.to_string(), name.to_string()))?;
        sub_properties(section.get(service)?)
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// The profile names closest to `name`, for "did you mean" hints.
    pub fn closest_profiles(&self, name: &str) -> Vec<&str> {
        crate::suggest::closest(name, self.profiles.keys())
    }

    /// [`ProfileSet::closest_profiles`] for many names, each name's answer
    /// worked out once (see [`ClosestProfiles`]).
    pub fn closest_profiles_remembered(&self) -> ClosestProfiles<'_> {
        ClosestProfiles {
            set: self,
            remembered: crate::suggest::Remembered::default(),
        }
    }
}

/// The profile names closest to each name asked, for checks of every
/// profile: where thousands of profiles name one missing profile, its
/// hint is worked out once, not once for each (each a pass over every
/// name of the set).
pub struct ClosestProfiles<'a> {
    set: &'a ProfileSet,
    remembered: crate::suggest::Remembered<'a>,
}

impl<'a> ClosestProfiles<'a> {
    /// [`ProfileSet::closest_profiles`] of `name`.
    pub fn to(&mut self, name: &str) -> &[&'a str] {
        let set = self.set;
        self.remembered.closest(name, || set.profiles.keys())
    }
}

#[cfg(test)]
mod tests;

impl ProfileSet {
    /// The merged view in the conformance suites' shape:
    /// `{"profiles": {NAME: {KEY: VALUE}}, "sso_sessions": {...}}`.
    /// Secret values are `****` unless `show_secrets`.
    pub fn to_json(&self, show_secrets: bool) -> serde_json::Value {
        serde_json::to_value(self.json_view(show_secrets)).expect("profiles serialize")
    }

    /// What [`ProfileSet::to_json`] holds, serialized straight from the
    /// profiles: `profile list --output json` on 20,000 profiles built a
    /// Value and strings for every name, key and value first.
    pub fn json_view(&self, show_secrets: bool) -> impl serde::Serialize + '_ {
        JsonView {
            set: self,
            show_secrets,
        }
    }
}

struct JsonView<'a> {
    set: &'a ProfileSet,
    show_secrets: bool,
}

impl serde::Serialize for JsonView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let view = |sections| SectionsView {
            sections,
            show_secrets: self.show_secrets,
        };
        let mut fields = serializer.serialize_struct("ProfileSet", 2)?;
        fields.serialize_field("profiles", &view(&self.set.profiles))?;
        fields.serialize_field("sso_sessions", &view(&self.set.sso_sessions))?;
        fields.end()
    }
}

/// Sections by name, each its properties by key.
struct SectionsView<'a> {
    sections: &'a Sections,
    show_secrets: bool,
}

impl serde::Serialize for SectionsView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.sections.iter().map(|(name, section)| {
            let properties = PropertiesView {
                section,
                show_secrets: self.show_secrets,
            };
            (name, properties)
        }))
    }
}

/// A section's values by key, secrets masked unless shown.
struct PropertiesView<'a> {
    section: &'a Section,
    show_secrets: bool,
}

impl serde::Serialize for PropertiesView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.section.properties.iter().map(|(key, p)| {
            let in_credentials = p.origin.file == FileKind::Credentials;
            let masked = !self.show_secrets && keys::masks_value(key, &p.value, in_credentials);
            let value = if masked {
                crate::secret::MASK
            } else {
                p.value.as_str()
            };
            (key.as_str(), value)
        }))
    }
}
