//! The lossless AWS INI dialect: bytes in, the same bytes out.
//!
//! A [`Document`] is the file's text and a list of [`Line`]s, each the
//! place of its raw text (in the file as read, or in the text an edit wrote
//! for it) and its line ending, plus a parsed view ([`LineKind`]) with the
//! spans of a header name or a property's key and value; a [`LineRef`] is a
//! line with its text at hand. Printing concatenates the raw text, so an
//! unedited document gives back its input byte for byte. Edits splice a
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

/// One physical line: where its text is, its line ending, and its kind.
///
/// A line holds no text and no pointer: its text is a range of one of its
/// document's buffers, the file as read or a line an edit wrote. Reading
/// a large file builds a line for each of its hundreds of thousands of
/// lines; a reference-counted pointer in each made every one a locked
/// increment, which stalled the loop on the line just stored (half of
/// building a document). Its text is read through the document, as a
/// [`LineRef`].
#[derive(Clone, Copy)]
pub struct Line {
    /// [`SOURCE`], or 1 + the index of the edit's text in `written`.
    buffer: u32,
    start: u32,
    end: u32,
    ending: LineEnding,
    kind: LineKind,
}

/// The buffer of the lines read from the file.
const SOURCE: u32 = 0;

impl Line {
    /// A header, or a line that meant to be one: either ends the section
    /// above it.
    fn starts_section(&self) -> bool {
        matches!(
            self.kind,
            LineKind::Header { .. } | LineKind::MalformedHeader
        )
    }
}

/// A line of a document with its text at hand.
#[derive(Clone, Copy)]
pub struct LineRef<'a> {
    line: &'a Line,
    buffer: &'a Arc<String>,
}

impl fmt::Debug for LineRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("text", &self.text())
            .field("ending", &self.line.ending)
            .field("kind", &self.line.kind)
            .finish()
    }
}

impl<'a> LineRef<'a> {
    pub fn text(&self) -> &'a str {
        &self.buffer[self.line.start as usize..self.line.end as usize]
    }

    /// This line as a reader sees it.
    pub fn view(&self) -> LineView<'a> {
        LineView {
            buffer: self.buffer,
            start: self.line.start,
            end: self.line.end,
            kind: self.line.kind,
        }
    }

    pub fn ending(&self) -> LineEnding {
        self.line.ending
    }

    /// A header, or a line that meant to be one: either ends the section
    /// above it.
    pub fn starts_section(&self) -> bool {
        self.line.starts_section()
    }

    pub fn kind(&self) -> &'a LineKind {
        &self.line.kind
    }

    /// The trimmed header name between the brackets, for a header line.
    pub fn header_name(&self) -> Option<&'a str> {
        match &self.line.kind {
            LineKind::Header { name } => Some(name.of(self.text())),
            _ => None,
        }
    }

    /// The key as written (not lowercased), for a property line.
    pub fn key(&self) -> Option<&'a str> {
        match &self.line.kind {
            LineKind::Property { key, .. } => Some(key.of(self.text())),
            _ => None,
        }
    }

    /// The value as written (trimmed, trailing comment removed), for a property line.
    pub fn value(&self) -> Option<&'a str> {
        match &self.line.kind {
            LineKind::Property { value, .. } => Some(value.of(self.text())),
            _ => None,
        }
    }
}

/// A document's lines in order, each with its text at hand
/// ([`Document::lines`]).
#[derive(Clone)]
pub struct LineRefs<'a> {
    lines: std::slice::Iter<'a, Line>,
    doc: &'a Document,
}

impl<'a> Iterator for LineRefs<'a> {
    type Item = LineRef<'a>;

    fn next(&mut self) -> Option<LineRef<'a>> {
        let line = self.lines.next()?;
        Some(self.doc.refer(line))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.lines.size_hint()
    }
}

impl DoubleEndedIterator for LineRefs<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let line = self.lines.next_back()?;
        Some(self.doc.refer(line))
    }
}

impl ExactSizeIterator for LineRefs<'_> {}

/// A whole file, kept byte for byte.
#[derive(Clone, Default)]
pub struct Document {
    bom: bool,
    /// The file as read: the text of every line not written by an edit.
    source: Arc<String>,
    /// The text of each line an edit wrote, in the order written (a line
    /// replaced again leaves its old text here, unused).
    written: Vec<Arc<String>>,
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
    #[cfg(test)]
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
        let mut endings = EndingCounts::default();
        let (mut section_starts, mut section_tails) = (Vec::new(), Vec::new());
        // One pass: each line is counted and, if it starts a section,
        // indexed while it is in cache.
        for (start, end, ending) in split_lines(&buffer) {
            let text = &buffer[start as usize..end as usize];
            let line = Line {
                buffer: SOURCE,
                start,
                end,
                ending,
                kind: classify(text),
            };
            endings.add(ending);
            if line.starts_section() {
                section_starts.push(lines.len() as u32);
                section_tails.push(header_tail(&line.kind, text));
            }
            lines.push(line);
        }
        Document {
            bom,
            source: buffer,
            written: Vec::new(),
            lines,
            section_starts,
            section_tails,
            endings,
        }
    }

    pub(super) fn index_sections(&mut self) {
        self.section_starts = (0..self.lines.len())
            .filter(|&idx| self.lines[idx].starts_section())
            .map(|idx| idx as u32)
            .collect();
        self.section_tails = self
            .section_starts
            .iter()
            .map(|&idx| self.tail_at(idx as usize))
            .collect();
    }

    /// The [`name_tail`] of the header at `idx` (0 for a malformed one).
    fn tail_at(&self, idx: usize) -> u64 {
        let line = self.line(idx);
        header_tail(line.kind(), line.text())
    }

    /// Line `idx` with its text at hand.
    pub fn line(&self, idx: usize) -> LineRef<'_> {
        self.refer(&self.lines[idx])
    }

    /// Line `idx`, if the document has one.
    pub fn get_line(&self, idx: usize) -> Option<LineRef<'_>> {
        self.lines.get(idx).map(|line| self.refer(line))
    }

    fn refer<'a>(&'a self, line: &'a Line) -> LineRef<'a> {
        LineRef {
            line,
            buffer: self.buffer(line.buffer),
        }
    }

    fn buffer(&self, buffer: u32) -> &Arc<String> {
        match buffer {
            SOURCE => &self.source,
            written => &self.written[written as usize - 1],
        }
    }

    /// A line an edit writes: its text is kept beside the file's.
    fn written_line(&mut self, text: String, ending: LineEnding) -> Line {
        let kind = classify(&text);
        let end = text.len() as u32;
        self.written.push(Arc::new(text));
        Line {
            buffer: self.written.len() as u32,
            start: 0,
            end,
            ending,
            kind,
        }
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
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
                let name = self.line(idx as usize).header_name()?;
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

    /// The lines in order, each with its text at hand.
    pub fn lines(&self) -> LineRefs<'_> {
        LineRefs {
            lines: self.lines.iter(),
            doc: self,
        }
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
        // (buffer, start, end) of the run of lines being gathered.
        let mut run: Option<(u32, usize, usize)> = None;
        for line in &self.lines {
            let (start, end) = (line.start as usize, line.end as usize);
            let buffer = self.buffer(line.buffer).as_bytes();
            let ending = line.ending.as_str().as_bytes();
            let ending_in_buffer = ending_follows(buffer, end, line.ending);
            if let Some((run_buffer, _, run_end)) = &mut run {
                if *run_buffer == line.buffer && *run_end == start && ending_in_buffer {
                    *run_end = end + ending.len();
                    continue;
                }
            }
            if let Some((run_buffer, run_start, run_end)) = run.take() {
                pieces.push(&self.buffer(run_buffer).as_bytes()[run_start..run_end]);
            }
            if ending_in_buffer {
                run = Some((line.buffer, start, end + ending.len()));
            } else {
                pieces.push(&buffer[start..end]);
                pieces.push(ending);
            }
        }
        if let Some((run_buffer, run_start, run_end)) = run {
            pieces.push(&self.buffer(run_buffer).as_bytes()[run_start..run_end]);
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
                name: self.line(header as usize).header_name(),
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

/// The [`name_tail`] of a header line of `kind` and `text` (0 for a
/// malformed one).
fn header_tail(kind: &LineKind, text: &str) -> u64 {
    match kind {
        LineKind::Header { name } => name_tail(name.of(text)),
        _ => 0,
    }
}

/// Whether `ending` is what follows byte `end` of `buffer`: a line whose
/// ending is the buffer's own is written in one run with its neighbours.
/// Compared byte by byte: a call to compare one or two bytes, for each of
/// a large file's lines, was a tenth of writing it.
fn ending_follows(buffer: &[u8], end: usize, ending: LineEnding) -> bool {
    match ending {
        LineEnding::None => true,
        LineEnding::Lf => buffer.get(end) == Some(&b'\n'),
        LineEnding::CrLf => buffer.get(end) == Some(&b'\r') && buffer.get(end + 1) == Some(&b'\n'),
    }
}

/// A section's place in a document: `[header, end)` are its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    pub header: usize,
    pub end: usize,
    /// Trimmed text between the brackets; `None` for a malformed header.
    pub name: Option<&'a str>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("bom", &self.bom)
            .field("lines", &self.lines().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bom {
            f.write_str(BOM)?;
        }
        for line in self.lines() {
            f.write_str(line.text())?;
            f.write_str(line.ending().as_str())?;
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
        // times. (A parsed line has no heap allocation of its own besides,
        // and no pointer: see `Line`.)
        assert!(
            std::mem::size_of::<super::Line>() <= 36,
            "{}",
            std::mem::size_of::<super::Line>()
        );
    }
}
