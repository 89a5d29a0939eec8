//! The AWS CLI's own config-writer cases (`aws configure set`), read in
//! place from ../shared/peer: awsprof's `profile set` must write what the
//! AWS CLI writes for nested settings and new sections, refuse what it
//! refuses, and otherwise differ only where it keeps the file's own style.

mod shared_data;
mod support;

use serde_json::Value;
use support::Sandbox;

/// Cases where awsprof keeps the file's own style where the AWS CLI
/// imposes its own; what any reader gets from the file is the same.
const OWN_STYLE: &[&str] = &[
    // A line keeps its spacing: `foo=1` becomes `foo=newvalue`, and a new
    // key follows the section's `key=value` style.
    "test_update_single_existing_value_no_spaces",
    "test_handles_no_spaces",
    // A file without a final newline keeps none (lossless).
    "test_update_single_new_values",
    // A new section is set off by a blank line.
    "test_section_does_not_exist",
    "test_appends_newline_on_new_section",
    // `[profile "foobar"]` is ignored by the SDKs, whose reading awsprof
    // implements: it does not edit a quoted header (lint points it out).
    "test_double_quoted_profile_name",
    "test_profile_with_multiple_spaces",
];

#[test]
#[cfg_attr(
    awscli_cases_missing,
    ignore = "the AWS CLI's writer and export cases were not found"
)]
fn profile_set_writes_what_aws_configure_set_writes() {
    let reference = shared_data::json(shared_data::peer_dir().join("awscli_writer_cases.json"));
    let cases = reference["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 30);
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        if OWN_STYLE.contains(&name) {
            continue;
        }
        let original = case["original"].as_str();
        let credentials = case["file_kind"] == "credentials";
        let sb = Sandbox::new("", "");
        let path = if credentials {
            sb.credentials()
        } else {
            sb.config()
        };
        match original {
            Some(text) => std::fs::write(&path, text).unwrap(),
            None => std::fs::remove_file(&path).unwrap(),
        }
        let profile = case["profile"].as_str().unwrap();
        let mut codes = Vec::new();
        for pair in case["awsprof_set"].as_array().unwrap() {
            let (key, value) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
            let mut args = vec!["profile", "set", profile, key, value];
            if credentials {
                args.extend(["--in", "credentials"]);
            }
            codes.push(sb.awsprof(&args).code);
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        let expected = case["expected"].as_str().unwrap();
        if case["expected_error"] != Value::Null {
            if !codes.contains(&2) || got != original.unwrap_or_default() {
                failures.push(format!(
                    "{name}: expected a refusal and no change, got {codes:?} and {got:?}"
                ));
            }
        } else if got != expected {
            failures.push(format!(
                "{name}: wrote {got:?}, the AWS CLI writes {expected:?}"
            ));
        }
        compared += 1;
    }
    assert_eq!(compared, 30 - OWN_STYLE.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
