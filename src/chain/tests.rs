use super::*;
use crate::document::Document;
use crate::profiles::ProfileSet;

pub(super) fn set(config: &str, credentials: &str) -> ProfileSet {
    ProfileSet::from_documents(
        &Document::parse_str(config),
        &Document::parse_str(credentials),
    )
    .unwrap()
}

#[test]
fn walkthrough_self_reference() {
    let s = set(
        "",
        "[tanaka]\naws_access_key_id = AKIA1\naws_secret_access_key = s\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\n",
    );
    let chain = resolve(&s, "tanaka").unwrap();
    assert_eq!(chain.base.profile, "tanaka");
    assert_eq!(chain.base.source.kind(), "static");
    assert_eq!(chain.hops.len(), 1);
    assert_eq!(
        chain.hops[0].role_arn,
        "arn:aws:iam::123456789012:role/toy-role"
    );
    assert_eq!(chain.hops[0].origin.line, 4);
}

#[test]
fn loop_names_the_cycle() {
    let s = set(
        "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = c\n[profile c]\nrole_arn = r\nsource_profile = a\n",
        "",
    );
    let err = resolve(&s, "a").unwrap_err();
    assert_eq!(
        err.to_string()
            .split(": ")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap(),
        "a -> b -> c -> a"
    );
}

#[test]
fn hops_carry_mfa_and_duration_in_order() {
    let s = set(
        "[profile a]\nrole_arn = ra\nsource_profile = b\nduration_seconds = 900\n[profile b]\nrole_arn = rb\nsource_profile = c\nmfa_serial = arn:aws:iam::1:mfa/u\n[profile c]\naws_access_key_id = k\naws_secret_access_key = s\n",
        "",
    );
    let chain = resolve(&s, "a").unwrap();
    let arns: Vec<_> = chain.hops.iter().map(|h| h.role_arn.as_str()).collect();
    assert_eq!(arns, ["rb", "ra"]);
    assert_eq!(
        chain.hops[0].mfa_serial.as_deref(),
        Some("arn:aws:iam::1:mfa/u")
    );
    assert_eq!(chain.hops[1].duration_seconds, Some(900));
}

#[test]
fn bad_duration_names_its_line() {
    let s = set(
        "[profile a]\ncredential_source = Environment\nrole_arn = r\nduration_seconds = soon\n",
        "",
    );
    let err = resolve(&s, "a").unwrap_err();
    assert_eq!(err.origin.unwrap().line, 4);
}

#[test]
fn unknown_profile_suggests_close_names() {
    let s = set("[profile production]\nregion = x\n", "");
    let err = resolve(&s, "prodution").unwrap_err();
    assert!(err.to_string().contains("did you mean production"), "{err}");
}

#[test]
fn credential_process_is_a_base() {
    let s = set("[profile a]\ncredential_process = /bin/echo\n", "");
    assert_eq!(
        resolve(&s, "a").unwrap().base.source.kind(),
        "credential-process"
    );
}

#[test]
fn debug_of_a_chain_hides_secrets() {
    let s = set(
        "",
        "[a]\naws_access_key_id = k\naws_secret_access_key = topsecret\naws_session_token = tok\n",
    );
    let chain = resolve(&s, "a").unwrap();
    let debug = format!("{chain:?}");
    assert!(
        !debug.contains("topsecret") && !debug.contains("tok\""),
        "{debug}"
    );
}

mod verdicts_agree_with_resolve {
    use super::*;
    use proptest::prelude::*;

    const NAMES: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
    const ROLE: &str = "role_arn = arn:aws:iam::123456789012:role/r\n";
    const KEYS: &str = "aws_access_key_id = AKIAEXAMPLE00001\naws_secret_access_key = s\n";

    fn body() -> impl Strategy<Value = String> {
        let target = prop::sample::select(&NAMES[..]).prop_map(String::from);
        prop_oneof![
            Just(KEYS.to_string()),
            Just(String::new()),
            Just(format!("{ROLE}credential_source = Environment\n")),
            Just(ROLE.to_string()),
            target
                .clone()
                .prop_map(|t| format!("{ROLE}source_profile = {t}\n")),
            target
                .clone()
                .prop_map(|t| format!("{KEYS}{ROLE}source_profile = {t}\n")),
            target.prop_map(|t| format!("{ROLE}source_profile = {t}x\n")),
        ]
    }

    /// The parts of an error both must agree on: its kind (a loop by its
    /// first two and last names and its length), profile and line.
    fn key(e: &ChainError) -> String {
        let kind = match &e.kind {
            ChainErrorKind::Loop { cycle, omitted } => format!(
                "loop {} {} {} {}",
                cycle[0],
                cycle[1],
                cycle.last().unwrap(),
                cycle.len() + omitted
            ),
            other => other.to_string(),
        };
        format!("{kind} @ {} {:?}", e.profile, e.origin)
    }

    proptest! {
        #[test]
        fn every_profile_the_same_verdict(bodies in prop::collection::vec(body(), NAMES.len())) {
            let config: String = bodies
                .iter()
                .zip(NAMES)
                .map(|(b, n)| format!("[profile {n}]\n{b}"))
                .collect();
            let s = set(&config, "");
            let all = verdicts(&s);
            for name in NAMES {
                let v = &all[name];
                match (resolve(&s, name), &v.result) {
                    (Ok(chain), Ok(hops)) => {
                        prop_assert_eq!(chain.hops.len(), *hops, "{}\n{}", name, config);
                        let own_hop_chained = chain.hops.len() >= 2 && chain.hops.last().unwrap().profile == name;
                        prop_assert_eq!(own_hop_chained, v.chained_hop, "{}\n{}", name, config);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(key(&a), key(b), "{}\n{}", name, config),
                    (a, b) => prop_assert!(false, "{name}: resolve {a:?}, verdicts {b:?}\n{config}"),
                }
            }
        }
    }

    #[test]
    fn a_long_loop_is_named_by_its_ends() {
        let mut config = String::from(
            "[profile start]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = p0\n",
        );
        for i in 0..50 {
            config.push_str(&format!(
                "[profile p{i}]\n{ROLE}source_profile = p{}\n",
                (i + 1) % 50
            ));
        }
        let s = set(&config, "");
        let text = resolve(&s, "start").unwrap_err().to_string();
        assert!(
            text.contains("start -> p0 -> … 48 more … -> p49 -> p0"),
            "{text}"
        );
        assert_eq!(
            verdicts(&s)["start"]
                .result
                .as_ref()
                .unwrap_err()
                .to_string(),
            text
        );
        // A tail of profiles before a ring: each sees the whole way in.
        let tail = format!(
            "[profile t0]\n{ROLE}source_profile = t1\n[profile t1]\n{ROLE}source_profile = t2\n\
             [profile t2]\n{ROLE}source_profile = r0\n{}",
            (0..5)
                .map(|i| format!("[profile r{i}]\n{ROLE}source_profile = r{}\n", (i + 1) % 5))
                .collect::<String>()
        );
        let s = set(&tail, "");
        let all = verdicts(&s);
        for name in ["t0", "t1", "t2", "r0", "r3"] {
            let want = resolve(&s, name).unwrap_err().to_string();
            assert_eq!(
                all[name].result.as_ref().unwrap_err().to_string(),
                want,
                "{name}"
            );
        }
        let t0 = resolve(&s, "t0").unwrap_err().to_string();
        assert!(t0.contains("t0 -> t1 -> … 5 more … -> r4 -> r0"), "{t0}");
        // Keys at the start of a loop back to it: refused all the same.
        let back: String = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "a"])
            .map(|(name, source)| {
                let keys = if *name == "a" { KEYS } else { "" };
                format!("[profile {name}]\n{keys}{ROLE}source_profile = {source}\n")
            })
            .collect();
        let s = set(&back, "");
        let want = resolve(&s, "a").unwrap_err().to_string();
        assert!(want.contains("a -> b -> … 3 more … -> f -> a"), "{want}");
        assert_eq!(
            verdicts(&s)["a"].result.as_ref().unwrap_err().to_string(),
            want
        );
        // A ring: every profile is in the loop, each sees it from itself.
        let ring: String = (0..50)
            .map(|i| format!("[profile p{i}]\n{ROLE}source_profile = p{}\n", (i + 1) % 50))
            .collect();
        let s = set(&ring, "");
        let all = verdicts(&s);
        for i in [0, 1, 25, 48, 49] {
            let name = format!("p{i}");
            let want = resolve(&s, &name).unwrap_err().to_string();
            assert!(want.contains("… 47 more …"), "{want}");
            assert_eq!(
                all[name.as_str()].result.as_ref().unwrap_err().to_string(),
                want
            );
        }
        let short = format!("[profile a]\n{ROLE}source_profile = b\n[profile b]\n{ROLE}source_profile = c\n[profile c]\n{ROLE}source_profile = b\n");
        let s = set(&short, "");
        for name in ["a", "b", "c"] {
            let want = resolve(&s, name).unwrap_err().to_string();
            assert_eq!(
                verdicts(&s)[name].result.as_ref().unwrap_err().to_string(),
                want
            );
        }
    }
}

#[test]
fn an_mfa_session_is_planned_for_long_term_keys_and_a_first_role_with_a_device() {
    const SERIAL: &str = "arn:aws:iam::123456789012:mfa/tanaka";
    let keys = "[tanaka]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n";
    let role = format!("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = tanaka\nmfa_serial = {SERIAL}\n");
    let chain = resolve(&set(&role, keys), "r").unwrap();
    assert_eq!(
        chain.mfa_session,
        Some(MfaSession {
            serial: SERIAL.into(),
            profile: "r".into(),
            duration_seconds: None,
        })
    );

    // The role's own length wins over the base's.
    let both = format!(
        "{role}mfa_session_duration = 3600\n[profile tanaka]\nmfa_session_duration = 7200\n"
    );
    let chain = resolve(&set(&both, keys), "r").unwrap();
    assert_eq!(chain.mfa_session.unwrap().duration_seconds, Some(3600));
    let base_only = format!("{role}[profile tanaka]\nmfa_session_duration = 7200\n");
    let chain = resolve(&set(&base_only, keys), "r").unwrap();
    assert_eq!(chain.mfa_session.unwrap().duration_seconds, Some(7200));

    // Out of GetSessionToken's range: an error naming the line.
    let bad = format!("{role}mfa_session_duration = 200000\n");
    let err = resolve(&set(&bad, keys), "r").unwrap_err();
    assert!(
        matches!(err.kind, ChainErrorKind::BadMfaSessionDuration { .. }),
        "{err}"
    );
    assert_eq!(err.origin.unwrap().line, 5);

    // No device, or keys that are a session already: no MFA session.
    let plain =
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = tanaka\n";
    assert_eq!(resolve(&set(plain, keys), "r").unwrap().mfa_session, None);
    let session_keys = format!("{keys}aws_session_token = t\n");
    assert_eq!(
        resolve(&set(&role, &session_keys), "r")
            .unwrap()
            .mfa_session,
        None
    );
    // A device on a later role only: that role asks for its code itself.
    let later = format!("[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = tanaka\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\nmfa_serial = {SERIAL}\n");
    assert_eq!(resolve(&set(&later, keys), "b").unwrap().mfa_session, None);
}

#[test]
fn every_base_has_its_stable_json_kind() {
    let s = set(
        "[profile keys]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
         [profile env]\nrole_arn = r\ncredential_source = Environment\n\
         [profile imds]\nrole_arn = r\ncredential_source = Ec2InstanceMetadata\n\
         [profile ecs]\nrole_arn = r\ncredential_source = EcsContainer\n\
         [profile process]\ncredential_process = /bin/get-creds\n\
         [profile vaulted]\ncredential_process = awsprof vault get tanaka\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = R\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\
         [profile web]\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = /t\n",
        "",
    );
    for (profile, kind) in [
        ("keys", "static"),
        ("env", "environment"),
        ("imds", "ec2-instance-metadata"),
        ("ecs", "ecs-container"),
        ("process", "credential-process"),
        ("vaulted", "vault"),
        ("sso", "sso"),
        ("web", "web-identity"),
    ] {
        let chain = resolve(&s, profile).unwrap();
        assert_eq!(chain.base.source.kind(), kind, "{profile}");
    }
}

#[test]
fn named_sources_round_trip_through_their_names() {
    let names: Vec<&str> = NamedSource::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        ["Environment", "Ec2InstanceMetadata", "EcsContainer"]
    );
    for source in NamedSource::ALL {
        assert_eq!(NamedSource::parse(source.name()), Some(source));
    }
    assert_eq!(NamedSource::parse("environment"), None);
    assert_eq!(NamedSource::parse(""), None);
}

#[test]
fn credential_settings_are_keys_or_any_way_of_getting_them() {
    let s = set(
        "[profile region-only]\nregion = eu-west-1\noutput = json\n\
         [profile key-id]\naws_access_key_id = AKIA1\n\
         [profile role]\nrole_arn = r\n\
         [profile sso-name]\nsso_role_name = R\n",
        "",
    );
    let holds = |name: &str| holds_credential_settings(s.profile(name).unwrap());
    assert!(!holds("region-only"));
    assert!(holds("key-id"), "a credential key");
    assert!(holds("role"), "a way of getting credentials");
    assert!(holds("sso-name"));
}

#[test]
fn the_default_mfa_session_is_get_session_tokens_own_default() {
    // GetSessionToken's documented default for an IAM user: 43,200 s (12 h).
    assert_eq!(DEFAULT_MFA_SESSION_SECONDS, 43_200);
}

#[test]
fn an_sso_profile_agrees_with_its_session_and_names_account_and_role_together() {
    let session = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";
    let sso = |lines: &str| {
        let s = set(
            &format!("[profile p]\nsso_session = corp\n{lines}{session}"),
            "",
        );
        resolve(&s, "p")
            .map(|c| c.base.source)
            .map_err(|e| e.to_string())
    };
    let agreed = sso("sso_account_id = 123456789012\nsso_role_name = R\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n").unwrap();
    assert_eq!(
        agreed,
        BaseSource::Sso {
            sso_session: Some("corp".into()),
            start_url: Some("https://corp.awsapps.com/start".into()),
            region: Some("us-east-1".into()),
            account_id: Some("123456789012".into()),
            role_name: Some("R".into()),
        }
    );
    let refused = |lines: &str, why: &str| {
        let err = sso(lines).unwrap_err();
        assert!(err.contains(why), "{lines}: {err}");
    };
    refused(
        "sso_region = eu-west-1\n",
        "`sso_region` can only be specified",
    );
    refused(
        "sso_start_url = https://other.awsapps.com/start\n",
        "`sso_start_url` can only be specified",
    );
    refused(
        "sso_role_name = R\n",
        "if `sso_role_name` is set, then `sso_account_id` must also be set",
    );
    refused(
        "sso_account_id = 123456789012\n",
        "if `sso_account_id` is set, then `sso_role_name` must also be set",
    );
}

#[test]
fn a_session_token_alone_is_a_partial_key_pair_not_no_credentials() {
    let s = set("", "[a]\naws_session_token = t\n[b]\nregion = x\n");
    let err = resolve(&s, "a").unwrap_err();
    assert!(
        matches!(
            &err.kind,
            ChainErrorKind::PartialKeys { profile, key }
                if profile == "a" && *key == crate::profiles::keys::AWS_ACCESS_KEY_ID
        ),
        "{err}"
    );
    let err = resolve(&s, "b").unwrap_err();
    assert!(
        matches!(&err.kind, ChainErrorKind::NoCredentials(profile) if profile == "b"),
        "{err}"
    );
}

#[test]
fn a_resolve_without_hints_differs_only_in_naming_no_close_profiles() {
    let s = set(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = tanak\n\
         [profile ok]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = tanaka\n",
        "[tanaka]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n",
    );
    for name in ["r", "ok", "tanaka", "tanak"] {
        let (hinted, plain) = (resolve(&s, name), resolve_without_hints(&s, name));
        match (hinted, plain) {
            (Ok(hinted), Ok(plain)) => assert_eq!(hinted, plain, "{name}"),
            (Err(mut hinted), Err(plain)) => {
                match &mut hinted.kind {
                    ChainErrorKind::MissingSourceProfile { suggestions, .. }
                    | ChainErrorKind::ProfileNotFound { suggestions, .. } => {
                        assert_eq!(suggestions, &["tanaka"], "{name}");
                        suggestions.clear();
                    }
                    other => panic!("{name}: {other:?}"),
                }
                assert_eq!(hinted, plain, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(resolve(&s, "r").is_err() && resolve(&s, "ok").is_ok());
}
