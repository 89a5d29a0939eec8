//! The two files as documents, with their paths.

use super::normalize::Scope;
use super::{Locations, ParseError, ProfileSet};
use crate::document::{lines_of, Document, Line, LineView, NotUtf8, TextLines};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Config,
    Credentials,
}

impl FileKind {
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One file: where it is, whether it exists, its text as read, and its
/// document.
///
/// The document is built the first time it is asked for: reading profiles
/// needs only the text, and a file with 100,000 lines costs megabytes as a
/// document. An editing command builds it for the file it edits.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: FileKind,
    pub path: PathBuf,
    pub exists: bool,
    text: Arc<String>,
    document: OnceLock<Document>,
    /// Whether the document was handed out for editing.
    edited: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{}: {source}; save the file as UTF-8", source.line)]
    NotUtf8 { path: PathBuf, source: NotUtf8 },
    #[error("{path}:{}: {}", source.line, source.message)]
    Parse { path: PathBuf, source: ParseError },
}

impl SourceFile {
    /// Reads a file; a missing file reads as empty.
    pub fn load(kind: FileKind, path: &Path) -> Result<SourceFile, LoadError> {
        match std::fs::read(path) {
            Ok(bytes) => SourceFile::from_vec(kind, path, bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(SourceFile::missing(kind, path))
            }
            Err(source) => Err(LoadError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// A file that does not exist: it reads as empty.
    pub fn missing(kind: FileKind, path: &Path) -> SourceFile {
        SourceFile::from_text(kind, path, false, String::new())
    }

    pub fn from_bytes(kind: FileKind, path: &Path, bytes: &[u8]) -> Result<SourceFile, LoadError> {
        SourceFile::from_vec(kind, path, bytes.to_vec())
    }

    /// Like `from_bytes`, taking the bytes over without a copy.
    pub fn from_vec(kind: FileKind, path: &Path, bytes: Vec<u8>) -> Result<SourceFile, LoadError> {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::from_text(kind, path, true, text)),
            Err(e) => Err(LoadError::NotUtf8 {
                path: path.to_path_buf(),
                source: NotUtf8::of(e.as_bytes(), &e.utf8_error()),
            }),
        }
    }

    fn from_text(kind: FileKind, path: &Path, exists: bool, text: String) -> SourceFile {
        SourceFile {
            kind,
            path: path.to_path_buf(),
            exists,
            text: Arc::new(text),
            document: OnceLock::new(),
            edited: false,
        }
    }

    /// The file's text as it was read (empty for a missing file).
    pub fn original(&self) -> &str {
        &self.text
    }

    pub(super) fn text(&self) -> &Arc<String> {
        &self.text
    }

    /// Whether the document was handed out for editing.
    pub fn is_edited(&self) -> bool {
        self.edited
    }

    /// The document, if something asked for it already.
    pub(super) fn built_document(&self) -> Option<&Document> {
        self.document.get()
    }

    pub fn document(&self) -> &Document {
        self.document
            .get_or_init(|| Document::from_buffer(self.text.clone()))
    }

    pub fn document_mut(&mut self) -> &mut Document {
        self.document();
        self.edited = true;
        self.document.get_mut().expect("built just above")
    }

    /// The file's new bytes, when an edit changed them.
    pub fn changed_bytes(&self) -> Option<Vec<u8>> {
        if !self.edited {
            return None;
        }
        let bytes = self.document.get()?.to_bytes();
        (bytes != self.text.as_bytes()).then_some(bytes)
    }

    /// The file's lines, numbered from 1, as a reader sees them.
    pub(super) fn numbered_lines(&self) -> NumberedLines<'_> {
        let lines = match (self.document.get(), lines_of(&self.text)) {
            (None, Some(lines)) => Lines::Text(lines),
            _ => Lines::Document(self.document().lines().iter()),
        };
        NumberedLines { lines, number: 0 }
    }
}

enum Lines<'a> {
    Text(TextLines<'a>),
    Document(std::slice::Iter<'a, Line>),
}

/// A file's lines with their numbers (1-based), from its document when it
/// has one, else read from its text.
pub(super) struct NumberedLines<'a> {
    lines: Lines<'a>,
    number: usize,
}

impl<'a> Iterator for NumberedLines<'a> {
    type Item = (usize, LineView<'a>);

    fn next(&mut self) -> Option<(usize, LineView<'a>)> {
        let line = match &mut self.lines {
            Lines::Text(lines) => lines.next()?,
            Lines::Document(lines) => lines.next()?.view(),
        };
        self.number += 1;
        Some((self.number, line))
    }
}

/// Both files, loaded, and the profiles they define.
#[derive(Debug, Clone)]
pub struct ProfileFiles {
    pub config: SourceFile,
    pub credentials: SourceFile,
    /// All profiles, or for an edit only some (see [`ProfileFiles::partial`]).
    pub set: ProfileSet,
    /// For a set that holds only some profiles: the names it is exact for
    /// (each one is in the set if either file defines it).
    pub(super) partial: Option<BTreeSet<String>>,
}

impl ProfileFiles {
    /// Reads both files and all their profiles.
    pub fn load(locations: &Locations) -> Result<ProfileFiles, LoadError> {
        ProfileFiles::load_with(locations, false, Scope::All)
    }

    /// Reads both files to edit `profiles`. Every line of both is checked
    /// and each file's document is built, on the thread that reads it; of
    /// the profiles, the set holds `profiles` and those their chains lead
    /// to, not all: on files with thousands of profiles an edit then costs
    /// little more than reading the bytes. `None` reads all profiles.
    pub fn load_for_editing(
        locations: &Locations,
        profiles: Option<&[&str]>,
    ) -> Result<ProfileFiles, LoadError> {
        let Some(profiles) = profiles else {
            return ProfileFiles::load_with(locations, true, Scope::All);
        };
        let roots: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
        let wanted: BTreeSet<String> = roots.iter().cloned().collect();
        let mut files = ProfileFiles::load_with(locations, true, Scope::Profiles(&wanted))?;
        files.partial = Some(wanted);
        files.read_reachable(roots)?;
        Ok(files)
    }

    fn load_with(
        locations: &Locations,
        documents: bool,
        scope: Scope<'_>,
    ) -> Result<ProfileFiles, LoadError> {
        let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let big =
            size(&locations.config) + size(&locations.credentials) > super::PARALLEL_FROM_BYTES;
        let (config, credentials) = super::for_both(big, |kind| {
            let path = match kind {
                FileKind::Config => &locations.config,
                FileKind::Credentials => &locations.credentials,
            };
            let file = SourceFile::load(kind, path)?;
            if documents {
                file.document();
            }
            let sections = super::normalize::read_file(file.numbered_lines(), kind, scope)
                .map_err(|source| LoadError::Parse {
                    path: path.clone(),
                    source,
                })?;
            Ok::<_, LoadError>((file, sections))
        });
        let ((config, config_sections), (credentials, credentials_sections)) =
            (config?, credentials?);
        Ok(ProfileFiles {
            config,
            credentials,
            set: ProfileSet::merge(config_sections, credentials_sections),
            partial: None,
        })
    }

    /// Whether the set holds only some profiles (see `load_for_editing`).
    pub fn partial(&self) -> bool {
        self.partial.is_some()
    }

    /// Whether the set is exact for profile `name`: it is in the set if,
    /// and only if, a file defines it.
    pub(super) fn knows(&self, name: &str) -> bool {
        self.partial
            .as_ref()
            .is_none_or(|names| names.contains(name))
    }

    /// The profile names closest to `name`, for "did you mean" hints, from
    /// both files whether or not the set holds every profile.
    pub fn closest_profiles(&self, name: &str) -> Vec<String> {
        if self.partial.is_none() {
            return self
                .set
                .closest_profiles(name)
                .into_iter()
                .map(String::from)
                .collect();
        }
        let mut names = BTreeSet::new();
        for file in [&self.config, &self.credentials] {
            let doc = file.document();
            for idx in doc.section_starts() {
                if let Some(header) = doc.lines()[idx].header_name() {
                    if let Some(profile) = super::SectionName::parse(header).profile_name(file.kind)
                    {
                        names.insert(profile.to_string());
                    }
                }
            }
        }
        crate::suggest::closest(name, names.iter().map(String::as_str))
            .into_iter()
            .map(String::from)
            .collect()
    }

    pub fn from_sources(
        config: SourceFile,
        credentials: SourceFile,
    ) -> Result<ProfileFiles, LoadError> {
        let set =
            ProfileSet::from_sources(&config, &credentials).map_err(|source| LoadError::Parse {
                path: match source.file {
                    FileKind::Config => config.path.clone(),
                    FileKind::Credentials => credentials.path.clone(),
                },
                source,
            })?;
        Ok(ProfileFiles {
            config,
            credentials,
            set,
            partial: None,
        })
    }

    pub fn file(&self, kind: FileKind) -> &SourceFile {
        match kind {
            FileKind::Config => &self.config,
            FileKind::Credentials => &self.credentials,
        }
    }

    pub fn path(&self, kind: FileKind) -> &Path {
        &self.file(kind).path
    }
}
