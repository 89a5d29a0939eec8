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

/// The front in a directory of its own: no `awsprof-full` beside it to
/// hand anything to. A hard link, in the build's own directory: a copy
/// is written through a descriptor that a child forked meanwhile by a
/// test on another thread holds open, and running the copy then fails
/// with "text file busy".
fn front_alone() -> (tempfile::TempDir, PathBuf) {
    let build_dir = std::path::Path::new(AWSPROF).parent().unwrap();
    let dir = tempfile::tempdir_in(build_dir).unwrap();
    let front = dir.path().join("awsprof");
    std::fs::hard_link(AWSPROF, &front).unwrap();
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

/// `front` (alone) answers `args` itself, with what awsprof-full run
/// directly prints and its exit code.
#[track_caller]
fn assert_front_answers_as_full_does(sb: &Sandbox, front: &std::path::Path, args: &[&str]) {
    let from_front = run(sb, front, args);
    let direct = Run::of(sb.command(FULL).arg0(AWSPROF).args(args).output().unwrap());
    assert!(
        !from_front.stderr.contains("awsprof-full"),
        "answered by the front: {from_front:#?}"
    );
    assert_eq!(
        (from_front.code, &from_front.stdout, &from_front.stderr),
        (direct.code, &direct.stdout, &direct.stderr),
        "awsprof {args:?}"
    );
    assert!(
        !(direct.stdout.is_empty() && direct.stderr.is_empty()),
        "awsprof {args:?} reported"
    );
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
    let shown = run(&sb, &front, &["profile", "show", "dev"]).ok();
    assert!(
        shown.stdout.contains("source_profile  tanaka"),
        "{shown:#?}"
    );

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

    // No profile hands out a vault item: nothing for the vault to say.
    let linted = run(&sb, &front, &["lint"]).ok();
    assert!(
        linted.stdout.contains("[plaintext-access-key]")
            && linted.stdout.ends_with("0 errors, 0 warnings\n"),
        "{linted:#?}"
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

    assert_handed_over(run(&sb, &front, &["backup", "list"]));
    // --fix writes first; the front leaves the files to awsprof-full.
    assert_handed_over(run(&sb, &front, &["lint", "--fix"]));
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

/// Only the vault's store can say whether it holds the item a profile's
/// `credential_process` hands out: lint leaves such files, read but
/// unreported, to awsprof-full, which asks it.
#[test]
fn lint_of_files_that_name_vault_items_is_handed_over() {
    for line in [
        "awsprof vault get dev-keys",
        "/opt/bin/awsprof vault get dev-keys --store file",
        "awsprof-full vault get 'dev keys' --store os",
    ] {
        let config = format!(
            "[profile plain]\nregion = eu-west-1\n\n[profile dev]\ncredential_process = {line}\n"
        );
        let sb = Sandbox::new(&config, CREDENTIALS);
        let (_dir, front) = front_alone();
        let handed = run(&sb, &front, &["lint"]);
        assert!(
            handed.stdout.is_empty(),
            "nothing printed first: {handed:#?}"
        );
        assert_handed_over(handed);
    }
    // A credential_process of another program is no vault line.
    let config = "[profile dev]\ncredential_process = /usr/bin/other vault get dev-keys\n";
    let sb = Sandbox::new(config, CREDENTIALS);
    let (_dir, front) = front_alone();
    run(&sb, &front, &["lint"]).ok();
}

/// `profile show` answered by the front says, byte for byte and with the
/// same exit code, what awsprof-full says: secrets masked and shown, as
/// JSON, a name not there and a likely typo of one.
#[test]
fn profile_show_answers_from_the_front_as_awsprof_full_does() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let (_dir, front) = front_alone();
    for args in [
        &["profile", "show", "tanaka"][..],
        &["profile", "show", "tanaka", "--show-secrets"],
        &["--output", "json", "profile", "show", "dev"],
        &["profile", "show", "nobody"],
        &["profile", "show", "tanak"],
    ] {
        assert_front_answers_as_full_does(&sb, &front, args);
    }
    let masked = run(&sb, &front, &["profile", "show", "tanaka"]).ok();
    assert!(
        !masked.stdout.contains("frontSecret"),
        "the secret masked: {masked:#?}"
    );
    // Only the profile shown is built, but every line of both files is
    // still checked, and a profile's headers in both files are merged.
    let merged = "[profile tanaka]\nregion = eu-west-1\n\n[profile dev]\nregion = us-east-1\n\n[profile tanaka]\noutput = json\n";
    let sb = Sandbox::new(merged, CREDENTIALS);
    let shown = run(&sb, &front, &["profile", "show", "tanaka"]).ok();
    for line in [
        "region",
        "output",
        "aws_access_key_id",
        "config:1",
        "config:7",
        "credentials:1",
    ] {
        assert!(shown.stdout.contains(line), "{line}: {shown:#?}");
    }
    assert!(!shown.stdout.contains("us-east-1"), "{shown:#?}");
    assert_front_answers_as_full_does(&sb, &front, &["profile", "show", "tanaka"]);
    let broken = format!("{merged}this line has no equals sign\n");
    let sb = Sandbox::new(&broken, CREDENTIALS);
    let refused = run(&sb, &front, &["profile", "show", "tanaka"]).code(2);
    assert!(refused.stderr.contains("config:9"), "{refused:#?}");
    assert_front_answers_as_full_does(&sb, &front, &["profile", "show", "dev"]);
}

/// lint answered by the front says, byte for byte and with the same exit
/// code, what awsprof-full says: findings of each kind, the JSON report,
/// `--profile`'s filter and its unknown name, `--strict`, a file that does
/// not parse.
#[test]
fn lint_answers_from_the_front_as_awsprof_full_does() {
    let config = "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\nregion = mars-1\n\n[ profile  spaced ]\nregion = eu-west-1\n\n[profile loop]\nsource_profile = loop\nrole_arn = arn:aws:iam::123456789012:role/x\n";
    let broken = "[profile dev]\nregion = eu-west-1\nthis line has no equals sign\n";
    for (config, args) in [
        (config, &["lint"][..]),
        (config, &["lint", "--output", "json"]),
        (config, &["lint", "--profile", "dev"]),
        (config, &["lint", "--profile", "nobody"]),
        (config, &["lint", "--strict"]),
        (broken, &["lint"]),
    ] {
        let sb = Sandbox::new(config, CREDENTIALS);
        std::fs::set_permissions(sb.credentials(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let (_dir, front) = front_alone();
        assert_front_answers_as_full_does(&sb, &front, args);
    }
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
        &["backup", "list"],
        &["backup", "show", "nobody"],
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
    let args = ["backup", "show", "two words", "--flag=x y", "", "é"];
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
    let carries = |path: &str, mark: &[u8]| {
        let bytes = std::fs::read(path).unwrap();
        bytes.windows(mark.len()).any(|window| window == mark)
    };
    assert!(
        carries(FULL, SDK_MARK),
        "the marker is the SDK's: awsprof-full has it"
    );
    assert!(
        !carries(AWSPROF, SDK_MARK),
        "the front reaches an AWS client: something it runs calls into aws::run_chain or an SDK"
    );
    // lint in the front must leave a vault line's item to awsprof-full.
    for mark in VAULT_MARKS {
        assert!(carries(FULL, mark), "awsprof-full has the vault's stores");
        assert!(
            !carries(AWSPROF, mark),
            "the front reaches the vault's stores: something it runs opens the vault"
        );
    }
}

const SDK_MARK: &[u8] = b"sts.amazonaws.com";
/// The OS store's D-Bus service and the file store's format.
const VAULT_MARKS: [&[u8]; 2] = [b"org.freedesktop.secrets", b"age-encryption.org"];
