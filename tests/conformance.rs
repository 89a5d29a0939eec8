//! The AWS SDKs' shared suites, read in place from `../shared/conformance`
//! (or `$AWSPROF_CONFORMANCE_DIR`), every case run against awsprof's own
//! layers. Without the suites, outside CI, build.rs marks these tests
//! ignored and says where to get them.

mod shared_data;

use awsprof::document::Document;
use awsprof::profiles::{locate, Platform, ProfileSet};
use serde_json::Value;
use std::collections::HashMap;

fn suite(name: &str) -> Value {
    shared_data::json(shared_data::conformance_dir().join(name))
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

#[test]
#[cfg_attr(
    conformance_missing,
    ignore = "the SDK conformance suites were not found"
)]
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
            (Some(expected), Err(e)) => {
                let expected = expected.as_str().unwrap();
                if !e.message.contains(expected) {
                    failures.push(format!(
                        "{name}: error `{}` does not say `{expected}`",
                        e.message
                    ));
                }
            }
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
#[cfg_attr(
    conformance_missing,
    ignore = "the SDK conformance suites were not found"
)]
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
#[cfg_attr(
    conformance_missing,
    ignore = "the SDK conformance suites were not found"
)]
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

mod assume_role {
    use super::*;
    use awsprof::chain::{resolve, BaseSource, Chain, NamedSource};
    use awsprof::profiles::{FileKind, Headers, Origin, Property, Section, Sections};
    use serde_json::{json, Map};

    fn sections(v: &Value) -> Sections {
        let mut out = Vec::new();
        for (name, props) in v.as_object().into_iter().flatten() {
            let origin = Origin {
                file: FileKind::Config,
                line: 1,
            };
            let properties = props
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let value = v.as_str().unwrap().to_string();
                    (
                        k.clone(),
                        Property {
                            value: value.into(),
                            origin,
                        },
                    )
                })
                .collect();
            out.push(Section {
                name: name.clone().into(),
                properties,
                headers: Headers::one(origin),
            });
        }
        out.into_iter().collect()
    }

    fn object(fields: &[(&str, Option<&str>)]) -> Value {
        let map: Map<String, Value> = fields
            .iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), json!(v))))
            .collect();
        Value::Object(map)
    }

    fn as_suite_output(chain: &Chain) -> Value {
        let base = match &chain.base.source {
            BaseSource::Static {
                access_key_id,
                secret_access_key,
                session_token,
                account_id,
            } => {
                json!({"AccessKey": object(&[
                    ("access_key_id", Some(access_key_id)),
                    ("secret_access_key", Some(secret_access_key.expose())),
                    ("session_token", session_token.as_ref().map(|t| t.expose())),
                    ("account_id", account_id.as_deref()),
                ])})
            }
            BaseSource::Named(named) => json!({"NamedSource": NamedSource::name(*named)}),
            BaseSource::WebIdentity {
                role_arn,
                token_file,
                session_name,
            } => {
                json!({"WebIdentityToken": object(&[
                    ("role_arn", Some(role_arn)),
                    ("web_identity_token_file", Some(token_file)),
                    ("role_session_name", session_name.as_deref()),
                ])})
            }
            BaseSource::Sso {
                sso_session,
                start_url,
                region,
                account_id,
                role_name,
            } => {
                json!({"Sso": object(&[
                    ("sso_session", sso_session.as_deref()),
                    ("sso_start_url", start_url.as_deref()),
                    ("sso_region", region.as_deref()),
                    ("sso_account_id", account_id.as_deref()),
                    ("sso_role_name", role_name.as_deref()),
                ])})
            }
            // To the SDKs, awsprof's vault line is a credential_process.
            BaseSource::CredentialProcess { command } | BaseSource::Vault { command, .. } => {
                json!({"CredentialProcess": command})
            }
        };
        let mut out = vec![base];
        for hop in &chain.hops {
            out.push(json!({"AssumeRole": object(&[
                ("role_arn", Some(&hop.role_arn)),
                ("external_id", hop.external_id.as_deref()),
                ("role_session_name", hop.role_session_name.as_deref()),
            ])}));
        }
        Value::Array(out)
    }

    #[test]
    #[cfg_attr(
        conformance_missing,
        ignore = "the SDK conformance suites were not found"
    )]
    fn assume_role_suite() {
        let cases = suite("assume-role-tests.json");
        let cases = cases.as_array().unwrap();
        assert_eq!(cases.len(), 28);
        let mut failures = Vec::new();
        for case in cases {
            let docs = case["docs"].as_str().unwrap();
            let set = ProfileSet {
                profiles: sections(&case["input"]["profiles"]),
                sso_sessions: sections(&case["input"]["sso_sessions"]),
                ..Default::default()
            };
            let selected = case["input"]["selected_profile"].as_str().unwrap();
            let actual = resolve(&set, selected);
            match (case["output"].get("ProfileChain"), actual) {
                (Some(expected), Ok(chain)) => {
                    let got = as_suite_output(&chain);
                    if &got != expected {
                        failures.push(format!("{docs}: {got} != {expected}"));
                    }
                }
                (None, Err(e)) => {
                    let expected = case["output"]["Error"].as_str().unwrap();
                    if !e.to_string().contains(expected) {
                        failures.push(format!("{docs}: error `{e}` does not say `{expected}`"));
                    }
                }
                (Some(_), Err(e)) => failures.push(format!("{docs}: unexpected error {e}")),
                (None, Ok(chain)) => failures.push(format!(
                    "{docs}: expected error {}, got {}",
                    case["output"]["Error"],
                    as_suite_output(&chain)
                )),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
