//! Reading one profile again after an edit, instead of both whole files.

use super::edit::{headers_naming, profile_headers};
use super::{normalize, FileKind, LoadError, ProfileFiles, Section};
use crate::document::{section_lines, sections_mentioning};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The headers in `text` (a file of `kind`) that the SDKs read as
/// profile `name`: where each header line starts, and its line number.
pub(super) fn text_headers_naming(
    text: &Arc<String>,
    kind: FileKind,
    name: &str,
) -> Vec<(usize, usize)> {
    let found = sections_mentioning(text, name);
    let headers = found
        .iter()
        .map(|&(start, number, inner)| ((start, number), inner));
    headers_naming(headers, kind, name)
}

/// How many profiles [`ProfileFiles::reread_profiles`] reads one by one.
const REREAD_AT_MOST: usize = 32;

impl ProfileFiles {
    /// Whether the file of `kind` is one nothing has edited and that has no
    /// section for profile `name`: then there is nothing in it to find or
    /// change, and its document need not be built.
    pub(super) fn untouched_without(&self, kind: FileKind, name: &str) -> bool {
        // Nothing edited the file, so what was read from it is current.
        !self.file(kind).is_edited()
            && self.knows(name)
            && !self.set.profile(name).is_some_and(|p| p.defined_in(kind))
    }

    /// Reads profile `name` again from both files (as edited) and puts it
    /// in the set in place of what was read before. Only that profile's
    /// sections are read, found by a substring search: on files with
    /// thousands of profiles this is a fraction of a full read.
    ///
    /// awsprof's edits touch only the edited profile's sections, or add
    /// one at the end of a file, so every other profile reads as before.
    /// What is not brought up to date is the line numbers recorded for
    /// other profiles' lines after an inserted or removed line: use
    /// [`ProfileFiles::reparse`] before reporting those.
    pub fn reread_profile(&mut self, name: &str) -> Result<(), LoadError> {
        if name.is_empty() {
            return self.reparse();
        }
        let read = self.read_profile(name)?;
        self.set.profiles.remove(name);
        if let Some(section) = read {
            self.set.profiles.insert(section);
        }
        if self.partial() {
            self.read_reachable(vec![name.to_string()])?;
        }
        Ok(())
    }

    /// [`ProfileFiles::reread_profile`] for each of `names`, after an edit
    /// that changed only their sections, each line in place.
    pub fn reread_profiles(&mut self, names: &[&str]) -> Result<(), LoadError> {
        // Each profile read again looks for its headers among all of a
        // file's: past a few dozen, parsing both files again costs less.
        if names.len() > REREAD_AT_MOST {
            return self.reparse();
        }
        for name in names {
            self.reread_profile(name)?;
        }
        Ok(())
    }

    /// Adds to a partial set the profiles `names` lead to through
    /// `source_profile`, reading each from both files.
    pub(super) fn read_reachable(&mut self, mut names: Vec<String>) -> Result<(), LoadError> {
        let mut seen = BTreeSet::new();
        while let Some(name) = names.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if !self.knows(&name) {
                if let Some(section) = self.read_profile(&name)? {
                    self.set.profiles.insert(section);
                }
                if let Some(known) = &mut self.partial {
                    known.insert(name.clone());
                }
            }
            if let Some(next) = self
                .set
                .profile(&name)
                .and_then(|p| p.get("source_profile"))
            {
                names.push(next.to_string());
            }
        }
        Ok(())
    }

    /// Profile `name` as both files (as edited) define it, if they do.
    fn read_profile(&self, name: &str) -> Result<Option<Section>, LoadError> {
        let config = self.profile_sections(FileKind::Config, name)?;
        let credentials = self.profile_sections(FileKind::Credentials, name)?;
        Ok(normalize::merge_sorted(config, credentials).pop())
    }

    /// The sections of the file of `kind` that the SDKs read as profile
    /// `name`, merged into one (or none).
    fn profile_sections(&self, kind: FileKind, name: &str) -> Result<Vec<Section>, LoadError> {
        if self.untouched_without(kind, name) {
            return Ok(Vec::new());
        }
        let file = self.file(kind);
        let read = match file.built_document() {
            Some(doc) => {
                let lines = profile_headers(doc, kind, name)
                    .into_iter()
                    .flat_map(|header| header..doc.section_end(header))
                    .map(|idx| (idx + 1, doc.line(idx).view()));
                normalize::read_file(lines, kind, normalize::Scope::All)
            }
            None => {
                let text = file.text();
                let lines = text_headers_naming(text, kind, name)
                    .into_iter()
                    .flat_map(|(start, number)| section_lines(text, start, number));
                normalize::read_file(lines, kind, normalize::Scope::All)
            }
        };
        read.map(|sections| sections.profiles)
            .map_err(|source| LoadError::Parse {
                path: file.path.clone(),
                source,
            })
    }
}
