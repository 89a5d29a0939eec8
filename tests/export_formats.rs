//! `profile export`'s formats against the AWS CLI v2's own output, read in
//! place from ../shared/peer (its `configure export-credentials` code and
//! tests, and what the real command printed).

mod shared_data;

use awsprof::export::{render, Exported, Format};
use serde_json::Value;

fn reference() -> Value {
    shared_data::json(shared_data::peer_dir().join("awscli_v2_export_formats.json"))
}

#[test]
#[cfg_attr(
    awscli_cases_missing,
    ignore = "the AWS CLI's writer and export cases were not found"
)]
fn every_v2_format_is_byte_for_byte_the_aws_clis() {
    let reference = reference();
    let inputs = &reference["inputs"];
    let expiry = awsprof::isotime::parse("2030-01-02T03:04:05Z").unwrap();
    let text = |v: &Value, k: &str| v[k].as_str().unwrap().to_string();
    let (static_key, static_secret) = (
        text(&inputs["static"], "access_key"),
        text(&inputs["static"], "secret_key"),
    );
    let temp = &inputs["temporary"];
    let (temp_key, temp_secret, temp_token) = (
        text(temp, "access_key"),
        text(temp, "secret_key"),
        text(temp, "token"),
    );
    let cases = [
        (
            "static",
            Exported {
                access_key_id: &static_key,
                secret_access_key: &static_secret,
                session_token: None,
                expiration: None,
            },
        ),
        (
            "temporary",
            Exported {
                access_key_id: &temp_key,
                secret_access_key: &temp_secret,
                session_token: Some(&temp_token),
                expiration: Some(expiry),
            },
        ),
        (
            "token_without_expiry",
            Exported {
                access_key_id: &temp_key,
                secret_access_key: &temp_secret,
                session_token: Some(&temp_token),
                expiration: None,
            },
        ),
    ];
    let names = reference["format_names"].as_array().unwrap();
    assert_eq!(names.len(), 6);
    let mut compared = 0;
    for name in names {
        let name = name.as_str().unwrap();
        let format = Format::parse(name).unwrap_or_else(|| panic!("format {name}"));
        for (case, creds) in &cases {
            let want = reference["formats"][name][case].as_str().unwrap();
            assert_eq!(render(format, creds, "p").unwrap(), want, "{name}, {case}");
            compared += 1;
        }
    }
    assert_eq!(compared, 18);
    assert_eq!(
        reference["default_format"], "process",
        "awsprof's default is process too"
    );
}

#[test]
#[cfg_attr(
    awscli_cases_missing,
    ignore = "the AWS CLI's writer and export cases were not found"
)]
fn expirations_print_as_the_real_command_prints_them() {
    let reference = reference();
    for example in reference["expiration"]["examples"].as_array().unwrap() {
        let parsed = example["botocore_parsed_from"].as_str().unwrap();
        let want = example["v2_prints"].as_str().unwrap();
        if !want.ends_with("+00:00") {
            // An offset other than UTC is kept as given by the AWS CLI;
            // STS always answers in UTC, and awsprof prints UTC.
            continue;
        }
        let at = awsprof::isotime::parse(parsed).unwrap();
        assert_eq!(awsprof::isotime::format(at), want, "{parsed}");
    }
}

#[test]
fn our_own_formats_read_back() {
    let creds = Exported {
        access_key_id: "ASIAEXAMPLE00000",
        secret_access_key: "se/cr+et=",
        session_token: Some("to/ken=="),
        expiration: awsprof::isotime::parse("2030-01-02T03:04:05Z"),
    };
    let dotenv = render(Format::Dotenv, &creds, "p").unwrap();
    assert_eq!(
        dotenv,
        "AWS_ACCESS_KEY_ID=ASIAEXAMPLE00000\nAWS_SECRET_ACCESS_KEY=se/cr+et=\nAWS_SESSION_TOKEN=to/ken==\nAWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\n"
    );
    // The ini section is a credentials file awsprof itself reads.
    let ini = render(Format::Ini, &creds, "exported").unwrap();
    let set = awsprof::profiles::ProfileSet::from_documents(
        &awsprof::document::Document::default(),
        &awsprof::document::Document::parse_str(&ini),
    )
    .unwrap();
    let p = set.profile("exported").unwrap();
    assert_eq!(p.get("aws_access_key_id"), Some("ASIAEXAMPLE00000"));
    assert_eq!(p.get("aws_secret_access_key"), Some("se/cr+et="));
    assert_eq!(p.get("aws_session_token"), Some("to/ken=="));
}
