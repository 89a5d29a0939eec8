//! The `awsprof` binary answers the hot commands itself, without the AWS
//! clients and without `awsprof-full`; every other line it hands to
//! `awsprof-full` unchanged, which answers exactly as awsprof always did.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use support::{Run, Sandbox, AWSPROF};

const FULL: &str = env!("CARGO_BIN_EXE_awsprof-full");

const CONFIG: &str =
    "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\n";
const CREDENTIALS: &str =
    "[tanaka]\naws_access_key_id = AKIAFRONTTEST0000000\naws_secret_access_key = frontSecret0000000000000000000000000000\n";

/// A copy of the front in a directory of its own: no `awsprof-full`
/// beside it to hand anything to.
fn front_alone() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let front = dir.path().join("awsprof");
    std::fs::copy(AWSPROF, &front).unwrap();
    (dir, front)
}

fn run(sb: &Sandbox, program: &std::path::Path, args: &[&str]) -> Run {
    Run::of(
        sb.command(program.to_str().unwrap())
            .args(args)
            .output()
            .unwrap(),
    )
}

#[track_caller]
fn assert_handed_over(run: Run) {
    let run = run.code(4);
    assert!(
        run.stderr.contains("awsprof-full") && run.stderr.contains("cargo install"),
        "the missing awsprof-full is named, with what to do: {run:#?}"
    );
}

#[test]
fn the_hot_commands_run_without_awsprof_full() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let (_dir, front) = front_alone();

    let process = run(&sb, &front, &["credential-process", "tanaka"]).ok();
    assert_eq!(process.json()["AccessKeyId"], "AKIAFRONTTEST0000000");
    let exported = run(
        &sb,
        &front,
        &["profile", "export", "tanaka", "--format", "env"],
    )
    .ok();
    assert!(
        exported
            .stdout
            .contains("export AWS_ACCESS_KEY_ID=AKIAFRONTTEST0000000"),
        "{exported:#?}"
    );
    let child = run(&sb, &front, &["exec", "tanaka", "--", "env"]).ok();
    assert!(
        child
            .stdout
            .contains("AWS_ACCESS_KEY_ID=AKIAFRONTTEST0000000"),
        "{child:#?}"
    );
    let list = run(&sb, &front, &["profile", "list"]).ok();
    assert!(
        list.stdout.contains("dev") && list.stdout.contains("tanaka"),
        "{list:#?}"
    );
    let resolved = run(&sb, &front, &["profile", "resolve", "dev"]).ok();
    assert!(resolved.stdout.contains("toy-role"), "{resolved:#?}");

    run(
        &sb,
        &front,
        &[
            "profile",
            "add-role",
            "ops",
            "--role-arn",
            "arn:aws:iam::123456789012:role/ops",
            "--source-profile",
            "tanaka",
        ],
    )
    .ok();
    assert!(
        sb.read_config()
            .contains("role_arn = arn:aws:iam::123456789012:role/ops"),
        "{}",
        sb.read_config()
    );

    let tab = Run::of(
        sb.command(front.to_str().unwrap())
            .env("AWSPROF_COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", "2")
            .args(["--", "awsprof", "exec", "ta"])
            .output()
            .unwrap(),
    )
    .ok();
    assert!(tab.stdout.contains("tanaka"), "{tab:#?}");
}

#[test]
fn every_other_line_is_handed_to_awsprof_full() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let (_dir, front) = front_alone();
    let config_before = sb.read_config();

    assert_handed_over(run(&sb, &front, &["profile", "show", "tanaka"]));
    // lint looks into the vault for the items the files name.
    assert_handed_over(run(&sb, &front, &["lint"]));
    assert_handed_over(run(&sb, &front, &["--help"]));
    assert_handed_over(run(&sb, &front, &["profile", "list", "--no-such-flag"]));
    // A role with no cached session: only running the chain reaches it.
    assert_handed_over(run(&sb, &front, &["credential-process", "dev"]));
    assert_handed_over(run(&sb, &front, &["profile", "export", "dev"]));
    assert_handed_over(run(&sb, &front, &["exec", "dev", "--", "true"]));
    // --server stays beside the command to refresh its credentials.
    assert_handed_over(run(
        &sb,
        &front,
        &["exec", "--server", "tanaka", "--", "true"],
    ));
    assert_handed_over(run(
        &sb,
        &front,
        &["profile", "set", "dev", "region", "eu-west-1"],
    ));
    assert_eq!(sb.read_config(), config_before, "nothing was written");
}

/// The front hands a line over under the name it was run as: help,
/// errors and exit codes are awsprof-full's own, as if run directly.
#[test]
fn a_handed_over_line_answers_as_awsprof_full_does() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    for args in [
        &[][..],
        &["--help"],
        &["--version"],
        &["profile", "show", "tanaka"],
        &["profile", "show", "nobody"],
        &["profile", "list", "--no-such-flag"],
        &["exec", "tanaka", "true"],
    ] {
        let through_front = sb.awsprof(args);
        let direct = Run::of(sb.command(FULL).arg0(AWSPROF).args(args).output().unwrap());
        assert_eq!(
            (
                through_front.code,
                &through_front.stdout,
                &through_front.stderr
            ),
            (direct.code, &direct.stdout, &direct.stderr),
            "awsprof {args:?}"
        );
    }
    let help = sb.awsprof(&["--help"]).ok();
    assert!(
        help.stdout
            .contains("\nUsage: awsprof [OPTIONS] <COMMAND>\n"),
        "named as the user ran it: {help:#?}"
    );
}

/// The hand-over itself, seen by a stand-in for `awsprof-full`: every
/// argument as given, and the front's source id beside them.
#[test]
fn the_front_hands_the_line_over_unchanged_with_its_source_id() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let (dir, front) = front_alone();
    let stand_in = dir.path().join("awsprof-full");
    std::fs::write(
        &stand_in,
        "#!/bin/sh\nprintf '[%s]\\n' \"$@\" \"source=$AWSPROF_FRONT_SOURCE\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&stand_in, std::fs::Permissions::from_mode(0o755)).unwrap();
    let args = ["profile", "show", "two words", "--flag=x y", "", "é"];
    let seen = run(&sb, &front, &args).ok();
    let lines: Vec<&str> = seen.stdout.lines().collect();
    let expected: Vec<String> = args.iter().map(|a| format!("[{a}]")).collect();
    assert_eq!(lines[..args.len()], expected, "{seen:#?}");
    let source = lines[args.len()]
        .strip_prefix("[source=")
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or_default();
    assert!(
        source.len() == 16 && source.bytes().all(|b| b.is_ascii_hexdigit()),
        "the front's source id: {seen:#?}"
    );
}

/// `cargo run` rebuilds the front alone: an `awsprof-full` built from
/// other sources refuses what such a front hands it, and says what to do.
#[test]
fn awsprof_full_refuses_a_front_built_from_other_sources() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let refused = Run::of(
        sb.command(FULL)
            .arg0(AWSPROF)
            .env("AWSPROF_FRONT_SOURCE", "0123456789abcdef")
            .args(["profile", "show", "tanaka"])
            .output()
            .unwrap(),
    )
    .code(4);
    assert!(
        refused.stderr.contains("different sources")
            && refused.stderr.contains("cargo build --bins"),
        "{refused:#?}"
    );
    assert!(refused.stdout.is_empty(), "{refused:#?}");
    // What the front hands over, it hands to its own build, and the
    // variable goes no further than awsprof-full: a credential_process
    // program (run by awsprof-full, as only running the chain reaches its
    // keys) records the environment it got.
    let program = sb.dir.path().join("keys.sh");
    std::fs::write(
        &program,
        "#!/bin/sh\nenv > \"$0.env\"\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIAFRONTTEST0000000\", \"SecretAccessKey\": \"frontSecret0000000000000000000000000000\"}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.write_config(&format!(
        "{CONFIG}[profile ext]\ncredential_process = {}\n",
        program.display()
    ));
    let handed = sb.awsprof(&["credential-process", "ext"]).ok();
    assert_eq!(handed.json()["AccessKeyId"], "AKIAFRONTTEST0000000");
    let seen = std::fs::read_to_string(sb.dir.path().join("keys.sh.env")).unwrap();
    assert!(seen.contains("HOME="), "the program's environment: {seen}");
    assert!(!seen.contains("AWSPROF_FRONT_SOURCE"), "{seen}");
}

/// What makes the front fast: the AWS clients are not linked into it.
/// STS's global endpoint is in its client's endpoint rules, which any
/// reach of the chain runner links in: the front must not carry it,
/// `awsprof-full` must.
#[test]
fn the_front_carries_no_aws_client() {
    let carries = |path: &str| {
        let bytes = std::fs::read(path).unwrap();
        bytes
            .windows(SDK_MARK.len())
            .any(|window| window == SDK_MARK)
    };
    assert!(
        carries(FULL),
        "the marker is the SDK's: awsprof-full has it"
    );
    assert!(
        !carries(AWSPROF),
        "the front reaches an AWS client: something it runs calls into aws::run_chain or an SDK"
    );
}

const SDK_MARK: &[u8] = b"sts.amazonaws.com";
