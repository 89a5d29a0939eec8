//! `vault move` as pure edits: the keys leave the file for a vault line,
//! and moving them back gives the original bytes (the walkthrough's
//! self-referencing profile included, whose keys get a profile of their
//! own), with every chain resolving the same way throughout.

use awsprof::chain::{resolve, BaseSource};
use awsprof::edits::{move_in, move_out, plan_move_in};
use awsprof::profiles::{FileKind, ProfileFiles, SourceFile};
use std::path::Path;

const ID: &str = "AKIAEXAMPLEKEY000001";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const LINE_FOR: fn(&str) -> String =
    |item| format!("/opt/bin/awsprof vault get {item} --store file");

fn load(config: &str, credentials: &str) -> ProfileFiles {
    let config =
        SourceFile::from_bytes(FileKind::Config, Path::new("config"), config.as_bytes()).unwrap();
    let credentials = SourceFile::from_bytes(
        FileKind::Credentials,
        Path::new("credentials"),
        credentials.as_bytes(),
    )
    .unwrap();
    ProfileFiles::from_sources(config, credentials).unwrap()
}

fn texts(files: &ProfileFiles) -> (String, String) {
    let text = |k| String::from_utf8(files.file(k).document().to_bytes()).unwrap();
    (text(FileKind::Config), text(FileKind::Credentials))
}

fn round_trip(config: &str, credentials: &str, profile: &str) -> (String, String) {
    let mut files = load(config, credentials);
    let (plan, secret) = plan_move_in(&files, profile).unwrap();
    assert_eq!(secret, SECRET);
    move_in(&mut files, &plan, &LINE_FOR(&plan.item)).unwrap();
    let moved = texts(&files);
    assert!(
        !moved.1.contains(SECRET) && !moved.0.contains(SECRET),
        "{moved:?}"
    );
    // The chain now stands on the vault, in-process.
    let files = load(&moved.0, &moved.1);
    let chain = resolve(&files.set, profile).unwrap();
    assert!(
        matches!(&chain.base.source, BaseSource::Vault { item, .. } if *item == plan.item),
        "{chain:?}"
    );
    let mut files = files;
    move_out(&mut files, profile, ID, SECRET).unwrap();
    let back = texts(&files);
    assert_eq!(back, (config.to_string(), credentials.to_string()));
    moved
}

#[test]
fn a_plain_key_profile_trades_its_keys_for_the_vault_line_and_back() {
    let config = "[default]\nregion = us-east-1\n\n[profile ci]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/ci\n";
    let credentials =
        format!("[dev]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n");
    let (config_moved, credentials_moved) = round_trip(config, &credentials, "dev");
    assert!(
        config_moved.contains("credential_process = /opt/bin/awsprof vault get dev --store file"),
        "{config_moved}"
    );
    assert!(
        !credentials_moved.contains("aws_access_key_id"),
        "{credentials_moved}"
    );
}

#[test]
fn the_walkthroughs_self_referencing_profile_gets_a_keys_profile_of_its_own() {
    let config = "[profile tanaka]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\n";
    let credentials = format!("[admin]\naws_access_key_id = AKIAOTHERKEY00000001\naws_secret_access_key = other\n\n[tanaka]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n");
    let (config_moved, _) = round_trip(config, &credentials, "tanaka");
    assert!(
        config_moved.contains("source_profile = tanaka-keys"),
        "{config_moved}"
    );
    assert!(
        config_moved.contains("[profile tanaka-keys]\ncredential_process = /opt/bin/awsprof vault get tanaka-keys --store file"),
        "{config_moved}"
    );
}

#[test]
fn what_cannot_move_is_refused_before_any_change() {
    let files = load(
        "[profile x]\ncredential_process = /bin/true\n",
        &format!("[temp]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\naws_session_token = t\n[none]\nregion = x\n"),
    );
    for (profile, says) in [
        ("x", "credential_process"),
        ("temp", "temporary"),
        ("none", "no access key"),
    ] {
        let err = plan_move_in(&files, profile).unwrap_err().to_string();
        assert!(err.contains(says), "{profile}: {err}");
    }
}
