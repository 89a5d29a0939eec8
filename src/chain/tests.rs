use super::*;
use crate::document::Document;
use crate::profiles::ProfileSet;

fn set(config: &str, credentials: &str) -> ProfileSet {
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
