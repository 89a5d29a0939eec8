//! The AWS SDKs' shared suites (vendored unchanged in tests/conformance/),
//! every case run against awsprof's own layers.

use awsprof::document::Document;
use awsprof::profiles::{locate, Platform, ProfileSet};
use serde_json::Value;
use std::collections::HashMap;

fn suite(name: &str) -> Value {
    let path = format!("{}/tests/conformance/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

#[test]
fn profile_parser_suite() {
    let cases = suite("profile-parser-tests.json");
    let cases = cases["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 65);
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let config = Document::parse_str(str_field(&case["input"], "configFile"));
        let credentials = Document::parse_str(str_field(&case["input"], "credentialsFile"));
        let actual = ProfileSet::from_documents(&config, &credentials);
        let output = &case["output"];
        match (output.get("errorContaining"), actual) {
            (Some(_), Err(_)) => {}
            (Some(expected), Ok(_)) => failures.push(format!("{name}: expected error {expected}")),
            (None, Err(e)) => failures.push(format!("{name}: unexpected error {e}")),
            (None, Ok(set)) => {
                let got = set.to_json(true);
                let want = &output["config"];
                if got["profiles"] != want["profiles"] {
                    failures.push(format!(
                        "{name}: profiles {} != {}",
                        got["profiles"], want["profiles"]
                    ));
                }
                if let Some(sso) = want.get("sso_sessions") {
                    if &got["sso_sessions"] != sso {
                        failures.push(format!("{name}: sso {} != {sso}", got["sso_sessions"]));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn profile_parser_errors_carry_the_line() {
    let cases = suite("profile-parser-tests.json");
    for case in cases["tests"].as_array().unwrap() {
        if case["output"].get("errorContaining").is_none() {
            continue;
        }
        let config = Document::parse_str(str_field(&case["input"], "configFile"));
        let err = ProfileSet::from_documents(&config, &Document::default()).unwrap_err();
        assert!(err.line >= 1 && err.line <= config.lines().len());
    }
}

#[test]
fn file_location_suite() {
    let cases = suite("file-location-tests.json");
    let cases = cases["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 9);
    for case in cases {
        let env: HashMap<String, String> =
            serde_json::from_value(case["environment"].clone()).unwrap();
        let platform = match case["platform"].as_str().unwrap() {
            "windows" => Platform::Windows,
            _ => Platform::Unix,
        };
        let lookup = |k: &str| env.get(k).cloned();
        let got = locate(&lookup, platform);
        let name = case["name"].as_str().unwrap();
        assert_eq!(
            got.config.to_str().unwrap(),
            case["configLocation"],
            "{name}"
        );
        assert_eq!(
            got.credentials.to_str().unwrap(),
            case["credentialsLocation"],
            "{name}"
        );
        let profile = env.get("AWS_PROFILE").map_or("default", String::as_str);
        if let Some(expected) = case.get("profile") {
            assert_eq!(profile, expected, "{name}");
        }
    }
}
