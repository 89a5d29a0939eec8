//! Profile-level edits on the two documents: which file and which section
//! a key lives in, following the same rules the reader uses.

use super::LoadError;
use super::{FileKind, ProfileFiles, ProfileSet, SectionName};
use crate::document::{Document, LineKind};
use std::collections::{HashMap, HashSet};

/// Header line indices (0-based) of the sections in `doc` that the SDKs
/// read as profile `name`, in file order.
pub fn profile_headers(doc: &Document, kind: FileKind, name: &str) -> Vec<usize> {
    headers_naming(doc.headers_ending_with(name), kind, name)
}

/// Of `headers` (a position and the text between the brackets, in file
/// order), those the SDKs read as profile `name` in a file of `kind`.
pub(super) fn headers_naming<'a, T>(
    headers: impl Iterator<Item = (T, &'a str)>,
    kind: FileKind,
    name: &str,
) -> Vec<T> {
    // A header names a profile at its end (`profile NAME`, or `NAME`):
    // on files with thousands of profiles this skips nearly all of them
    // with one short comparison each.
    let named: Vec<(T, SectionName)> = headers
        .filter(|(_, n)| n.trim_end().ends_with(name))
        .map(|(at, n)| (at, SectionName::parse(n)))
        .collect();
    let has_prefixed_default = kind == FileKind::Config
        && name == "default"
        && named
            .iter()
            .any(|(_, n)| n.prefix == Some("profile") && n.name == "default");
    named
        .into_iter()
        .filter(|(_, n)| n.profile_name(kind) == Some(name))
        .filter(|(_, n)| !(has_prefixed_default && n.prefix.is_none()))
        .map(|(at, _)| at)
        .collect()
}

/// The header text awsprof writes for a new profile section.
pub fn new_header(kind: FileKind, name: &str) -> String {
    match kind {
        FileKind::Config if name != "default" => format!("profile {name}"),
        _ => name.to_string(),
    }
}

impl ProfileFiles {
    pub fn document_mut(&mut self, kind: FileKind) -> &mut Document {
        match kind {
            FileKind::Config => self.config.document_mut(),
            FileKind::Credentials => self.credentials.document_mut(),
        }
    }

    /// The line index of the effective occurrence of `key` for `profile`
    /// in the file of `kind`: the last one across the profile's sections.
    pub fn find_property(&self, kind: FileKind, profile: &str, key: &str) -> Option<usize> {
        if self.untouched_without(kind, profile) {
            return None;
        }
        let doc = &self.file(kind).document();
        profile_headers(doc, kind, profile)
            .into_iter()
            .filter_map(|h| doc.find_key(h, key).last().copied())
            .max()
    }

    /// [`ProfileFiles::find_property`] for each of `profiles`, from one pass
    /// over the file's headers: where each profile that has `key` has it.
    /// `profiles` must not hold `default`, whose bare header a `[profile
    /// default]` hides (see [`profile_headers`]).
    pub fn find_properties<'p>(
        &self,
        kind: FileKind,
        profiles: &HashSet<&'p str>,
        key: &str,
    ) -> HashMap<&'p str, usize> {
        debug_assert!(!profiles.contains("default"));
        let doc = self.file(kind).document();
        let mut found: HashMap<&'p str, usize> = HashMap::new();
        for header in doc.section_starts() {
            let Some(inner) = doc.line(header).header_name() else {
                continue;
            };
            let Some(profile) = SectionName::parse(inner).profile_name(kind) else {
                continue;
            };
            let Some(&profile) = profiles.get(profile) else {
                continue;
            };
            if let Some(&line) = doc.find_key(header, key).last() {
                let at = found.entry(profile).or_insert(line);
                *at = (*at).max(line);
            }
        }
        found
    }

    /// Replaces the value of the property on line `line` (0-based) of the
    /// file of `kind`, as found by `find_property`.
    pub fn replace_value_at(&mut self, kind: FileKind, line: usize, value: &str) -> bool {
        self.document_mut(kind).replace_value(line, value)
    }

    /// Sets `key = value` for `profile` in the file of `kind`: in place
    /// where the key is, else after the last property of the profile's
    /// last section, else in a new section at the end of the file.
    pub fn set_property(&mut self, kind: FileKind, profile: &str, key: &str, value: &str) {
        if let Some(line) = self.find_property(kind, profile, key) {
            self.document_mut(kind).replace_value(line, value);
            return;
        }
        let headers = profile_headers(self.file(kind).document(), kind, profile);
        let doc = self.document_mut(kind);
        match headers.last() {
            Some(&header) => {
                doc.insert_property(header, key, value);
            }
            None => {
                doc.append_section(&new_header(kind, profile), &[(key, value)]);
            }
        }
    }

    /// Removes `key` from every section of `profile` in the file of `kind`.
    pub fn unset_property(&mut self, kind: FileKind, profile: &str, key: &str) -> usize {
        if self.untouched_without(kind, profile) {
            return 0;
        }
        let headers = profile_headers(self.file(kind).document(), kind, profile);
        let doc = self.document_mut(kind);
        // Last section first, so earlier header indices stay valid.
        headers
            .into_iter()
            .rev()
            .map(|h| doc.remove_key(h, key))
            .sum()
    }

    /// Removes `profile`'s sections that an edit left empty, in both files;
    /// returns the file of each section that went.
    pub fn remove_empty_sections(&mut self, profile: &str) -> Vec<FileKind> {
        let mut removed = Vec::new();
        for kind in [FileKind::Config, FileKind::Credentials] {
            if self.untouched_without(kind, profile) {
                continue;
            }
            let headers = profile_headers(self.file(kind).document(), kind, profile);
            let count = self.document_mut(kind).remove_empty(headers);
            removed.extend(std::iter::repeat_n(kind, count));
        }
        removed
    }

    /// Rebuilds the merged profiles after the documents were edited.
    pub fn reparse(&mut self) -> Result<(), LoadError> {
        // The old set goes first, so that two never live at once.
        self.set = ProfileSet::default();
        self.partial = None;
        self.set = ProfileSet::from_documents(self.config.document(), self.credentials.document())
            .map_err(|source| LoadError::Parse {
                path: self.path(source.file).to_path_buf(),
                source,
            })?;
        Ok(())
    }
}

/// Both documents' texts with secret values replaced by `****`, for a
/// diff from `old` to `new` (`in_credentials`: they are the credentials
/// file, where any value shaped like a secret key is masked too). A
/// secret of `new` that `old` does not hold reads `**** (changed)`, so
/// that a diff in which only a secret changed still shows the line,
/// never the value.
pub fn masked_texts(old: &Document, new: &Document, in_credentials: bool) -> (String, String) {
    let old_secrets: std::collections::HashSet<&str> = secret_spans(old, in_credentials)
        .into_iter()
        .map(|(idx, start, end)| &old.line(idx).text()[start..end])
        .collect();
    let old_text = masked_with(old, in_credentials, |_| crate::secret::MASK.to_string());
    let new_text = masked_with(new, in_credentials, |value| {
        if old_secrets.contains(value) {
            crate::secret::MASK.to_string()
        } else {
            format!("{} (changed)", crate::secret::MASK)
        }
    });
    (old_text, new_text)
}

/// (line index, start, end) of each non-empty value to mask: a masked
/// key's value, every continuation line under it, and a masked
/// sub-property inside a block.
fn secret_spans(doc: &Document, in_credentials: bool) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut under_secret = false;
    for (idx, line) in doc.lines().enumerate() {
        let text = line.text();
        match line.kind() {
            LineKind::Property { key, value } => {
                let masked = super::keys::masks_value(
                    key.of(text),
                    &text[value.start()..value.end()],
                    in_credentials,
                );
                if masked && value.start() < value.end() {
                    out.push((idx, value.start(), value.end()));
                }
                under_secret = masked;
            }
            LineKind::Indented { content } => {
                let inner = &text[content.start()..content.end()];
                if under_secret {
                    out.push((idx, content.start(), content.end()));
                } else if let Some((key, value)) = inner.split_once('=') {
                    let (key, value) = (key.trim(), value.trim());
                    if !value.is_empty() && super::keys::masks_value(key, value, in_credentials) {
                        let end = content.end();
                        out.push((idx, end - value.len(), end));
                    }
                }
            }
            LineKind::Blank | LineKind::Comment => {}
            _ => under_secret = false,
        }
    }
    out
}

fn masked_with(doc: &Document, in_credentials: bool, mask: impl Fn(&str) -> String) -> String {
    let mut secrets = secret_spans(doc, in_credentials).into_iter().peekable();
    let mut out = String::new();
    for (idx, line) in doc.lines().enumerate() {
        let text = line.text();
        match secrets.peek() {
            Some(&(at, start, end)) if at == idx => {
                out.push_str(&text[..start]);
                out.push_str(&mask(&text[start..end]));
                out.push_str(&text[end..]);
                secrets.next();
            }
            _ => out.push_str(text),
        }
        out.push('\n');
    }
    out
}

/// A nested setting that cannot be written as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedConflict(pub String);

/// Header indices (0-based) of `[PREFIX NAME]` sections in `doc`.
/// The names of every `[PREFIX NAME]` section of `doc`.
pub fn prefixed_names(doc: &Document, prefix: &str) -> Vec<String> {
    doc.section_starts()
        .filter_map(|idx| {
            let s = SectionName::parse(doc.line(idx).header_name()?);
            (s.prefix == Some(prefix)).then(|| s.name.to_string())
        })
        .collect()
}

pub fn prefixed_headers(doc: &Document, prefix: &str, name: &str) -> Vec<usize> {
    doc.section_starts()
        .filter(|&idx| {
            doc.line(idx).header_name().is_some_and(|h| {
                let s = SectionName::parse(h);
                s.prefix == Some(prefix) && s.name == name
            })
        })
        .collect()
}

/// Sets `key.sub = value` in the sections at `headers` (the last holds a
/// new block), or in a new section `[new_header]` when there is none.
/// Returns whether the sub-property existed already.
pub fn set_nested(
    doc: &mut Document,
    headers: &[usize],
    new_header: &str,
    key: &str,
    sub: &str,
    value: &str,
) -> Result<bool, NestedConflict> {
    let block = headers
        .iter()
        .filter_map(|&h| doc.find_key(h, key).last().copied())
        .max();
    match block {
        Some(idx) => {
            if doc.line(idx).value().is_some_and(|v| !v.is_empty()) {
                return Err(NestedConflict(format!(
                    "`{key}` holds a plain value, not sub-properties; unset {key} first to make it a block"
                )));
            }
            let existed = doc
                .sub_properties(idx)
                .iter()
                .any(|(_, n, _)| n.eq_ignore_ascii_case(sub));
            doc.set_sub_property(idx, sub, value);
            Ok(existed)
        }
        None => {
            let lines = vec![format!("{key} ="), format!("    {sub} = {value}")];
            match headers.last() {
                Some(&header) => {
                    let at = doc.insertion_point(header);
                    doc.insert_lines(at, lines);
                }
                None => {
                    doc.append_section_lines(new_header, lines);
                }
            }
            Ok(false)
        }
    }
}

/// Removes `key.sub` from the sections at `headers`; a block left empty
/// goes too. Returns how many were removed.
pub fn unset_nested(doc: &mut Document, headers: &[usize], key: &str, sub: &str) -> usize {
    let mut removed = 0;
    for &header in headers.iter().rev() {
        for idx in doc.find_key(header, key).into_iter().rev() {
            if doc.remove_sub_property(idx, sub) {
                removed += 1;
            }
        }
    }
    removed
}
