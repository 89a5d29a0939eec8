//! The lossless AWS INI dialect: bytes in, the same bytes out.
//!
//! A [`Document`] is a list of [`Line`]s, each keeping its raw text and its
//! line ending, plus a parsed view ([`LineKind`]) with the spans of a header
//! name or a property's key and value. Printing concatenates the raw text, so
//! an unedited document gives back its input byte for byte. Edits splice a
//! value span or insert/remove whole lines; nothing else is re-rendered.
//!
//! This layer knows the dialect's line grammar (the one the AWS SDKs share)
//! but nothing of profiles, AWS or the file system.

mod edit;
mod line;
mod shared;
mod text;

pub use line::{classify, trim_blanks, LineEnding, LineKind, Span};
pub(crate) use line::{split_property, PropertySplit};
pub use shared::SharedStr;
use text::split_lines;
pub use text::{lines_of, section_lines, sections_mentioning, LineView, TextLines};

use std::fmt;
use std::sync::Arc;

/// The input was not valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not valid UTF-8 at byte offset {offset} (line {line})")]
pub struct NotUtf8 {
    pub offset: usize,
    pub line: usize,
}

const BOM: &str = "\u{feff}";
/// Lines a parsed document has room for before its line vector grows:
/// more than one profile's edit adds (a header, a blank line and the
/// settings of add-role).
const EDIT_ROOM_LINES: usize = 16;

impl NotUtf8 {
    /// Where `bytes` stop being UTF-8, as `e` found.
    pub fn of(bytes: &[u8], e: &std::str::Utf8Error) -> NotUtf8 {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        NotUtf8 { offset, line }
    }
}

/// One physical line: its text without the line ending, and that ending.
///
/// A parsed line points into the file's one shared buffer instead of owning
/// a copy: a large file has hundreds of thousands of lines, and an
/// allocation for each was most of the cost of reading it. A line an edit
/// writes gets a small buffer of its own.
#[derive(Clone)]
pub struct Line {
    buffer: Arc<String>,
    start: u32,
    end: u32,
    ending: LineEnding,
    kind: LineKind,
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("text", &self.text())
            .field("ending", &self.ending)
            .field("kind", &self.kind)
            .finish()
    }
}

impl Line {
    fn new(text: String, ending: LineEnding) -> Self {
        let end = text.len() as u32;
        Line::shared(Arc::new(text), 0, end, ending)
    }

    fn shared(buffer: Arc<String>, start: u32, end: u32, ending: LineEnding) -> Self {
        let kind = classify(&buffer[start as usize..end as usize]);
        Line {
            buffer,
            start,
            end,
            ending,
            kind,
        }
    }

    pub fn text(&self) -> &str {
        &self.buffer[self.start as usize..self.end as usize]
    }

    /// This line as a reader sees it.
    pub fn view(&self) -> LineView<'_> {
        LineView {
            buffer: &self.buffer,
            start: self.start,
            end: self.end,
            kind: self.kind,
        }
    }

    pub fn ending(&self) -> LineEnding {
        self.ending
    }

    /// A header, or a line that meant to be one: either ends the section
    /// above it.
    fn starts_section(&self) -> bool {
        matches!(
            self.kind,
            LineKind::Header { .. } | LineKind::MalformedHeader
        )
    }

    pub fn kind(&self) -> &LineKind {
        &self.kind
    }

    /// The trimmed header name between the brackets, for a header line.
    pub fn header_name(&self) -> Option<&str> {
        match &self.kind {
            LineKind::Header { name } => Some(name.of(self.text())),
            _ => None,
        }
    }

    /// The key as written (not lowercased), for a property line.
    pub fn key(&self) -> Option<&str> {
        match &self.kind {
            LineKind::Property { key, .. } => Some(key.of(self.text())),
            _ => None,
        }
    }

    /// The value as written (trimmed, trailing comment removed), for a property line.
    pub fn value(&self) -> Option<&str> {
        match &self.kind {
            LineKind::Property { value, .. } => Some(value.of(self.text())),
            _ => None,
        }
    }
}

/// A whole file, kept byte for byte.
#[derive(Debug, Clone, Default)]
pub struct Document {
    bom: bool,
    lines: Vec<Line>,
    /// Indices of the lines that start a section (headers, malformed ones
    /// too), ascending: edits look sections up by name many times, and a
    /// large file has ten lines for every header.
    section_starts: Vec<u32>,
    /// For each of `section_starts`, the last bytes of its header's name
    /// ([`name_tail`]): a lookup by name compares these, side by side in
    /// memory, instead of visiting each of thousands of header lines.
    section_tails: Vec<u64>,
    /// How many lines end in LF and in CRLF, kept up to date by every
    /// edit: each inserted line asks for the dominant ending, and counting
    /// a large file's lines for each one was most of a small edit's cost.
    endings: EndingCounts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct EndingCounts {
    lf: usize,
    crlf: usize,
}

impl EndingCounts {
    fn of<'a>(lines: impl IntoIterator<Item = &'a Line>) -> EndingCounts {
        let mut counts = EndingCounts::default();
        for line in lines {
            counts.add(line.ending);
        }
        counts
    }

    fn add(&mut self, ending: LineEnding) {
        match ending {
            LineEnding::Lf => self.lf += 1,
            LineEnding::CrLf => self.crlf += 1,
            LineEnding::None => {}
        }
    }

    fn remove(&mut self, ending: LineEnding) {
        match ending {
            LineEnding::Lf => self.lf -= 1,
            LineEnding::CrLf => self.crlf -= 1,
            LineEnding::None => {}
        }
    }
}

impl Document {
    /// Parses bytes. Never fails on content, only on bytes that are not UTF-8.
    pub fn parse(bytes: &[u8]) -> Result<Document, NotUtf8> {
        let text = std::str::from_utf8(bytes).map_err(|e| NotUtf8::of(bytes, &e))?;
        Ok(Document::parse_str(text))
    }

    pub fn parse_str(text: &str) -> Document {
        Document::parse_string(text.to_string())
    }

    pub fn parse_string(text: String) -> Document {
        Document::from_buffer(Arc::new(text))
    }

    /// The largest text a document holds: lines address the shared
    /// buffer with 32-bit offsets. Readers refuse larger files.
    pub const MAX_BYTES: usize = u32::MAX as usize;

    /// A document whose lines share `buffer`, the whole text of a file of
    /// at most [`Document::MAX_BYTES`].
    pub fn from_buffer(buffer: Arc<String>) -> Document {
        let bom = buffer.starts_with(BOM);
        assert!(
            buffer.len() <= Document::MAX_BYTES,
            "a document holds at most 4 GiB; readers refuse larger files"
        );
        // Room for an edit's few new lines: without it, the first line
        // inserted moves every line to a new, larger vector (megabytes of
        // fresh memory for a large file).
        let mut lines = Vec::with_capacity(
            memchr::memchr_iter(b'\n', buffer.as_bytes()).count() + 1 + EDIT_ROOM_LINES,
        );
        lines.extend(
            split_lines(&buffer)
                .map(|(start, end, ending)| Line::shared(buffer.clone(), start, end, ending)),
        );
        Document::with_lines(bom, lines)
    }

    fn with_lines(bom: bool, lines: Vec<Line>) -> Document {
        let mut doc = Document {
            bom,
            endings: EndingCounts::of(&lines),
            lines,
            section_starts: Vec::new(),
            section_tails: Vec::new(),
        };
        doc.index_sections();
        doc
    }

    pub(super) fn index_sections(&mut self) {
        self.section_starts = (0..self.lines.len())
            .filter(|&idx| self.lines[idx].starts_section())
            .map(|idx| idx as u32)
            .collect();
        self.section_tails = self
            .section_starts
            .iter()
            .map(|&idx| header_tail(&self.lines[idx as usize]))
            .collect();
    }

    /// The sections whose header's name (trimmed) ends with `suffix`: the
    /// index of each header line and its name, in file order.
    pub fn headers_ending_with<'a>(
        &'a self,
        suffix: &'a str,
    ) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let wanted = name_tail(suffix);
        let mask = tail_mask(suffix.len());
        self.section_tails
            .iter()
            .zip(&self.section_starts)
            .filter(move |(&tail, _)| (tail ^ wanted) & mask == 0)
            .filter_map(move |(_, &idx)| {
                let name = self.lines[idx as usize].header_name()?;
                name.trim_end()
                    .ends_with(suffix)
                    .then_some((idx as usize, name))
            })
    }

    /// Indices of the lines that start a section, ascending.
    pub fn section_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.section_starts.iter().map(|&idx| idx as usize)
    }

    pub fn has_bom(&self) -> bool {
        self.bom
    }

    pub fn set_bom(&mut self, bom: bool) {
        self.bom = bom;
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let pieces = self.pieces();
        let mut out = Vec::with_capacity(pieces.iter().map(|p| p.len()).sum());
        for piece in pieces {
            out.extend_from_slice(piece);
        }
        out
    }

    /// The document's bytes as slices that, one after the other, are
    /// [`Document::to_bytes`]: lines that lie one after the other in the
    /// same buffer, endings included, are one slice of it. An edited large
    /// file is a few long runs of the text as read around the lines an
    /// edit wrote: those are written out as they are, never copied into a
    /// new file-sized buffer first.
    pub fn pieces(&self) -> Vec<&[u8]> {
        let mut pieces: Vec<&[u8]> = Vec::new();
        if self.bom {
            pieces.push(BOM.as_bytes());
        }
        let mut run: Option<(&Arc<String>, usize, usize)> = None;
        for line in &self.lines {
            let (start, end) = (line.start as usize, line.end as usize);
            let ending = line.ending.as_str().as_bytes();
            let ending_in_buffer =
                line.buffer.as_bytes().get(end..end + ending.len()) == Some(ending);
            if let Some((buffer, _, run_end)) = &mut run {
                if Arc::ptr_eq(buffer, &line.buffer) && *run_end == start && ending_in_buffer {
                    *run_end = end + ending.len();
                    continue;
                }
            }
            if let Some((buffer, run_start, run_end)) = run.take() {
                pieces.push(&buffer.as_bytes()[run_start..run_end]);
            }
            if ending_in_buffer {
                run = Some((&line.buffer, start, end + ending.len()));
            } else {
                pieces.push(line.text().as_bytes());
                pieces.push(ending);
            }
        }
        if let Some((buffer, run_start, run_end)) = run {
            pieces.push(&buffer.as_bytes()[run_start..run_end]);
        }
        pieces
    }

    /// The line ending most lines use (LF on a tie or when there is none).
    pub fn dominant_ending(&self) -> LineEnding {
        if self.endings.crlf > self.endings.lf {
            LineEnding::CrLf
        } else {
            LineEnding::Lf
        }
    }

    /// Sections in file order, each with the index of its header line and
    /// the end (exclusive) of its body.
    pub fn sections(&self) -> Vec<Section<'_>> {
        let starts = &self.section_starts;
        starts
            .iter()
            .enumerate()
            .map(|(i, &header)| Section {
                header: header as usize,
                end: starts.get(i + 1).map_or(self.lines.len(), |&e| e as usize),
                name: self.lines[header as usize].header_name(),
            })
            .collect()
    }
}

/// The last (up to) eight bytes of `name` with trailing blanks removed,
/// the last byte lowest: two names can end alike only if these agree on
/// as many bytes as the shorter has ([`tail_mask`]).
fn name_tail(name: &str) -> u64 {
    let bytes = name.trim_end().as_bytes();
    let last = &bytes[bytes.len().saturating_sub(8)..];
    last.iter()
        .rev()
        .enumerate()
        .fold(0, |tail, (i, &b)| tail | u64::from(b) << (8 * i))
}

/// The bytes of a [`name_tail`] that a name of `len` bytes fills.
fn tail_mask(len: usize) -> u64 {
    match len {
        0 => 0,
        1..=7 => (1u64 << (8 * len)) - 1,
        _ => u64::MAX,
    }
}

fn header_tail(line: &Line) -> u64 {
    line.header_name().map_or(0, name_tail)
}

/// A section's place in a document: `[header, end)` are its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    pub header: usize,
    pub end: usize,
    /// Trimmed text between the brackets; `None` for a malformed header.
    pub name: Option<&'a str>,
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bom {
            f.write_str(BOM)?;
        }
        for line in &self.lines {
            f.write_str(line.text())?;
            f.write_str(line.ending.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod size {
    #[test]
    fn a_line_stays_small() {
        // Files with 100,000 lines are real; every byte here counts 100,000
        // times. (A parsed line has no heap allocation of its own besides.)
        assert!(
            std::mem::size_of::<super::Line>() <= 48,
            "{}",
            std::mem::size_of::<super::Line>()
        );
    }
}
