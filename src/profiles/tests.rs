use super::*;
use crate::document::Document;

fn set(config: &str, credentials: &str) -> ProfileSet {
    ProfileSet::from_documents(
        &Document::parse_str(config),
        &Document::parse_str(credentials),
    )
    .expect("parses")
}

#[test]
fn properties_remember_file_and_line() {
    let s = set("# c\n[profile a]\nregion = x\n", "[a]\n\nk = v\n");
    let a = s.profile("a").unwrap();
    assert_eq!(
        a.property("region").unwrap().origin,
        Origin {
            file: FileKind::Config,
            line: 3
        }
    );
    assert_eq!(
        a.property("k").unwrap().origin,
        Origin {
            file: FileKind::Credentials,
            line: 3
        }
    );
    assert_eq!(a.headers.len(), 2);
}

#[test]
fn parse_error_names_the_line() {
    let err = ProfileSet::from_documents(
        &Document::parse_str("[profile a]\nk = v\nbroken line\n"),
        &Document::default(),
    )
    .unwrap_err();
    assert_eq!(err.line, 3);
    assert_eq!(err.file, FileKind::Config);
    assert!(err.message.contains("'='"), "{}", err.message);
}

#[test]
fn a_bom_does_not_hide_the_first_header() {
    let s = set("\u{feff}[profile a]\nk = v\n", "");
    assert_eq!(s.profile("a").unwrap().get("k"), Some("v"));
}

#[test]
fn json_view_masks_secrets() {
    let s = set(
        "",
        "[a]\naws_access_key_id = AKIA\naws_secret_access_key = shh\n",
    );
    let masked = s.to_json(false).to_string();
    assert!(!masked.contains("shh"));
    assert!(masked.contains("AKIA"));
    assert!(s.to_json(true).to_string().contains("shh"));
}

#[test]
fn debug_of_a_property_hides_its_value() {
    let s = set("", "[a]\naws_secret_access_key = shh\n");
    assert!(!format!("{s:?}").contains("shh"));
}

#[test]
fn locate_expands_tilde() {
    let env = |k: &str| match k {
        "HOME" => Some("/h".to_string()),
        "AWS_CONFIG_FILE" => Some("~/cfg".to_string()),
        _ => None,
    };
    let l = locate(&env, Platform::Unix);
    assert_eq!(l.config, std::path::PathBuf::from("/h/cfg"));
    assert_eq!(
        l.credentials,
        std::path::PathBuf::from("/h/.aws/credentials")
    );
}
