//! What awsprof reads back is checked before it is believed (issue 22):
//! each test plays the attack or the careless input and shows it refused
//! or harmless, with nothing changed on disk.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::Sandbox;

const KEY: &str = "AKIAEXAMPLE000000001";
const SECRET: &str = "tanakaSecretExampleKey000000000000000000";
const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";

fn credentials() -> String {
    format!("[tanaka]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A backup planted by someone else: a manifest naming files outside
/// ~/.aws, in a directory others can write.
fn plant_backup(dir: &Path, folder: &str, id: &str, victim: &Path) {
    let at = dir.join(folder);
    std::fs::create_dir_all(&at).unwrap();
    let payload = b"ssh-ed25519 AAAA attacker\n";
    std::fs::write(at.join("config"), payload).unwrap();
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(payload)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let manifest = serde_json::json!({
        "id": id,
        "created": "2026-11-30T00:00:00Z",
        "command": "awsprof profile set x region \u{1b}]0;owned\u{7}",
        "files": [
            {"kind": "config", "path": victim, "existed": true, "size": payload.len(), "sha256": sha, "mode": 384},
            {"kind": "credentials", "path": victim.with_file_name("known_hosts"), "existed": false, "size": 0, "sha256": "", "mode": null}
        ]
    });
    std::fs::write(at.join("manifest.json"), manifest.to_string()).unwrap();
}

#[test]
fn a_planted_backup_never_writes_outside_todays_files() {
    let sb = Sandbox::new("[profile a]\nregion = eu-west-1\n", &credentials());
    let ssh = sb.home().join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    let victim = ssh.join("authorized_keys");
    std::fs::write(&victim, "mine\n").unwrap();
    std::fs::write(ssh.join("known_hosts"), "hosts\n").unwrap();
    let (config, creds) = (sb.read_config(), sb.read_credentials());

    // In a directory others can write: refused before anything is read.
    plant_backup(
        &sb.backups(),
        "20261130T000000Z-001",
        "20261130T000000Z-001",
        &victim,
    );
    chmod(&sb.backups(), 0o777);
    let run = sb
        .awsprof(&["backup", "restore", "20261130T000000Z-001", "--force"])
        .code(4);
    assert!(run.stderr.contains("other users can write"), "{run:#?}");
    let listed = sb.awsprof(&["backup", "list"]).code(4);
    assert!(
        listed.stderr.contains(sb.backups().to_str().unwrap()),
        "{listed:#?}"
    );
    chmod(&sb.backups(), 0o700);

    // In the user's own directory, a manifest whose id is not its folder's.
    plant_backup(
        &sb.backups(),
        "20261130T000000Z-002",
        "20261130T000000Z-001",
        &victim,
    );
    let run = sb
        .awsprof(&["backup", "restore", "20261130T000000Z-002", "--force"])
        .code(2);
    assert!(run.stderr.contains("tampered"), "{run:#?}");

    // Even a well-formed one is written onto today's files, never the
    // paths it names; without --force it is refused.
    let run = sb
        .awsprof(&["backup", "restore", "20261130T000000Z-001"])
        .code(2);
    assert!(run.stderr.contains("--force"), "{run:#?}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine\n");
    assert_eq!(sb.read_config(), config);
    sb.awsprof(&["backup", "restore", "20261130T000000Z-001", "--force"])
        .ok();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine\n");
    assert_eq!(
        std::fs::read_to_string(ssh.join("known_hosts")).unwrap(),
        "hosts\n"
    );
    assert_eq!(sb.read_config(), "ssh-ed25519 AAAA attacker\n");
    assert!(
        !sb.credentials().exists(),
        "recorded absent: today's credentials file goes"
    );
    let _ = creds;

    // The recorded command line's escape sequences are shown, not obeyed.
    let shown = sb.awsprof(&["backup", "show", "20261130T000000Z-001"]).ok();
    assert!(!shown.stdout.contains('\u{1b}') && !shown.stdout.contains('\u{7}'));
    assert!(shown.stdout.contains("\\x1b]0;owned\\x07"), "{shown:#?}");
}

#[test]
fn state_and_lock_directories_must_be_the_users_alone() {
    let sb = Sandbox::new("", &credentials());
    let state = sb.home().join(".local/state/awsprof");
    std::fs::create_dir_all(&state).unwrap();
    chmod(&state.parent().unwrap().join("awsprof"), 0o700);
    // A lock file planted as a symlink: never followed, nothing created.
    let lock = awsprof::store::lock_path_in(&state, &sb.credentials());
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    let target = sb.dir.path().join("attacker-chosen");
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let run = sb
        .awsprof(&["profile", "set", "tanaka", "region", "eu-west-1"])
        .code(4);
    assert!(run.stderr.contains(lock.to_str().unwrap()), "{run:#?}");
    assert!(!target.exists(), "the symlink's target was not created");
    assert_eq!(sb.read_credentials(), credentials());
    std::fs::remove_file(&lock).unwrap();
    // A lock directory others can write is refused, naming it.
    chmod(lock.parent().unwrap(), 0o777);
    let run = sb
        .awsprof(&["profile", "set", "tanaka", "region", "eu-west-1"])
        .code(4);
    assert!(run.stderr.contains("other users can write"), "{run:#?}");
    chmod(lock.parent().unwrap(), 0o700);
    sb.awsprof(&["profile", "set", "tanaka", "region", "eu-west-1"])
        .ok();
    // No lock file litters ~/.aws.
    let names: Vec<String> = std::fs::read_dir(sb.home().join(".aws"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("lock")), "{names:?}");
    // The credential cache directory is checked the same way.
    let cache = sb.home().join(".aws/cli/cache");
    std::fs::create_dir_all(&cache).unwrap();
    chmod(&cache, 0o777);
    sb.write_config(&format!(
        "[profile role]\nrole_arn = {ROLE}\nsource_profile = tanaka\n"
    ));
    let run = sb.awsprof(&["credential-process", "role"]).code(4);
    assert!(run.stderr.contains(cache.to_str().unwrap()), "{run:#?}");
    assert_eq!(run.stdout, "");
}

#[test]
fn a_secret_a_shell_would_run_is_refused_where_it_enters_and_where_it_leaves() {
    let sb = Sandbox::new("", "");
    let hostile = "wJalr$(touch${IFS}/tmp/awsprof-pwned)";
    let input = sb.dir.path().join("key.csv");
    std::fs::write(
        &input,
        format!("Access key ID,Secret access key\n{KEY},{hostile}\n"),
    )
    .unwrap();
    let run = sb
        .awsprof(&["key", "import", "p", input.to_str().unwrap()])
        .code(2);
    assert!(
        run.stderr.contains(&format!("{}:2", input.display())) && run.stderr.contains("column"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("touch"), "the value is never echoed");
    let set = sb
        .awsprof(&["profile", "set", "p", "aws_secret_access_key", hostile])
        .code(2);
    assert!(!set.stderr.contains("touch"), "{set:#?}");
    let short = sb
        .awsprof(&["profile", "set", "p", "aws_access_key_id", "AKIA"])
        .code(2);
    assert!(short.stderr.contains("16 to 128"), "{short:#?}");
    assert_eq!(sb.read_credentials(), "");

    // A hand-edited file: every export format refuses, nothing on stdout.
    sb.write_credentials(&format!(
        "[p]\naws_access_key_id = {KEY}\naws_secret_access_key = {hostile}\n"
    ));
    for format in [
        "process",
        "env",
        "env-no-export",
        "fish",
        "powershell",
        "windows-cmd",
        "dotenv",
        "ini",
    ] {
        let run = sb
            .awsprof(&["profile", "export", "p", "--format", format])
            .code(2);
        assert_eq!(run.stdout, "", "{format}");
        assert!(!run.stderr.contains("touch"), "{run:#?}");
    }
}

#[test]
fn a_cached_session_serves_only_the_chain_that_made_it() {
    // tanaka's chain cached a session (as a real run would have).
    let sb = Sandbox::new(
        &format!("[profile role]\nrole_arn = {ROLE}\nsource_profile = tanaka\n[profile evil]\nrole_arn = {ROLE}\nsource_profile = broken\n"),
        &format!("{}[broken]\naws_access_key_id = AKIAEXAMPLE0000DEAD\naws_secret_access_key = invalid\n", credentials()),
    )
    .with_endpoint(&support::closed_endpoint());
    let cache = sb.home().join(".aws/cli/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let args = awsprof::aws::cache::AssumeRoleArgs {
        role_arn: ROLE.into(),
        ..Default::default()
    };
    let files = awsprof::profiles::ProfileFiles::load(&awsprof::profiles::Locations {
        config: sb.config(),
        credentials: sb.credentials(),
    })
    .unwrap();
    let chain = awsprof::chain::resolve(&files.set, "role").unwrap();
    let origin = awsprof::aws::cache_origin(&chain, 0);
    let creds = awsprof::aws::Creds {
        access_key_id: "ASIAEXAMPLE0CACHED".into(),
        secret_access_key: awsprof::secret::Secret::new("cachedSecret"),
        session_token: Some(awsprof::secret::Secret::new("cachedToken")),
        expiration: Some(std::time::SystemTime::now() + std::time::Duration::from_secs(3600)),
    };
    awsprof::aws::cache::write(&cache, &args, &origin, &creds, None).unwrap();

    let ok = sb.awsprof(&["profile", "export", "role"]).ok();
    assert!(ok.stdout.contains("ASIAEXAMPLE0CACHED"), "{ok:#?}");
    // Same AssumeRole arguments, another base key: the entry is not its
    // own, so STS (closed here) must be asked, and fails.
    let evil = sb.awsprof(&["profile", "export", "evil"]).code(3);
    assert_eq!(evil.stdout, "");
}

#[test]
fn secrets_under_continuation_lines_typos_and_shapes_are_masked() {
    // Base64 padding makes the continuation line read as `name =`.
    let token = "IQoJb3JpZ2luX2VjEJr00000000000000000000000000000000000000==";
    let sb = Sandbox::new(
        "",
        &format!(
            "[tanaka]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\naws_session_token =\n    {token}\nawssecret_access_y = wJalrTypoedSecretValue\nnote = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        ),
    );
    let outputs = [
        sb.awsprof(&["profile", "copy", "tanaka", "t2", "--dry-run"])
            .ok(),
        sb.awsprof(&["profile", "show", "tanaka"]).ok(),
        sb.awsprof(&["profile", "show", "tanaka", "--output", "json"])
            .ok(),
        sb.awsprof(&["profile", "list", "--output", "json"]).ok(),
        sb.awsprof(&["profile", "delete", "tanaka", "--dry-run"])
            .ok(),
    ];
    sb.awsprof(&["profile", "set", "tanaka", "region", "eu-west-1"])
        .ok();
    let id = sb.backup_ids().pop().unwrap();
    sb.awsprof(&["profile", "unset", "tanaka", "aws_session_token"])
        .ok();
    let later = [
        sb.awsprof(&["backup", "diff", &id]).ok(),
        sb.awsprof(&["backup", "restore", &id, "--dry-run"]).ok(),
    ];
    for run in outputs.iter().chain(&later) {
        for secret in [SECRET, token, "wJalrTypoedSecretValue", "wJalrXUtnFEMI"] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{secret} in {run:#?}"
            );
        }
    }
    assert!(later[0].stdout.contains("****"), "{:#?}", later[0]);
}

#[test]
fn control_characters_from_the_files_are_escaped() {
    let sb = Sandbox::new(
        "[profile evil\u{1b}[31m]\nregion = x\n[profile good]\nnote = a\u{1b}]0;title\u{7}\u{1b}[2J\n",
        "",
    );
    for args in [
        &["profile", "list"][..],
        &["profile", "show", "good"],
        &["profile", "show", "good", "--output", "json"],
        &["profile", "show", "evil\u{1b}[31m"],
        &["lint"],
    ] {
        let run = sb.awsprof(args);
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'),
            "{args:?}: {run:#?}"
        );
    }
    let show = sb.awsprof(&["profile", "show", "good"]).ok();
    assert!(
        show.stdout.contains("a\\x1b]0;title\\x07\\x1b[2J"),
        "{show:#?}"
    );
    let lint = sb.awsprof(&["lint"]);
    assert!(lint.stdout.contains("evil\\x1b[31m"), "{lint:#?}");
}

#[test]
fn credential_process_runs_the_program_not_a_shell() {
    let sb = Sandbox::new("", "");
    let marker = sb.dir.path().join("ran");
    let json =
        format!(r#"{{"Version": 1, "AccessKeyId": "{KEY}", "SecretAccessKey": "{SECRET}"}}"#);
    sb.write_config(&format!(
        "[profile p]\ncredential_process = printf '{json}' && touch {}\n",
        marker.display()
    ));
    let run = sb
        .awsprof(&["profile", "export", "p", "--format", "env"])
        .ok();
    assert!(run.stdout.contains(KEY), "{run:#?}");
    assert!(!marker.exists(), "`touch` ran: a shell was used");
    let lint = sb.awsprof(&["lint"]);
    assert!(
        lint.stdout.contains("credential-process-shell-syntax"),
        "{lint:#?}"
    );
}

#[test]
fn a_rotation_journal_for_other_files_is_not_resumed() {
    let sb = Sandbox::new("", &credentials()).with_endpoint(&support::closed_endpoint());
    let journal = sb.home().join(".local/state/awsprof/journal");
    std::fs::create_dir_all(&journal).unwrap();
    chmod(&journal, 0o700);
    std::fs::write(
        journal.join("rotate-tanaka.json"),
        serde_json::json!({
            "profile": "tanaka",
            "credentials_file": "/somewhere/else/credentials",
            "user": "tanaka",
            "old_key_id": KEY,
            "AccessKey": {"AccessKeyId": "AKIAEXAMPLE000000002", "SecretAccessKey": "planted"},
        })
        .to_string(),
    )
    .unwrap();
    let run = sb.awsprof(&["key", "rotate", "tanaka"]).code(2);
    assert!(
        run.stderr.contains("/somewhere/else/credentials"),
        "{run:#?}"
    );
    assert_eq!(sb.read_credentials(), credentials());
    // The same journal in a directory others can write is not read at all.
    chmod(&journal, 0o777);
    let run = sb.awsprof(&["key", "rotate", "tanaka"]).code(4);
    assert!(run.stderr.contains("other users can write"), "{run:#?}");
    assert_eq!(sb.read_credentials(), credentials());
}
