//! Reading a text's lines without building a [`Document`](super::Document):
//! for readers, which need each line once and keep none of them.

use super::{classify, LineEnding, LineKind, SharedStr, Span, BOM};
use std::sync::Arc;

/// A line of a text read without building a [`Document`]: what a reader
/// needs, borrowed from the text's buffer.
#[derive(Clone, Copy)]
pub struct LineView<'a> {
    pub(super) buffer: &'a Arc<String>,
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) kind: LineKind,
}

impl<'a> LineView<'a> {
    pub fn text(&self) -> &'a str {
        &self.buffer[self.start as usize..self.end as usize]
    }

    pub fn kind(&self) -> &LineKind {
        &self.kind
    }

    /// `part`, a slice of this line's [`text`](LineView::text), as a
    /// string that shares the buffer; a copy when it lies elsewhere.
    pub fn share(&self, part: &str) -> SharedStr {
        SharedStr::part_of(self.buffer, self.start as usize, self.end as usize, part)
    }

    /// A span of this line's text that shares the buffer.
    pub fn slice(&self, span: Span) -> SharedStr {
        let base = self.start as usize;
        SharedStr::slice_of(self.buffer, base + span.start(), base + span.end())
    }
}

/// The lines of a text, classified one by one as they are read: the same
/// lines a [`Document`](super::Document) of it holds, without keeping
/// them. The text is at most [`Document::MAX_BYTES`](super::Document::MAX_BYTES).
pub fn lines_of(buffer: &Arc<String>) -> TextLines<'_> {
    TextLines {
        buffer,
        split: split_lines(buffer),
    }
}

/// The iterator [`lines_of`] returns.
pub struct TextLines<'a> {
    buffer: &'a Arc<String>,
    split: SplitLines<'a>,
}

impl<'a> Iterator for TextLines<'a> {
    type Item = LineView<'a>;

    fn next(&mut self) -> Option<LineView<'a>> {
        let (start, end, _) = self.split.next()?;
        Some(LineView {
            buffer: self.buffer,
            start,
            end,
            kind: classify(&self.buffer[start as usize..end as usize]),
        })
    }
}

/// (start, end, ending) of each line, after a byte order mark. The text
/// is at most 4 GiB.
pub(super) fn split_lines(text: &str) -> SplitLines<'_> {
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    split_range(text, start, text.len())
}

/// (start, end, ending) of each line in `text[start..end]`, where `start`
/// begins a line and `end` ends one.
fn split_range(text: &str, start: usize, end: usize) -> SplitLines<'_> {
    SplitLines {
        bytes: &text.as_bytes()[..end],
        start,
    }
}

pub(super) struct SplitLines<'a> {
    bytes: &'a [u8],
    start: usize,
}

impl Iterator for SplitLines<'_> {
    type Item = (u32, u32, LineEnding);

    fn next(&mut self) -> Option<(u32, u32, LineEnding)> {
        let (bytes, start) = (self.bytes, self.start);
        if start >= bytes.len() {
            return None;
        }
        let (end, ending, next) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) if i > 0 && bytes[start + i - 1] == b'\r' => {
                (start + i - 1, LineEnding::CrLf, start + i + 1)
            }
            Some(i) => (start + i, LineEnding::Lf, start + i + 1),
            None => (bytes.len(), LineEnding::None, bytes.len()),
        };
        self.start = next;
        Some((start as u32, end as u32, ending))
    }
}

/// The sections of `buffer` whose header line mentions `needle`: for
/// each, the byte offset where its header line starts, the header's line
/// number (1-based) and the text between its brackets, in file order.
/// Finding them costs a substring search, not a read of every line.
pub fn sections_mentioning<'a>(
    buffer: &'a Arc<String>,
    needle: &str,
) -> Vec<(usize, usize, &'a str)> {
    let text = buffer.as_str();
    let bytes = text.as_bytes();
    let first_line = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let (mut counted_to, mut newlines) = (0usize, 0usize);
    let mut searched_to = 0usize;
    let finder = memchr::memmem::Finder::new(needle);
    while let Some(found) = finder.find(&bytes[searched_to..]) {
        let at = searched_to + found;
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(first_line, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |i| at + i);
        searched_to = line_end.max(at + 1);
        if bytes.get(line_start) != Some(&b'[') {
            continue;
        }
        let line_text = &text[line_start..line_end];
        // As the document splits it: one `\r` before the `\n` is the ending.
        let line_text = match line_text.strip_suffix('\r') {
            Some(before) if line_end < text.len() => before,
            _ => line_text,
        };
        if let LineKind::Header { name } = classify(line_text) {
            newlines += memchr::memchr_iter(b'\n', &bytes[counted_to..line_start]).count();
            counted_to = line_start;
            out.push((line_start, newlines + 1, name.of(line_text)));
        }
    }
    out
}

/// The numbered lines of the section whose header line starts at byte
/// `start` of `buffer` and is line `number`: up to the next line that
/// starts with `[`.
pub fn section_lines(
    buffer: &Arc<String>,
    start: usize,
    number: usize,
) -> impl Iterator<Item = (usize, LineView<'_>)> {
    let text = buffer.as_str();
    // From the header's own newline, so that a header on the next line
    // is found by the same search.
    let end = text[start..].find('\n').map_or(text.len(), |i| {
        let newline = start + i;
        text[newline..]
            .find("\n[")
            .map_or(text.len(), |j| newline + j + 1)
    });
    split_range(text, start, end)
        .zip(number..)
        .map(move |((start, end, _), n)| {
            (
                n,
                LineView {
                    buffer,
                    start,
                    end,
                    kind: classify(&buffer[start as usize..end as usize]),
                },
            )
        })
}
