//! The two files as documents, with their paths.

use super::{Locations, ParseError, ProfileSet};
use crate::document::{Document, NotUtf8};
use std::path::{Path, PathBuf};

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

/// One file: where it is, whether it exists, and its document.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: FileKind,
    pub path: PathBuf,
    pub exists: bool,
    pub document: Document,
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
        SourceFile {
            kind,
            path: path.to_path_buf(),
            exists: false,
            document: Document::default(),
        }
    }

    pub fn from_bytes(kind: FileKind, path: &Path, bytes: &[u8]) -> Result<SourceFile, LoadError> {
        SourceFile::from_vec(kind, path, bytes.to_vec())
    }

    /// Like `from_bytes`, taking the bytes over without a copy.
    pub fn from_vec(kind: FileKind, path: &Path, bytes: Vec<u8>) -> Result<SourceFile, LoadError> {
        let document = Document::from_utf8(bytes).map_err(|source| LoadError::NotUtf8 {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(SourceFile {
            kind,
            path: path.to_path_buf(),
            exists: true,
            document,
        })
    }
}

/// Both files, loaded, and the profiles they define.
#[derive(Debug, Clone)]
pub struct ProfileFiles {
    pub config: SourceFile,
    pub credentials: SourceFile,
    pub set: ProfileSet,
}

impl ProfileFiles {
    pub fn load(locations: &Locations) -> Result<ProfileFiles, LoadError> {
        let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let big =
            size(&locations.config) + size(&locations.credentials) > super::PARALLEL_FROM_BYTES;
        let (config, credentials) = super::for_both(big, |kind| match kind {
            FileKind::Config => SourceFile::load(kind, &locations.config),
            FileKind::Credentials => SourceFile::load(kind, &locations.credentials),
        });
        ProfileFiles::from_sources(config?, credentials?)
    }

    pub fn from_sources(
        config: SourceFile,
        credentials: SourceFile,
    ) -> Result<ProfileFiles, LoadError> {
        let set = ProfileSet::from_documents(&config.document, &credentials.document).map_err(
            |source| LoadError::Parse {
                path: match source.file {
                    FileKind::Config => config.path.clone(),
                    FileKind::Credentials => credentials.path.clone(),
                },
                source,
            },
        )?;
        Ok(ProfileFiles {
            config,
            credentials,
            set,
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
