use super::*;

fn run(config: &str, credentials: &str, mode: Option<u32>) -> Vec<Finding> {
    let file = |kind, text: &str| {
        SourceFile::from_bytes(kind, std::path::Path::new("f"), text.as_bytes()).unwrap()
    };
    lint(&Input {
        config: &file(FileKind::Config, config),
        credentials: &file(FileKind::Credentials, credentials),
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
        ("process reference", "[profile a]\ncredential_process = awsprof credential-process nobody\n", "", None, ("unknown-profile-reference", 2)),
        ("process loop", "[profile a]\ncredential_process = awsprof credential-process b\n[profile b]\ncredential_process = awsprof credential-process a\n", "", None, ("credential-process-loop", 2)),
        ("split keys", "[profile a]\naws_secret_access_key = s\n", "[a]\naws_access_key_id = AKIAEXAMPLE00001\n", None, ("split-static-keys", 2)),
        ("inline comment", "[profile a]\nregion = us-west-2 # oregon\n", "", None, ("inline-comment", 2)),
        ("shell syntax", "[profile a]\ncredential_process = printf x && touch y\n", "", None, ("credential-process-shell-syntax", 2)),
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
        ("sso session missing", "[profile a]\nsso_account_id = 123456789012\nsso_role_name = r\nsso_session = corp\n", "", None, ("sso-session-missing", 4)),
        ("sso shadowed", "[profile a]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = r\n[sso-session corp]\nsso_start_url = https://x\nsso_region = us-east-1\n", "[a]\naws_access_key_id = AKIAEXAMPLE00001\naws_secret_access_key = s\n", None, ("sso-profile-shadowed", 2)),
        ("sso legacy", "[profile a]\nsso_start_url = https://x\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = r\n", "", None, ("sso-legacy-start-url", 2)),
        ("typo", "[profile a]\nrole_ar = x\n", "", None, ("unknown-key", 2)),
        ("mode", "", KEYS, Some(0o644), ("credentials-file-readable", 0)),
        ("duplicate", "[profile a]\nregion = x\n[profile a]\noutput = json\n", "", None, ("duplicate-section", 3)),
        ("two defaults", "[default]\nregion = x\n[profile default]\noutput = json\n", "", None, ("default-defined-twice", 3)),
        ("header spaces", "[ profile  a ]\nregion = x\n", "", None, ("header-extra-spaces", 1)),
        ("bom", "\u{feff}[default]\nregion = x\n", "", None, ("byte-order-mark", 1)),
        ("shared key", "", "[a]\naws_access_key_id = A\naws_secret_access_key = B\n[b]\naws_access_key_id = A\naws_secret_access_key = C\n", None, ("shared-access-key", 5)),
        ("plaintext key", "", KEYS, None, ("plaintext-access-key", 2)),
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
    let mut found = run(&config, &credentials, Some(0o600));
    // Only the note that its keys are in plaintext, one per key profile.
    let key_profiles = credentials.matches("aws_access_key_id").count();
    let notes = found
        .iter()
        .filter(|f| f.code == "plaintext-access-key")
        .count();
    assert!(key_profiles > 0 && notes == key_profiles, "{found:#?}");
    found.retain(|f| f.code != "plaintext-access-key");
    assert!(found.is_empty(), "{found:#?}");

    // Temporary keys and keys already in the vault are not noted.
    let temporary = run("", "[t]\naws_access_key_id = ASIAEXAMPLE00001\naws_secret_access_key = s\naws_session_token = t\n", None);
    assert!(
        temporary.iter().all(|f| f.code != "plaintext-access-key"),
        "{temporary:#?}"
    );
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

mod agrees_with_resolve {
    use super::*;
    use crate::chain::resolve;
    use proptest::prelude::*;

    const NAMES: [&str; 4] = ["a", "b", "c", "default"];

    /// The codes of findings that say a chain cannot resolve.
    const CHAIN_CODES: &[&str] = &[
        "missing-source-profile",
        "source-loop",
        "conflicting-sources",
        "role-without-source",
        "partial-static-keys",
        "invalid-credential-source",
        "sso-misconfigured",
        "sso-session-missing",
        "web-identity-without-role",
        "invalid-duration",
        "source-without-credentials",
    ];

    /// One profile's lines: any mix of settings that make or break a chain.
    fn body() -> impl Strategy<Value = String> {
        let source = prop_oneof![
            Just(None),
            (0..NAMES.len() + 1).prop_map(|i| Some(format!(
                "source_profile = {}\n",
                NAMES.get(i).copied().unwrap_or("missing")
            ))),
            Just(Some("credential_source = Environment\n".to_string())),
            Just(Some("credential_source = Nowhere\n".to_string())),
        ];
        (
            any::<bool>(),
            source,
            0..4u8,
            any::<bool>(),
            prop_oneof![
                Just(""),
                Just("duration_seconds = 900\n"),
                Just("duration_seconds = soon\n")
            ],
        )
            .prop_map(|(role, source, keys, region, duration)| {
                let mut out = String::new();
                if region {
                    out.push_str("region = eu-west-1\n");
                }
                if role {
                    out.push_str("role_arn = arn:aws:iam::123456789012:role/r\n");
                    out.push_str(duration);
                }
                out.push_str(&source.unwrap_or_default());
                if keys & 1 != 0 {
                    out.push_str("aws_access_key_id = AKIAEXAMPLE\n");
                }
                if keys & 2 != 0 {
                    out.push_str("aws_secret_access_key = secret\n");
                }
                out
            })
    }

    proptest! {
        #[test]
        fn lint_errors_on_a_chain_exactly_when_resolve_refuses_it(
            bodies in prop::collection::vec(body(), 1..=NAMES.len()),
        ) {
            let mut config = String::new();
            for (i, body) in bodies.iter().enumerate() {
                let header = if NAMES[i] == "default" { "default".to_string() } else { format!("profile {}", NAMES[i]) };
                config.push_str(&format!("[{header}]\n{body}"));
            }
            let found = run(&config, "", None);
            let set = ProfileSet::from_documents(&Document::parse_str(&config), &Document::default()).unwrap();
            for (name, profile) in &set.profiles {
                let flagged = found.iter().any(|f| {
                    f.severity == Severity::Error
                        && CHAIN_CODES.contains(&f.code)
                        && f.profile.as_deref() == Some(name)
                });
                let refused = match resolve(&set, name) {
                    Ok(_) => false,
                    // Settings only, no credential setting at all: used with
                    // credentials from elsewhere, not an error.
                    Err(e) => !matches!(&e.kind, ChainErrorKind::NoCredentials(p) if p == name)
                        || profile.properties.keys().any(|k| k.starts_with("aws_") || k.as_str() == "role_arn" || k.as_str() == "source_profile" || k.as_str() == "credential_source"),
                };
                prop_assert_eq!(flagged, refused, "profile {} in\n{}\n{:?}", name, config, found);
            }
        }
    }
}

#[test]
fn every_parse_error_is_reported_in_one_run() {
    let config = "[profile a]\nbroken one\nregion = x\nbroken two\n[profile b]\nbroken three\n";
    let credentials = "[c]\nnot a property\n";
    let found = run(config, credentials, None);
    let parse: Vec<(FileKind, usize)> = found
        .iter()
        .filter(|f| f.code == "parse-error")
        .map(|f| (f.file, f.line))
        .collect();
    assert_eq!(
        parse,
        vec![
            (FileKind::Config, 2),
            (FileKind::Config, 4),
            (FileKind::Config, 6),
            (FileKind::Credentials, 2)
        ]
    );
}

#[test]
fn the_text_is_checked_to_the_end_of_a_file_that_does_not_parse() {
    // The reader stops at the first error; the text's own checks read on.
    let config = "[profile a]\nbroken\nregoin = x\n[profile a]\n";
    let found = run(config, "", None);
    assert_eq!(
        codes(&found),
        vec![
            ("parse-error", 2),
            ("unknown-key", 3),
            ("duplicate-section", 4)
        ]
    );
}

fn placed_at(file: FileKind, line: usize, code: &'static str, message: &str) -> Finding {
    Finding {
        code,
        severity: Severity::Info,
        file,
        line,
        text: Text::Written {
            message: message.into(),
            hint: "".into(),
        },
        profile: None,
        fix: None,
    }
}

#[test]
fn findings_sort_by_file_line_and_code_keeping_the_order_of_equals() {
    let at = placed_at;
    let mut found = vec![
        at(FileKind::Credentials, 2, "b", "1"),
        at(FileKind::Config, 9, "a", "2"),
        at(FileKind::Credentials, 2, "a", "3"),
        at(FileKind::Config, 9, "a", "4"),
        at(FileKind::Config, 10, "a", "5"),
        at(FileKind::Credentials, 1, "z", "6"),
        at(FileKind::Config, 9, "a", "7"),
    ];
    sort_by_place(&mut found);
    let order: Vec<String> = found.iter().map(|f| f.message().to_string()).collect();
    assert_eq!(order, ["2", "4", "7", "5", "6", "3", "1"]);
}

mod sorting {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn findings_sort_as_a_stable_sort_by_place_would(
            places in prop::collection::vec((any::<bool>(), 0usize..6, prop::sample::select(vec!["a", "b", "c"])), 0..40)
        ) {
            let found: Vec<Finding> = places
                .iter()
                .enumerate()
                .map(|(i, &(credentials, line, code))| {
                    let file = if credentials { FileKind::Credentials } else { FileKind::Config };
                    placed_at(file, line, code, &i.to_string())
                })
                .collect();
            let mut want = found.clone();
            want.sort_by_key(|f| (f.file, f.line, f.code));
            let mut sorted = found;
            sort_by_place(&mut sorted);
            prop_assert_eq!(sorted, want);
        }
    }
}

/// Each shared-access-key finding of `credentials`: (profile, message).
fn shared_key_findings(credentials: &str) -> Vec<(String, String)> {
    run("", credentials, None)
        .iter()
        .filter(|f| f.code == "shared-access-key")
        .map(|f| {
            (
                f.profile.as_deref().unwrap().to_string(),
                f.message().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_key_shared_by_profiles_apart_names_each_holder() {
    let credentials = "[a]\naws_access_key_id = AKIASHARED000001\naws_secret_access_key = s\n\
                       [b]\naws_access_key_id = AKIAOTHER0000002\naws_secret_access_key = s\n\
                       [c]\naws_access_key_id = AKIASHARED000001\naws_secret_access_key = s\n";
    let shared = shared_key_findings(credentials);
    assert_eq!(shared.len(), 2, "{shared:?}");
    for (profile, message) in &shared {
        assert!(["a", "c"].contains(&profile.as_str()), "{shared:?}");
        assert!(message.ends_with("held by profiles a, c"), "{message}");
    }
}

#[test]
fn a_large_set_gets_every_finding_in_file_order() {
    // Findings come out grouped by check (the chain's, the shared keys',
    // then the plaintext keys'): thousands of them make the sort into
    // file order walk long cycles.
    let profiles = 2100;
    let mut credentials = String::new();
    for n in 0..profiles {
        // Profiles 7 and 8 share a key.
        let id = if n == 8 { 7 } else { n };
        credentials.push_str(&format!(
            "[c{n}]\naws_access_key_id = AKIA{id:016}\naws_secret_access_key = s\n"
        ));
    }
    let config =
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = nobody\n";
    let found = run(config, &credentials, None);
    let mut expected = vec![("missing-source-profile", 3)];
    let shared_lines = [7 * 3 + 2, 8 * 3 + 2];
    for n in 0..profiles {
        let line = n * 3 + 2;
        expected.push(("plaintext-access-key", line));
        if shared_lines.contains(&line) {
            expected.push(("shared-access-key", line));
        }
    }
    assert_eq!(codes(&found), expected);
}

#[test]
fn a_plaintext_key_is_shown_by_its_last_four_characters_and_named_by_its_profile() {
    let credentials = "[dev]\naws_access_key_id = AKIAEXAMPLE0001234\naws_secret_access_key = s\n";
    let found = run("", credentials, None);
    let f = found
        .iter()
        .find(|f| f.code == "plaintext-access-key")
        .expect("a finding");
    assert_eq!(
        f.message().to_string(),
        "long-term access key ****1234 is kept in plaintext"
    );
    assert_eq!(
        f.hint().to_string(),
        "`awsprof vault move dev` keeps it in the OS secret store instead"
    );
    assert_eq!(f.profile.as_deref(), Some("dev"));
    assert!(!format!("{f:?}").contains("AKIAEXAMPLE"), "{f:?}");
}

#[test]
fn keys_alike_in_their_last_characters_are_told_apart() {
    // X and Y end alike (the first sort key); only a and c share one.
    let credentials = "[a]\naws_access_key_id = AKIAXXXX12345678\naws_secret_access_key = s\n\
                       [b]\naws_access_key_id = AKIAYYYY12345678\naws_secret_access_key = s\n\
                       [c]\naws_access_key_id = AKIAXXXX12345678\naws_secret_access_key = s\n\
                       [d]\naws_access_key_id = 5678\naws_secret_access_key = s\n";
    let held = "access key ****5678 is held by profiles a, c".to_string();
    assert_eq!(
        shared_key_findings(credentials),
        [("a".to_string(), held.clone()), ("c".to_string(), held)]
    );
}

#[test]
fn a_report_writes_each_text_as_it_displays() {
    let config =
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = nobody\n\
                  [profile  spaced ]\nregoin = us-east-1\n";
    let credentials = "[dev]\naws_access_key_id = AKIAEXAMPLE0001234\naws_secret_access_key = s\n";
    let found = run(config, credentials, Some(0o644));
    assert!(found.len() >= 4, "{found:?}");
    for f in &found {
        let (mut message, mut hint) = (String::from(">"), String::from(">"));
        f.push_message(&mut message);
        f.push_hint(&mut hint);
        assert_eq!(message, format!(">{}", f.message()), "{f:?}");
        assert_eq!(hint, format!(">{}", f.hint()), "{f:?}");
    }
}

#[test]
fn a_large_config_file_gets_the_text_findings_a_small_one_does() {
    // Past PARALLEL_FROM_BYTES the two files are read, and their text
    // checked, on two threads: the same findings, at the same lines, as
    // for the small file, whose two files are read on one thread.
    let problems = "[profile  spaced ]\nregoin = us-east-1\n[profile dup]\n\
                    region = us-west-2 # oregon\n[profile dup]\noutput = json\n\
                    [default]\nregion = a\n[profile default]\nregion = b\n[loose]\n\
                    [profile \"quoted\"]\nbroken\n";
    let mut padding = String::new();
    let padding_profiles = 3_000;
    for n in 0..padding_profiles {
        padding.push_str(&format!("[profile p{n}]\nregion = us-east-1\n"));
    }
    let large = format!("{padding}{problems}");
    assert!(large.len() as u64 > crate::profiles::PARALLEL_FROM_BYTES);
    // The config file's findings, their lines moved down by `lines`.
    let in_config = |found: &[Finding], lines: usize| -> Vec<(&'static str, usize)> {
        found
            .iter()
            .filter(|f| f.file == FileKind::Config)
            .map(|f| (f.code, f.line + lines))
            .collect()
    };
    let small = run(problems, KEYS, None);
    let codes_found: Vec<_> = small.iter().map(|f| f.code).collect();
    for code in [
        "header-extra-spaces",
        "unknown-key",
        "duplicate-section",
        "inline-comment",
        "default-defined-twice",
        "unprefixed-config-section",
        "quoted-section-name",
        "parse-error",
    ] {
        assert!(codes_found.contains(&code), "{code}: {small:?}");
    }
    assert_eq!(
        in_config(&run(&large, KEYS, None), 0),
        in_config(&small, 2 * padding_profiles)
    );
}

#[test]
fn each_missing_profile_gets_its_own_hint_however_often_it_is_named() {
    // Enough profiles to be checked in two halves side by side, each half
    // remembering its hints: every profile names one of two missing
    // profiles, by a source and by a credential process.
    let mut config = String::from("[profile tanaka]\nregion = x\n[profile prod]\nregion = x\n");
    let profiles = 2 * crate::threads::HALVES_FROM_ITEMS;
    for i in 0..profiles {
        let missing = if i % 2 == 0 { "tanak" } else { "prdo" };
        config.push_str(&format!(
            "[profile r{i}]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = {missing}\n\
             [profile c{i}]\ncredential_process = awsprof credential-process {missing}\n"
        ));
    }
    let found = run(&config, "", None);
    let hinted = |code: &str, text: &dyn Fn(&Finding) -> String| -> Vec<(String, usize)> {
        let mut seen: Vec<(String, usize)> = Vec::new();
        for f in found.iter().filter(|f| f.code == code) {
            let text = text(f);
            let expected = if text.contains("tanak`") || text.contains("profile tanak ") {
                "did you mean tanaka?"
            } else {
                "did you mean prod?"
            };
            assert!(
                format!("{}{}", f.message(), f.hint()).contains(expected),
                "{code}: {} / {}",
                f.message(),
                f.hint()
            );
            let key = expected.to_string();
            match seen.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => seen.push((key, 1)),
            }
        }
        seen.sort();
        seen
    };
    let each = profiles / 2;
    let by_source = hinted("missing-source-profile", &|f| f.message().to_string());
    assert_eq!(
        by_source,
        [
            ("did you mean prod?".to_string(), each),
            ("did you mean tanaka?".to_string(), each)
        ]
    );
    let by_process = hinted("unknown-profile-reference", &|f| f.message().to_string());
    assert_eq!(
        by_process,
        [
            ("did you mean prod?".to_string(), each),
            ("did you mean tanaka?".to_string(), each)
        ]
    );
}

#[test]
fn each_typo_of_a_key_is_found_however_often_it_is_written() {
    let mut config = String::new();
    let profiles = 50;
    for i in 0..profiles {
        config.push_str(&format!(
            "[profile p{i}]\nregoin = us-east-1\nrole_ar = r\ngranted_sso_region = x\n"
        ));
    }
    let found = run(&config, "", None);
    let typos: Vec<(usize, String)> = found
        .iter()
        .filter(|f| f.code == "unknown-key")
        .map(|f| (f.line, f.message().to_string()))
        .collect();
    let expected: Vec<(usize, String)> = (0..profiles)
        .flat_map(|i| {
            [
                (
                    4 * i + 2,
                    "unknown key `regoin`: did you mean `region`?".to_string(),
                ),
                (
                    4 * i + 3,
                    "unknown key `role_ar`: did you mean `role_arn`?".to_string(),
                ),
            ]
        })
        .collect();
    assert_eq!(typos, expected);
}

#[test]
fn a_section_defined_three_times_names_its_first_header_each_time() {
    let found = run(
        "[profile a]\nregion = x\n[profile a]\n[profile a]\n",
        "",
        None,
    );
    let again: Vec<_> = found
        .iter()
        .filter(|f| f.code == "duplicate-section")
        .map(|f| (f.line, f.message().to_string()))
        .collect();
    assert_eq!(again.len(), 2, "{found:?}");
    assert_eq!((again[0].0, again[1].0), (3, 4), "{found:?}");
    for (line, message) in again {
        assert!(
            message.contains("(first at line 1)"),
            "line {line}: {message}"
        );
    }
}
