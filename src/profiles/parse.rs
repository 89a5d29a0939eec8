//! One file, read line by line with the SDKs' rules. Errors name the line.

use super::{FileKind, Origin};
use crate::document::{split_property, LineKind, LineView, PropertySplit, Span};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {message}")]
pub struct ParseError {
    pub file: FileKind,
    pub line: usize,
    pub message: String,
}

/// What one line contributes, in file order. Blank and comment lines
/// contribute nothing; a line that breaks a rule stops the parse.
pub(super) enum Event<'a> {
    /// A section header on `line`: the span of the text between the
    /// brackets, trimmed. (A span, not a shared string: most headers a
    /// reader passes are of sections it does not keep.)
    Header {
        line: LineView<'a>,
        name: Span,
        origin: Origin,
    },
    /// `key = value` on `line`: the spans of its key (as written) and value.
    Property {
        line: LineView<'a>,
        key: Span,
        value: Span,
        origin: Origin,
    },
    /// An indented line that continues the last property's value.
    Continuation { content: &'a str },
}

/// Reads numbered lines (1-based) with the SDKs' line rules and hands
/// each line's meaning to `on_event`, or reports the first line that
/// breaks a rule. The lines are a whole file, or whole sections of one.
pub(super) fn parse<'a>(
    lines: impl Iterator<Item = (usize, LineView<'a>)>,
    file: FileKind,
    mut on_event: impl FnMut(Event<'a>),
) -> Result<(), ParseError> {
    let mut in_section = false;
    // Whether there is a property above this line in the section, and
    // whether it opened a sub-property block (`key =` with no value).
    let mut property: Option<bool> = None;
    for (number, line) in lines {
        let origin = Origin::new(file, number);
        let err = |message: &str| ParseError {
            file,
            line: number,
            message: message.to_string(),
        };
        let text = line.text();
        match line.kind() {
            LineKind::Blank | LineKind::Comment => {}
            LineKind::Header { name } => {
                on_event(Event::Header {
                    line,
                    name: *name,
                    origin,
                });
                in_section = true;
                property = None;
            }
            LineKind::MalformedHeader => {
                return Err(err(
                    "Profile definition must end with ']'; close the section header with ']'",
                ))
            }
            LineKind::Indented { content } => {
                if !in_section {
                    return Err(err("Expected a profile definition before this indented line; add a section header such as [default] above it"));
                }
                let Some(is_sub) = property else {
                    return Err(err("Expected a property definition, found continuation; indented lines continue the property above them, so remove the indentation or put a property first"));
                };
                let content = content.of(text);
                if is_sub && !content.is_empty() {
                    match split_property(content, 0, content.len()) {
                        PropertySplit::Ok { .. } => {}
                        PropertySplit::NoEquals => {
                            return Err(err("Expected an '=' sign defining a sub-property; write it as `name = value`"))
                        }
                        PropertySplit::NoKey => {
                            return Err(err("Sub-property did not have a name; write it as `name = value`"))
                        }
                    }
                }
                on_event(Event::Continuation { content });
            }
            LineKind::Property { .. } | LineKind::MissingEquals | LineKind::MissingKey => {
                if !in_section {
                    return Err(err(
                        "Expected a profile definition before this property; add a section header such as [default] above it",
                    ));
                }
                let (key, value) =
                    match line.kind() {
                        LineKind::Property { key, value } => (*key, *value),
                        LineKind::MissingEquals => return Err(err(
                            "Expected an '=' sign defining a property; write it as `name = value`",
                        )),
                        _ => {
                            return Err(err(
                                "Property did not have a name; write it as `name = value`",
                            ))
                        }
                    };
                property = Some(value.is_empty());
                on_event(Event::Property {
                    line,
                    key,
                    value,
                    origin,
                });
            }
        }
    }
    Ok(())
}
