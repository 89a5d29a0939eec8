//! Unified diffs of documents, with secret values masked.

use crate::document::Document;
use crate::profiles::masked_texts;

/// A unified diff from `old` to `new`, empty when they are the same;
/// `in_credentials`: the documents are a credentials file.
pub fn documents(
    old: &Document,
    new: &Document,
    in_credentials: bool,
    old_label: &str,
    new_label: &str,
) -> String {
    let (old, new) = masked_texts(old, new, in_credentials);
    texts(&old, &new, old_label, new_label)
}

pub fn texts(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string()
}

/// The unified diff of each file an edit changed, from the text as read
/// to the edited document, labelled with the file's path.
pub fn edited(files: &crate::profiles::ProfileFiles) -> Vec<String> {
    use crate::profiles::FileKind;
    [FileKind::Config, FileKind::Credentials]
        .into_iter()
        .map(|kind| (kind, files.file(kind)))
        .filter(|(_, file)| file.changed_bytes().is_some())
        .map(|(kind, file)| {
            let path = file.path.display().to_string();
            documents(
                &Document::parse_str(file.original()),
                file.document(),
                kind == FileKind::Credentials,
                &path,
                &format!("{path} (after)"),
            )
        })
        .filter(|d| !d.is_empty())
        .collect()
}
