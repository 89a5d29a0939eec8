use super::*;

fn run(config: &str, credentials: &str, mode: Option<u32>) -> Vec<Finding> {
    lint(&Input {
        config: &Document::parse_str(config),
        credentials: &Document::parse_str(credentials),
        credentials_mode: mode,
    })
}

fn codes(findings: &[Finding]) -> Vec<(&'static str, usize)> {
    findings.iter().map(|f| (f.code, f.line)).collect()
}

const KEYS: &str = "[base]\naws_access_key_id = A\naws_secret_access_key = B\n";

#[test]
fn one_fixture_per_finding() {
    type Case<'a> = (&'a str, &'a str, &'a str, Option<u32>, (&'a str, usize));
    let cases: &[Case<'_>] = &[
        ("parse error", "[profile a]\nbroken\n", "", None, ("parse-error", 2)),
        ("missing source", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = nobody\n", "", None, ("missing-source-profile", 3)),
        ("loop", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = a\n", "", None, ("source-loop", 3)),
        ("both sources", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\ncredential_source = Environment\n", KEYS, None, ("conflicting-sources", 4)),
        ("bad role arn", "[profile a]\nrole_arn = arn:aws:iam::123456789012:user/u\nsource_profile = base\n", KEYS, None, ("invalid-role-arn", 2)),
        ("duration", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nduration_seconds = 50000\n", KEYS, None, ("duration-out-of-range", 4)),
        ("chained duration", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\nduration_seconds = 7200\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/q\nsource_profile = base\n", KEYS, None, ("chained-duration-too-long", 4)),
        ("partial keys", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = half\n", "[half]\naws_access_key_id = A\n", None, ("partial-static-keys", 1)),
        ("prefixed credentials", "", "[profile x]\naws_access_key_id = A\n", None, ("prefixed-credentials-section", 1)),
        ("unprefixed config", "[dev]\nregion = eu-west-1\n", "", None, ("unprefixed-config-section", 1)),
        ("sso split", "[profile a]\nsso_session = corp\nsso_region = us-east-1\n[sso-session corp]\nsso_start_url = https://x\n", "", None, ("sso-misconfigured", 1)),
        ("typo", "[profile a]\nrole_ar = x\n", "", None, ("unknown-key", 2)),
        ("mode", "", KEYS, Some(0o644), ("credentials-file-readable", 0)),
        ("duplicate", "[profile a]\nregion = x\n[profile a]\noutput = json\n", "", None, ("duplicate-section", 3)),
        ("two defaults", "[default]\nregion = x\n[profile default]\noutput = json\n", "", None, ("default-defined-twice", 3)),
        ("header spaces", "[ profile  a ]\nregion = x\n", "", None, ("header-extra-spaces", 1)),
        ("bom", "\u{feff}[default]\nregion = x\n", "", None, ("byte-order-mark", 1)),
        ("shared key", "", "[a]\naws_access_key_id = A\naws_secret_access_key = B\n[b]\naws_access_key_id = A\naws_secret_access_key = C\n", None, ("shared-access-key", 5)),
    ];
    for (name, config, credentials, mode, expected) in cases {
        let found = run(config, credentials, *mode);
        assert!(
            codes(&found).contains(expected),
            "{name}: {:?}",
            codes(&found)
        );
    }
}

#[test]
fn a_clean_real_world_file_has_no_findings() {
    let config = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/config-crlf-sso"
    ))
    .unwrap();
    let credentials = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/walkthrough-credentials"
    ))
    .unwrap();
    let found = run(&config, &credentials, Some(0o600));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn fixes_are_offered_only_for_mechanical_changes() {
    let found = run("[dev]\nregion = x\n", "[profile y]\nk = v\n", Some(0o640));
    let fixable: Vec<_> = found
        .iter()
        .filter(|f| f.fix.is_some())
        .map(|f| f.code)
        .collect();
    assert_eq!(
        fixable,
        vec!["unprefixed-config-section", "credentials-file-readable"]
    );
}
