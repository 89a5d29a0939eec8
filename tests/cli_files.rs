//! The file commands through the real binary: list, show, add-role,
//! remove-role, set, unset, backups; errors, exit codes and secrets.

mod support;

use awsprof::document::Document;
use awsprof::profiles::ProfileSet;
use support::{repo_path, Sandbox};

const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";
const SECRET: &str = "tanakaSecretExampleKey000000000000000000";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo_path(&format!("fixtures/{name}"))).unwrap()
}

fn walkthrough() -> Sandbox {
    Sandbox::new("", &fixture("walkthrough-credentials"))
}

fn merged(sandbox: &Sandbox) -> ProfileSet {
    ProfileSet::from_documents(
        &Document::parse_str(&sandbox.read_config()),
        &Document::parse_str(&sandbox.read_credentials()),
    )
    .unwrap()
}

#[test]
fn list_and_show_mask_secrets() {
    let sb = Sandbox::new(
        &fixture("config-crlf-sso"),
        &fixture("walkthrough-credentials"),
    );
    let list = sb.awsprof(&["profile", "list"]).ok();
    assert_eq!(
        list.stdout,
        "default\ndeploy\nplatform-dev\ns3-tuned\ntanaka\n"
    );

    let json = sb
        .awsprof(&["profile", "list", "--output", "json"])
        .ok()
        .json();
    assert_eq!(json["profiles"]["tanaka"]["aws_secret_access_key"], "****");
    assert_eq!(
        json["profiles"]["s3-tuned"]["s3"],
        "\nmax_concurrent_requests = 20\nmultipart_threshold = 64MB"
    );
    assert_eq!(json["sso_sessions"]["corp"]["sso_region"], "us-east-1");
    let shown = sb
        .awsprof(&["profile", "list", "--output", "json", "--show-secrets"])
        .ok();
    assert!(shown.stdout.contains(SECRET));

    let show = sb.awsprof(&["profile", "show", "tanaka"]).ok();
    assert!(show.stdout.contains("(credentials:6)"), "{show:#?}");
    assert!(!show.stdout.contains(SECRET));
    let show_json = sb
        .awsprof(&["profile", "show", "deploy", "--output", "json"])
        .ok()
        .json();
    assert_eq!(show_json["properties"]["role_arn"]["origin"], "config:30");
}

#[test]
fn unknown_profile_is_exit_2_with_closest_names() {
    let sb = walkthrough();
    let run = sb.awsprof(&["profile", "show", "tanak"]).code(2);
    assert!(run.stderr.contains("did you mean tanaka"), "{run:#?}");
}

#[test]
fn malformed_file_names_path_and_line_and_nothing_changes() {
    let broken = "[tanaka]\naws_access_key_id = AKIA\nthis line has no equals sign\n";
    let sb = Sandbox::new("", broken);
    let run = sb.awsprof(&["profile", "list"]).code(2);
    let expected = format!("{}:3:", sb.credentials().display());
    assert!(run.stderr.contains(&expected), "{run:#?}");
    sb.awsprof(&[
        "profile",
        "add-role",
        "tanaka",
        "--role-arn",
        ROLE,
        "--source-profile",
        "tanaka",
    ])
    .code(2);
    assert_eq!(sb.read_credentials(), broken);
    assert!(sb.backup_ids().is_empty());
}

#[test]
fn invalid_utf8_is_an_error_with_the_offset() {
    let sb = walkthrough();
    std::fs::write(sb.config(), b"[default]\nregion = \xff\n").unwrap();
    let run = sb.awsprof(&["profile", "list"]).code(2);
    assert!(run.stderr.contains("byte offset 19"), "{run:#?}");
}

#[test]
fn add_role_is_exact_idempotent_and_guarded() {
    let sb = walkthrough();
    let before = sb.read_credentials();
    let dry = sb
        .awsprof(&[
            "profile",
            "add-role",
            "tanaka",
            "--role-arn",
            ROLE,
            "--dry-run",
        ])
        .ok();
    assert!(
        dry.stdout
            .contains("+role_arn = arn:aws:iam::123456789012:role/toy-role"),
        "{dry:#?}"
    );
    assert!(!dry.stdout.contains(SECRET));
    assert_eq!(sb.read_credentials(), before);
    assert!(sb.backup_ids().is_empty(), "a dry run takes no backup");

    sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
        .ok();
    let after = sb.read_credentials();
    assert_eq!(
        after,
        format!("{before}role_arn = {ROLE}\nsource_profile = tanaka\n")
    );
    assert!(!sb.config().exists() || sb.read_config().is_empty());
    assert_eq!(sb.backup_ids().len(), 1);

    // Again: nothing to do, no write, no backup.
    let mtime = std::fs::metadata(sb.credentials())
        .unwrap()
        .modified()
        .unwrap();
    let again = sb
        .awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
        .ok();
    assert!(again.stdout.contains("already configured"), "{again:#?}");
    assert_eq!(
        std::fs::metadata(sb.credentials())
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
    assert_eq!(sb.backup_ids().len(), 1);

    // A different role is refused without --force, replaced in place with it.
    let other = "arn:aws:iam::123456789012:role/other";
    let refused = sb
        .awsprof(&["profile", "add-role", "tanaka", "--role-arn", other])
        .code(2);
    assert!(refused.stderr.contains("--force"), "{refused:#?}");
    assert_eq!(sb.read_credentials(), after);
    sb.awsprof(&[
        "profile",
        "add-role",
        "tanaka",
        "--role-arn",
        other,
        "--force",
    ])
    .ok();
    assert_eq!(sb.read_credentials(), after.replace(ROLE, other));
}

#[test]
fn add_role_rejects_bad_input_without_touching_files() {
    let sb = Sandbox::new(
        "[profile loop-a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = loop-b\n",
        &fixture("walkthrough-credentials"),
    );
    let (config, creds) = (sb.read_config(), sb.read_credentials());
    let cases: &[&[&str]] = &[
        &[
            "profile",
            "add-role",
            "tanaka",
            "--role-arn",
            "arn:aws:iam::123456789012:user/tanaka",
        ],
        &[
            "profile",
            "add-role",
            "tanaka",
            "--role-arn",
            "arn:aws:iam::1234:role/x",
        ],
        &[
            "profile",
            "add-role",
            "tanaka",
            "--role-arn",
            ROLE,
            "--duration-seconds",
            "60",
        ],
        &[
            "profile",
            "add-role",
            "tanaka",
            "--role-arn",
            ROLE,
            "--role-session-name",
            "bad name",
        ],
        &[
            "profile",
            "add-role",
            "tanaka",
            "--role-arn",
            ROLE,
            "--mfa-serial",
            "nope",
        ],
        &[
            "profile",
            "add-role",
            "tanaka",
            "--role-arn",
            ROLE,
            "--source-profile",
            "nobody",
        ],
        &["profile", "add-role", "nobody", "--role-arn", ROLE],
        // loop-b -> loop-a -> loop-b
        &[
            "profile",
            "add-role",
            "loop-b",
            "--role-arn",
            ROLE,
            "--source-profile",
            "loop-a",
            "--create",
        ],
    ];
    for args in cases {
        let run = sb.awsprof(args);
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(run.stderr.starts_with("awsprof: error: "), "{run:#?}");
    }
    let looped = sb.awsprof(cases[7]);
    assert!(
        looped.stderr.contains("loop-b -> loop-a -> loop-b"),
        "{looped:#?}"
    );
    assert_eq!((sb.read_config(), sb.read_credentials()), (config, creds));
    assert!(sb.backup_ids().is_empty());
}

#[test]
fn add_role_places_keys_where_the_profile_lives() {
    let sb = Sandbox::new(
        "[profile both]\nregion = eu-west-1\n",
        &format!(
            "{}\n[both]\naws_access_key_id = A\naws_secret_access_key = B\n",
            fixture("walkthrough-credentials")
        ),
    );
    // Defined in both files: the config file.
    sb.awsprof(&[
        "profile",
        "add-role",
        "both",
        "--role-arn",
        ROLE,
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/tanaka",
        "--duration-seconds",
        "900",
    ])
    .ok();
    assert_eq!(
        sb.read_config(),
        format!("[profile both]\nregion = eu-west-1\nrole_arn = {ROLE}\nsource_profile = both\nmfa_serial = arn:aws:iam::123456789012:mfa/tanaka\nduration_seconds = 900\n")
    );
    // Defined nowhere: a new [profile x] in the config file.
    sb.awsprof(&[
        "profile",
        "add-role",
        "ci",
        "--role-arn",
        ROLE,
        "--credential-source",
        "Environment",
    ])
    .ok();
    assert!(
        sb.read_config().ends_with(&format!(
            "\n[profile ci]\nrole_arn = {ROLE}\ncredential_source = Environment\n"
        )),
        "{}",
        sb.read_config()
    );
    let set = merged(&sb);
    assert_eq!(
        set.profile("ci").unwrap().get("credential_source"),
        Some("Environment")
    );
    // Without keys or a source flag, the error says which flag is needed.
    let run = sb
        .awsprof(&["profile", "add-role", "ci2", "--role-arn", ROLE, "--create"])
        .code(2);
    assert!(run.stderr.contains("--source-profile"), "{run:#?}");
}

#[test]
fn every_fixture_shape_survives_add_then_remove() {
    let shapes: &[(&str, &str)] = &[
        ("comments", "# top\n[tanaka] ; who\n# keys\naws_access_key_id = A\naws_secret_access_key = B # trailing\n\n; end\n"),
        ("crlf", "[tanaka]\r\naws_access_key_id = A\r\naws_secret_access_key = B\r\n"),
        ("bom", "\u{feff}[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\n"),
        ("no final newline", "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B"),
        ("duplicate sections", "[tanaka]\naws_access_key_id = A\n[other]\nx = 1\n[tanaka]\naws_secret_access_key = B\n"),
        ("sub-properties", "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\ns3 =\n  max_concurrent_requests = 4\n\n[x]\ny = 1\n"),
        ("tight style", "[tanaka]\naws_access_key_id=A\naws_secret_access_key=B\n"),
        ("unicode values", "[tanaka]\nnote = 日本語 ✓\naws_access_key_id = A\naws_secret_access_key = B\n"),
    ];
    for (name, credentials) in shapes {
        let sb = Sandbox::new(
            "[default]\nregion = us-east-1\n[profile default]\noutput = json\n",
            credentials,
        );
        let before = merged(&sb).profile("tanaka").unwrap().properties.clone();
        sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
            .ok();
        let after = merged(&sb);
        let tanaka = after.profile("tanaka").unwrap();
        assert_eq!(tanaka.get("role_arn"), Some(ROLE), "{name}");
        assert_eq!(tanaka.get("source_profile"), Some("tanaka"), "{name}");
        assert_eq!(tanaka.properties.len(), before.len() + 2, "{name}");
        for (k, p) in &before {
            assert_eq!(tanaka.get(k), Some(p.value.as_str()), "{name}: {k}");
        }
        let text = sb.read_credentials();
        if name == &"tight style" {
            assert!(text.contains(&format!("role_arn={ROLE}\n")), "{text}");
        }
        if name == &"crlf" {
            assert!(text.contains(&format!("role_arn = {ROLE}\r\n")), "{text:?}");
        }
        sb.awsprof(&["profile", "remove-role", "tanaka"]).ok();
        assert_eq!(
            sb.read_credentials(),
            *credentials,
            "{name}: remove-role gives back the original"
        );
    }
}

#[test]
fn set_and_unset_follow_the_aws_cli_file_rules() {
    let sb = walkthrough();
    sb.awsprof(&["profile", "set", "tanaka", "region", "ap-northeast-1"])
        .ok();
    assert_eq!(
        sb.read_config(),
        "[profile tanaka]\nregion = ap-northeast-1\n"
    );
    // A secret from standard input goes to the credentials file, masked in output.
    let out = sb
        .awsprof_with_input(
            &["profile", "set", "newuser", "aws_secret_access_key", "-"],
            "s3cr3tFromStdin\n",
        )
        .ok();
    assert!(!out.stdout.contains("s3cr3tFromStdin"));
    assert!(sb
        .read_credentials()
        .ends_with("\n[newuser]\naws_secret_access_key = s3cr3tFromStdin\n"));
    // The backup manifest does not record the secret either.
    let list = sb.awsprof(&["backup", "list"]).ok();
    assert!(!list.stdout.contains("s3cr3t"), "{list:#?}");

    // A value a reader would cut at a comment is refused.
    let run = sb
        .awsprof(&["profile", "set", "tanaka", "output", "json # oops"])
        .code(2);
    assert!(run.stderr.contains("comment"), "{run:#?}");
    // Setting a key that lives in the credentials file updates it there.
    sb.awsprof(&[
        "profile",
        "set",
        "tanaka",
        "aws_access_key_id",
        "AKIANEW000000000001",
    ])
    .ok();
    assert!(sb
        .read_credentials()
        .contains("[tanaka]\naws_access_key_id = AKIANEW000000000001\n"));

    // The last property of a section goes with its now-empty section.
    let emptied = sb.awsprof(&["profile", "unset", "tanaka", "region"]).ok();
    assert_eq!(sb.read_config(), "");
    assert!(emptied.stdout.contains("- [tanaka]"), "{emptied:#?}");
}

#[test]
fn backups_list_show_diff_restore_and_refuse_tampering() {
    let sb = walkthrough();
    let original = sb.read_credentials();
    sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
        .ok();
    let id = sb.backup_ids().pop().unwrap();

    let list = sb
        .awsprof(&["backup", "list", "--output", "json"])
        .ok()
        .json();
    assert_eq!(list[0]["id"], id.as_str());
    assert!(list[0]["command"]
        .as_str()
        .unwrap()
        .contains("add-role tanaka"));
    let show = sb.awsprof(&["backup", "show", &id]).ok();
    assert!(show.stdout.contains("sha256"));
    let diff = sb.awsprof(&["backup", "diff", &id]).ok();
    assert!(
        diff.stdout.contains(&format!("+role_arn = {ROLE}")),
        "{diff:#?}"
    );
    assert!(!diff.stdout.contains(SECRET));

    let dry = sb.awsprof(&["backup", "restore", &id, "--dry-run"]).ok();
    assert!(
        dry.stdout.contains(&format!("-role_arn = {ROLE}")),
        "{dry:#?}"
    );
    assert_ne!(sb.read_credentials(), original);

    sb.awsprof(&["backup", "restore", &id]).ok();
    assert_eq!(sb.read_credentials(), original);
    assert_eq!(
        sb.backup_ids().len(),
        2,
        "the restore backed up the state it replaced"
    );

    // Tamper with a backup: restoring it is refused and changes nothing.
    let newest = sb.backup_ids().pop().unwrap();
    std::fs::write(sb.backups().join(&newest).join("credentials"), "[evil]\n").unwrap();
    let run = sb.awsprof(&["backup", "restore", &newest]).code(2);
    assert!(run.stderr.contains("sha256"), "{run:#?}");
    assert_eq!(sb.read_credentials(), original);

    let unknown = sb.awsprof(&["backup", "restore", "nope"]).code(2);
    assert!(unknown.stderr.contains("backup list"), "{unknown:#?}");
    // Fewer than automatic retention keeps: asked for, and with no
    // terminal refused unless --yes.
    let asked = sb.awsprof(&["backup", "prune", "--keep", "1"]).code(2);
    assert!(asked.stderr.contains("--yes"), "{asked:#?}");
    assert_eq!(sb.backup_ids().len(), 2);
    sb.awsprof(&["backup", "prune", "--keep", "1", "--yes"])
        .ok();
    assert_eq!(sb.backup_ids(), vec![newest]);
}

#[test]
fn help_documents_exit_codes_and_completions_work() {
    let sb = walkthrough();
    let help = sb.awsprof(&["--help"]).ok();
    assert!(
        help.stdout.contains("Exit codes:") && help.stdout.contains("3    AWS refused"),
        "{help:#?}"
    );
    let bash = sb.awsprof(&["completions", "bash"]).ok();
    assert!(
        bash.stdout.contains("_clap_complete_awsprof()"),
        "{}",
        &bash.stdout[..200.min(bash.stdout.len())]
    );
    sb.awsprof(&["profile", "bogus"]).code(2);
}

#[test]
fn global_file_flags_override_the_environment() {
    let sb = walkthrough();
    let other = sb.dir.path().join("elsewhere");
    std::fs::write(
        &other,
        "[someone]\naws_access_key_id = A\naws_secret_access_key = B\n",
    )
    .unwrap();
    let run = sb
        .awsprof(&[
            "--credentials-file",
            other.to_str().unwrap(),
            "profile",
            "list",
        ])
        .ok();
    assert_eq!(run.stdout, "someone\n");
}

#[test]
fn lint_reports_fixes_and_exits_by_severity() {
    let sb = Sandbox::new("\u{feff}[dev]\nregion = eu-west-1\n[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = gone\n", &fixture("walkthrough-credentials"));
    let run = sb.awsprof(&["lint", "--output", "json"]).code(1);
    let report = run.json();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "byte-order-mark",
            "unprefixed-config-section",
            "missing-source-profile",
            "plaintext-access-key",
            "plaintext-access-key"
        ],
        "{report}"
    );
    assert_eq!(report["findings"][2]["line"], 5);
    // --profile narrows to what that profile's chain reaches.
    let narrowed = sb
        .awsprof(&["lint", "--profile", "tanaka", "--output", "json"])
        .code(1)
        .json();
    let narrowed_codes: Vec<&str> = narrowed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        !narrowed_codes.contains(&"missing-source-profile"),
        "{narrowed}"
    );

    sb.awsprof(&["lint", "--fix"]).code(1);
    assert_eq!(sb.read_config(), "[profile dev]\nregion = eu-west-1\n[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = gone\n");
    assert_eq!(sb.backup_ids().len(), 1, "fixes take a backup first");

    sb.awsprof(&["profile", "set", "a", "source_profile", "tanaka"])
        .ok();
    sb.awsprof(&["lint"]).ok();
}

#[test]
fn a_closed_pipe_ends_quietly_not_with_a_panic() {
    // Far more names than a pipe buffer holds, so the writer must block.
    let credentials: String = (0..30_000)
        .map(|i| {
            format!("[profile-number-{i}]\naws_access_key_id = A\naws_secret_access_key = B\n")
        })
        .collect();
    let sb = Sandbox::new("", &credentials);
    let mut child = sb
        .command(support::AWSPROF)
        .args(["profile", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 3];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    const SIGPIPE: i32 = 13;
    assert_eq!(out.status.signal(), Some(SIGPIPE), "{:?}", out.status);
}

#[test]
fn lint_fix_makes_a_readable_credentials_file_private() {
    use std::os::unix::fs::PermissionsExt;
    let sb = walkthrough();
    std::fs::set_permissions(sb.credentials(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = sb.awsprof(&["lint", "--output", "json"]).ok().json();
    assert_eq!(before["findings"][0]["code"], "credentials-file-readable");
    let fixed = sb.awsprof(&["lint", "--fix"]).ok();
    assert!(fixed.stdout.contains("mode set to 600"), "{fixed:#?}");
    let mode = std::fs::metadata(sb.credentials())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(sb.backup_ids().len(), 1, "a backup came first");
    assert_eq!(
        sb.read_credentials(),
        fixture("walkthrough-credentials"),
        "content unchanged"
    );
}

/// The hunks of a unified diff, without its `---`/`+++` labels.
fn hunks(diff: &str) -> Vec<&str> {
    diff.lines()
        .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
        .filter(|l| l.starts_with(['@', '+', '-', ' ']))
        .collect()
}

#[test]
fn a_dry_run_shows_exactly_what_the_edit_then_does() {
    // Many profiles, so that the edit reads only some of them: the dry
    // run must read them the same way and agree with the real edit.
    let mut config = String::new();
    for i in 0..300 {
        config.push_str(&format!("[profile p{i}]\nregion = us-east-1\n\n"));
    }
    config.push_str(
        "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = tanaka\n",
    );
    let sb = Sandbox::new(&config, &fixture("walkthrough-credentials"));
    let args = [
        "profile",
        "add-role",
        "p150",
        "--role-arn",
        ROLE,
        "--source-profile",
        "tanaka",
    ];
    let preview = sb.awsprof(&[&args[..], &["--dry-run"]].concat()).ok();
    assert_eq!(sb.read_config(), config, "a dry run writes nothing");
    assert!(sb.backup_ids().is_empty(), "a dry run takes no backup");
    sb.awsprof(&args).ok();
    let id = sb.backup_ids().pop().expect("a backup");
    let done = sb.awsprof(&["backup", "diff", &id]).ok();
    assert!(!hunks(&preview.stdout).is_empty(), "{preview:#?}");
    assert_eq!(hunks(&preview.stdout), hunks(&done.stdout));
}

#[test]
fn restore_writes_only_todays_files_and_asks_before_crossing_paths() {
    let sb = walkthrough();
    let elsewhere = sb.dir.path().join("other");
    std::fs::create_dir(&elsewhere).unwrap();
    let (other_config, other_credentials) =
        (elsewhere.join("config"), elsewhere.join("credentials"));
    std::fs::write(&other_config, "[profile other]\nregion = eu-west-1\n").unwrap();
    std::fs::write(&other_credentials, "").unwrap();
    let other = |sb: &Sandbox, args: &[&str]| {
        let mut cmd = sb.command(support::AWSPROF);
        cmd.env("AWS_CONFIG_FILE", &other_config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &other_credentials)
            .args(args);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{out:#?}");
    };
    // A backup of the other files, then a change to them.
    other(&sb, &["profile", "set", "other", "region", "ap-south-1"]);
    let taken = sb.backup_ids().pop().unwrap();
    let changed = std::fs::read_to_string(&other_config).unwrap();
    assert!(changed.contains("ap-south-1"));
    let (home_config, home_credentials) = (sb.read_config(), sb.read_credentials());

    // From the sandbox's own settings the backup's paths are not today's:
    // refused, naming both, and nothing anywhere is written.
    let refused = sb.awsprof(&["backup", "restore", &taken]).code(2);
    assert!(
        refused.stderr.contains(other_config.to_str().unwrap())
            && refused.stderr.contains("--force"),
        "{refused:#?}"
    );
    assert_eq!(std::fs::read_to_string(&other_config).unwrap(), changed);
    assert_eq!(sb.read_config(), home_config);
    assert_eq!(sb.read_credentials(), home_credentials);

    // With --force it is written onto today's files, never the recorded ones.
    sb.awsprof(&["backup", "restore", &taken, "--force"]).ok();
    assert_eq!(sb.read_config(), "[profile other]\nregion = eu-west-1\n");
    assert_eq!(std::fs::read_to_string(&other_config).unwrap(), changed);
    sb.awsprof(&["backup", "restore", &sb.backup_ids().pop().unwrap()])
        .ok();
    assert_eq!(sb.read_config(), home_config);

    // Where it was taken, it restores; the safety backup undoes it.
    let mut cmd = sb.command(support::AWSPROF);
    cmd.env("AWS_CONFIG_FILE", &other_config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &other_credentials)
        .args(["backup", "restore", &taken, "--output", "json"]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:#?}");
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        std::fs::read_to_string(&other_config).unwrap(),
        "[profile other]\nregion = eu-west-1\n"
    );
    let previous = run["backup_of_previous_state"].as_str().unwrap();
    other(&sb, &["backup", "restore", previous]);
    assert_eq!(std::fs::read_to_string(&other_config).unwrap(), changed);
}

#[test]
fn a_secret_never_reaches_a_backups_recorded_command_line() {
    const VALUE: &str = "SECRETVALUE0123456789";
    let sb = walkthrough();
    let orders: [&[&str]; 6] = [
        &["profile", "set", "tanaka", "aws_secret_access_key", VALUE],
        &[
            "profile",
            "set",
            "tanaka",
            "aws_secret_access_key",
            "--in",
            "credentials",
            VALUE,
        ],
        &[
            "profile",
            "set",
            "--in",
            "credentials",
            "tanaka",
            "aws_secret_access_key",
            VALUE,
        ],
        &[
            "--output",
            "json",
            "profile",
            "set",
            "tanaka",
            "AWS_SECRET_ACCESS_KEY",
            VALUE,
            "--in",
            "credentials",
        ],
        &[
            "profile",
            "set",
            "tanaka",
            "aws_session_token",
            "--in=credentials",
            VALUE,
        ],
        &[
            "profile",
            "set",
            "tanaka",
            "aws_secret_access_key",
            "--",
            VALUE,
        ],
    ];
    for (i, args) in orders.iter().enumerate() {
        // A different value each time, so that every run writes.
        let value = format!("{VALUE}{i}");
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == VALUE { value.as_str() } else { a })
            .collect();
        sb.awsprof(&args).ok();
        let listed = sb.awsprof(&["backup", "list", "--output", "json"]).ok();
        assert!(
            !listed.stdout.contains(&value),
            "{args:?}: {}",
            listed.stdout
        );
        assert!(listed.stdout.contains("****"), "{args:?}");
    }
}

#[test]
fn a_diff_where_only_a_secret_changed_shows_the_line_not_the_value() {
    let sb = walkthrough();
    let new = "anotherSecretValue0000000000000000000000";
    let preview = sb
        .awsprof(&[
            "profile",
            "set",
            "tanaka",
            "aws_secret_access_key",
            new,
            "--dry-run",
        ])
        .ok();
    assert!(
        preview.stdout.contains("-aws_secret_access_key = ****\n"),
        "{preview:#?}"
    );
    assert!(
        preview
            .stdout
            .contains("+aws_secret_access_key = **** (changed)\n"),
        "{preview:#?}"
    );
    assert!(!preview.stdout.contains(new) && !preview.stdout.contains(SECRET));
    sb.awsprof(&["profile", "set", "tanaka", "aws_secret_access_key", new])
        .ok();
    let id = sb.backup_ids().pop().unwrap();
    let diff = sb.awsprof(&["backup", "diff", &id]).ok();
    assert!(
        diff.stdout
            .contains("+aws_secret_access_key = **** (changed)"),
        "{diff:#?}"
    );
    assert!(!diff.stdout.contains(new) && !diff.stdout.contains(SECRET));
}

#[test]
fn lint_sees_every_chain_that_cannot_resolve() {
    let sb = Sandbox::new(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n\n[profile b]\nregion = us-east-1\n",
        "",
    );
    sb.awsprof(&["profile", "resolve", "a"]).code(2);
    let lint = sb.awsprof(&["lint"]).code(1);
    assert!(
        lint.stdout.contains("source-without-credentials"),
        "{lint:#?}"
    );
    // A file that does not parse: lint --profile reports the parse error.
    sb.write_config("[profile a]\nno equals sign\n");
    let broken = sb.awsprof(&["lint", "--profile", "a"]).code(1);
    assert!(broken.stdout.contains("parse-error"), "{broken:#?}");
}

#[test]
fn lint_writes_a_long_report_whole_and_in_order() {
    // 1,000 findings make about 200 KB of text, written in pieces.
    let profiles = 1000;
    let credentials: String = (0..profiles)
        .map(|n| format!("[c{n}]\naws_access_key_id = AKIA{n:016}\naws_secret_access_key = s\n"))
        .collect();
    let sb = Sandbox::new("", &credentials);
    let lint = sb.awsprof(&["lint"]).ok();
    let lines: Vec<&str> = lint.stdout.lines().collect();
    assert_eq!(lines.len(), 2 * profiles + 1, "a finding is two lines");
    for (n, finding) in lines.chunks(2).take(profiles).enumerate() {
        let place = format!("credentials:{}: info[plaintext-access-key]", n * 3 + 2);
        assert!(finding[0].contains(&place), "{n}: {finding:?}");
        let hint = format!("`awsprof vault move c{n}`");
        assert!(finding[1].contains(&hint), "{n}: {finding:?}");
    }
    assert_eq!(lines[2 * profiles], "0 errors, 0 warnings");
}
