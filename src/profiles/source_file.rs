//! One file as read: its kind, path, text, and (when asked for) its
//! lossless document.

use super::ParseError;
use crate::document::{lines_of, Document, LineRefs, LineView, NotUtf8, TextLines};
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
    #[error("{}: the file is larger than 4 GiB; an AWS config or credentials file is never that large, so check the path", .path.display())]
    TooLarge { path: PathBuf },
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
        if bytes.len() > Document::MAX_BYTES {
            return Err(LoadError::TooLarge {
                path: path.to_path_buf(),
            });
        }
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

    /// [`SourceFile::changed_bytes`] as the document's
    /// [`pieces`](Document::pieces), without a copy of the file: a piece
    /// that is the text as read, at its own place, is equal to it without
    /// a comparison.
    pub fn changed_pieces(&self) -> Option<Vec<&[u8]>> {
        if !self.edited {
            return None;
        }
        let pieces = self.document.get()?.pieces();
        let original = self.text.as_bytes();
        let mut at = 0;
        let unchanged = pieces.iter().all(|piece| {
            let Some(read) = original.get(at..at + piece.len()) else {
                return false;
            };
            at += piece.len();
            std::ptr::eq(read, *piece) || read == *piece
        }) && at == original.len();
        (!unchanged).then_some(pieces)
    }

    /// Whether the file starts with a UTF-8 byte-order mark (as edited,
    /// once it has a document).
    pub fn has_bom(&self) -> bool {
        match self.document.get() {
            Some(doc) => doc.has_bom(),
            None => self.text.starts_with('\u{feff}'),
        }
    }

    /// The file's lines, numbered from 1, as a reader sees them: from its
    /// document when it has one, else classified from the text as they
    /// are read (no line is kept).
    pub fn numbered_lines(&self) -> NumberedLines<'_> {
        let lines = match self.document.get() {
            None => Lines::Text(lines_of(&self.text)),
            Some(doc) => Lines::Document(doc.lines()),
        };
        NumberedLines { lines, number: 0 }
    }
}

enum Lines<'a> {
    Text(TextLines<'a>),
    Document(LineRefs<'a>),
}

/// A file's lines with their numbers (1-based), from its document when it
/// has one, else read from its text.
pub struct NumberedLines<'a> {
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
