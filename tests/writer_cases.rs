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

/// What awsprof promises where it keeps the file's own style: every line
/// of the original stays as it was, in order; and either the result means
/// what the AWS CLI's means (read by rust-ini, a reader of its own), or,
/// for a quoted header the SDKs ignore, a refusal that changes nothing.
fn own_style_kept(
    original: &str,
    got: &str,
    expected: &str,
    set_keys: &[&str],
    codes: &[i32],
) -> Result<(), String> {
    let mut got_lines = got.lines();
    let edited = |line: &str| {
        line.split_once('=')
            .is_some_and(|(k, _)| set_keys.contains(&k.trim()))
    };
    for line in original.lines().filter(|l| !edited(l)) {
        if !got_lines.any(|g| g == line) {
            return Err(format!("the original line {line:?} was not kept: {got:?}"));
        }
    }
    if original.contains("[profile \"") {
        return match (codes, got == original) {
            ([2], true) => Ok(()),
            _ => Err(format!(
                "a quoted header must be refused with nothing written: {codes:?}, {got:?}"
            )),
        };
    }
    let meaning = |text: &str| -> Vec<(String, String, String)> {
        let ini = ini::Ini::load_from_str(text).unwrap();
        let mut all: Vec<_> = ini
            .iter()
            .flat_map(|(section, props)| {
                let section = section.unwrap_or_default().to_string();
                props
                    .iter()
                    .map(move |(k, v)| (section.clone(), k.to_string(), v.to_string()))
            })
            .collect();
        all.sort();
        all
    };
    if codes.iter().any(|c| *c != 0) || meaning(got) != meaning(expected) {
        return Err(format!(
            "{codes:?}: wrote {got:?}, which means other than the AWS CLI's {expected:?}"
        ));
    }
    Ok(())
}

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
    let mut own_style = 0;
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
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
        if OWN_STYLE.contains(&name) {
            own_style += 1;
            let set_keys: Vec<&str> = case["awsprof_set"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| pair[0].as_str().unwrap())
                .collect();
            let kept = own_style_kept(
                original.unwrap_or_default(),
                &got,
                expected,
                &set_keys,
                &codes,
            );
            if let Err(why) = kept {
                failures.push(format!("{name}: {why}"));
            }
        } else if case["expected_error"] != Value::Null {
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
    assert_eq!(compared, 30);
    assert_eq!(
        own_style,
        OWN_STYLE.len(),
        "every own-style case was checked"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
