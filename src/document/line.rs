//! The grammar of one line, as the AWS SDKs' shared parser reads it.

/// A byte range into a line's text. 32-bit: a line is never 4 GiB, and
/// large files have hundreds of thousands of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start()..self.end()]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    /// The last line of a file without a final newline.
    None,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::None => "",
        }
    }
}

/// What a line is, judged by itself. Whether an indented line continues a
/// value or holds a sub-property depends on the lines before it, so that is
/// left to the reader of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Only spaces and tabs, or nothing.
    Blank,
    /// Starts with `#` or `;`.
    Comment,
    /// `[name]`, optionally followed by a comment.
    Header { name: Span },
    /// Starts with `[` but has no closing `]`.
    MalformedHeader,
    /// `key = value`, optionally followed by ` # comment`.
    Property { key: Span, value: Span },
    /// Starts with a space or tab: a continuation or sub-property line.
    /// `content` is the line without surrounding whitespace.
    Indented { content: Span },
    /// Not indented and without `=`.
    MissingEquals,
    /// `= value`: a property without a name.
    MissingKey,
}

const COMMENT: &[char] = &['#', ';'];

/// The dialect's whitespace is space and tab only. Both are ASCII, so byte
/// positions found here are always character boundaries.
fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

// Inlined into each reader's loop: called, it returned the kind through
// memory, written in 4-byte fields and read back as 16 bytes, a stalled
// store-to-load forward on every line (list 5-7% faster, lint 7%).
#[inline(always)]
pub fn classify(text: &str) -> LineKind {
    if text.bytes().all(is_ws) {
        return LineKind::Blank;
    }
    if matches!(text.as_bytes().first(), Some(b'#' | b';')) {
        return LineKind::Comment;
    }
    if text.starts_with('[') {
        let body = prepare(text, 0, text.len(), false);
        let inner = &text[body.start()..body.end()];
        return if inner.len() >= 2 && inner.ends_with(']') {
            LineKind::Header {
                name: trim(text, body.start() + 1, body.end() - 1),
            }
        } else {
            LineKind::MalformedHeader
        };
    }
    if text.bytes().next().is_some_and(is_ws) {
        return LineKind::Indented {
            content: trim(text, 0, text.len()),
        };
    }
    match split_property(text, 0, text.len()) {
        PropertySplit::Ok { key, value } => LineKind::Property { key, value },
        PropertySplit::NoEquals => LineKind::MissingEquals,
        PropertySplit::NoKey => LineKind::MissingKey,
    }
}

pub(crate) enum PropertySplit {
    Ok { key: Span, value: Span },
    NoEquals,
    NoKey,
}

/// Splits `text[start..end]` at its first `=` after removing a trailing
/// comment (one that follows whitespace). Spans are trimmed.
pub(crate) fn split_property(text: &str, start: usize, end: usize) -> PropertySplit {
    let body = prepare(text, start, end, true);
    let Some(eq) = memchr::memchr(b'=', &text.as_bytes()[body.start()..body.end()]) else {
        return PropertySplit::NoEquals;
    };
    let eq = body.start() + eq;
    let key = trim(text, body.start(), eq);
    if key.start() == key.end() {
        return PropertySplit::NoKey;
    }
    let value = trim(text, eq + 1, body.end());
    // An empty value sits right after the `=` so that an edit lands there.
    let value = if value.start() == value.end() {
        Span::new(eq + 1, eq + 1)
    } else {
        value
    };
    PropertySplit::Ok { key, value }
}

/// `text` without the spaces and tabs around it.
pub fn trim_blanks(text: &str) -> &str {
    trim(text, 0, text.len()).of(text)
}

/// The span of `text[start..end]` without surrounding whitespace.
fn trim(text: &str, start: usize, end: usize) -> Span {
    let bytes = &text.as_bytes()[start..end];
    let Some(left) = bytes.iter().position(|&b| !is_ws(b)) else {
        return Span::new(start, start);
    };
    let right = bytes
        .iter()
        .rposition(|&b| !is_ws(b))
        .map_or(left, |r| r + 1);
    Span::new(start + left, start + right)
}

/// Trims whitespace and a trailing comment. Where `comments_need_whitespace`,
/// a `#` or `;` only starts a comment after a space or tab, so that values
/// like `a#b` survive.
fn prepare(text: &str, start: usize, end: usize, comments_need_whitespace: bool) -> Span {
    let body = trim(text, start, end);
    let has_comment_char =
        memchr::memchr2(b'#', b';', &text.as_bytes()[body.start()..body.end()]).is_some();
    if !has_comment_char {
        return body;
    }
    let mut prev_whitespace = false;
    let mut cut = body.end();
    for (idx, ch) in text[body.start()..body.end()].char_indices() {
        if COMMENT.contains(&ch) && (prev_whitespace || !comments_need_whitespace) {
            cut = body.start() + idx;
            break;
        }
        prev_whitespace = ch.is_whitespace();
    }
    trim(text, body.start(), cut)
}
