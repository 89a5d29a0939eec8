//! One file, read line by line with the SDKs' rules. Errors name the line.

use super::{FileKind, Origin};
use crate::document::{split_property, Document, LineKind, PropertySplit, SharedStr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {message}")]
pub struct ParseError {
    pub file: FileKind,
    pub line: usize,
    pub message: String,
}

/// A section as written: its raw header name and its properties in order.
#[derive(Debug, Clone)]
pub(super) struct RawSection {
    pub header: SharedStr,
    pub origin: Origin,
    /// (lowercased key, value, origin), in file order; a later key wins.
    pub properties: Vec<(SharedStr, SharedStr, Origin)>,
}

struct Current {
    /// Index into the property list of the last section, and whether that
    /// property opened a sub-property block (`key =` with no value).
    property: Option<(usize, bool)>,
}

pub(super) fn parse(doc: &Document, file: FileKind) -> Result<Vec<RawSection>, ParseError> {
    let mut sections: Vec<RawSection> = Vec::new();
    let mut current: Option<Current> = None;
    for (idx, line) in doc.lines().iter().enumerate() {
        let number = idx + 1;
        let err = |message: &str| ParseError {
            file,
            line: number,
            message: message.to_string(),
        };
        let text = line.text();
        match line.kind() {
            LineKind::Blank | LineKind::Comment => {}
            LineKind::Header { name } => {
                sections.push(RawSection {
                    header: line.slice(*name),
                    origin: Origin { file, line: number },
                    properties: Vec::new(),
                });
                current = Some(Current { property: None });
            }
            LineKind::MalformedHeader => {
                return Err(err(
                    "Profile definition must end with ']'; close the section header with ']'",
                ))
            }
            LineKind::Indented { content } => {
                let Some(cur) = &current else {
                    return Err(err("Expected a profile definition before this indented line; add a section header such as [default] above it"));
                };
                let Some((prop, is_sub)) = cur.property else {
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
                let section = sections.last_mut().expect("a current section exists");
                let value = &mut section.properties[prop].1;
                *value = SharedStr::from(format!("{value}\n{content}"));
            }
            LineKind::Property { .. } | LineKind::MissingEquals | LineKind::MissingKey => {
                if current.is_none() {
                    return Err(err(
                        "Expected a profile definition before this property; add a section header such as [default] above it",
                    ));
                }
                let (key, value) =
                    match line.kind() {
                        LineKind::Property { key, value } => (*key, line.slice(*value)),
                        LineKind::MissingEquals => return Err(err(
                            "Expected an '=' sign defining a property; write it as `name = value`",
                        )),
                        _ => {
                            return Err(err(
                                "Property did not have a name; write it as `name = value`",
                            ))
                        }
                    };
                let section = sections.last_mut().expect("a current section exists");
                let is_sub = value.is_empty();
                // Keys compare lowercased; most already are, and share the buffer.
                let key_text = key.of(text);
                let key = if key_text.bytes().any(|b| b.is_ascii_uppercase()) {
                    SharedStr::from(key_text.to_ascii_lowercase())
                } else {
                    line.slice(key)
                };
                section
                    .properties
                    .push((key, value, Origin { file, line: number }));
                current = Some(Current {
                    property: Some((section.properties.len() - 1, is_sub)),
                });
            }
        }
    }
    Ok(sections)
}
