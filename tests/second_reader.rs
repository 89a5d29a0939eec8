//! rust-ini as a second, independent reader: on plain files (no
//! continuation lines, no comments after values) it must see the same
//! sections and values as awsprof's own reader, before and after an edit.

use awsprof::document::Document;
use awsprof::profiles::{FileKind, ProfileFiles, ProfileSet, SourceFile};
use proptest::prelude::*;
use std::path::Path;

fn plain_credentials() -> impl Strategy<Value = Vec<(String, Vec<(String, String)>)>> {
    prop::collection::vec(
        (
            "[a-z][a-z0-9_-]{0,10}",
            prop::collection::vec(("[a-z][a-z_]{0,12}", "[A-Za-z0-9/+=:._-]{1,30}"), 0..5),
        ),
        1..6,
    )
}

/// Names and keys are made unique: duplicates are where the two readers
/// legitimately differ (rust-ini keeps them all, the SDKs' rules merge).
fn unique(sections: Vec<(String, Vec<(String, String)>)>) -> Vec<(String, Vec<(String, String)>)> {
    sections
        .into_iter()
        .enumerate()
        .map(|(i, (name, props))| {
            let props = props
                .into_iter()
                .enumerate()
                .map(|(j, (k, v))| (format!("{k}{j}"), v))
                .collect();
            (format!("{name}{i}"), props)
        })
        .collect()
}

fn render(sections: &[(String, Vec<(String, String)>)]) -> String {
    let mut out = String::new();
    for (name, props) in sections {
        out.push_str(&format!("[{name}]\n"));
        for (k, v) in props {
            out.push_str(&format!("{k} = {v}\n"));
        }
        out.push('\n');
    }
    out
}

fn agree(text: &str) -> Result<(), TestCaseError> {
    let ini = ini::Ini::load_from_str(text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let ours =
        ProfileSet::from_documents(&Document::default(), &Document::parse_str(text)).unwrap();
    for (section, props) in ini.iter() {
        let Some(name) = section else { continue };
        let profile = ours
            .profile(name)
            .ok_or_else(|| TestCaseError::fail(format!("missing [{name}]")))?;
        for (k, v) in props.iter() {
            prop_assert_eq!(profile.get(k), Some(v), "[{}] {}", name, k);
        }
    }
    // And the other way: nothing awsprof reads that rust-ini does not.
    for (name, profile) in ours.profiles.iter() {
        let section = ini
            .section(Some(name))
            .ok_or_else(|| TestCaseError::fail(format!("rust-ini has no [{name}]")))?;
        prop_assert_eq!(section.len(), profile.properties.len(), "[{}]", name);
        for (k, p) in profile.properties.iter() {
            prop_assert_eq!(
                section.get(k.as_str()),
                Some(p.value.as_str()),
                "[{}] {}",
                name,
                k
            );
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn both_readers_agree_before_and_after_an_edit(sections in plain_credentials().prop_map(unique)) {
        let text = render(&sections);
        agree(&text)?;
        let name = sections[0].0.clone();
        let mut files = ProfileFiles::from_sources(
            SourceFile::missing(FileKind::Config, Path::new("config")),
            SourceFile::from_bytes(FileKind::Credentials, Path::new("credentials"), text.as_bytes()).unwrap(),
        ).unwrap();
        files.set_property(FileKind::Credentials, &name, "role_arn", "arn:aws:iam::123456789012:role/x");
        let edited = files.credentials.document().to_string();
        agree(&edited)?;
        let ini = ini::Ini::load_from_str(&edited).unwrap();
        prop_assert_eq!(ini.get_from(Some(name.as_str()), "role_arn"), Some("arn:aws:iam::123456789012:role/x"));
    }
}
