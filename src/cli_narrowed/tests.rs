use super::*;
use clap::CommandFactory;
use proptest::prelude::*;

fn line(words: &[&str]) -> Vec<OsString> {
    std::iter::once("awsprof")
        .chain(words.iter().copied())
        .map(OsString::from)
        .collect()
}

/// What the whole tree makes of the line, as text to compare.
fn whole_tree(args: &[OsString]) -> Result<String, clap::error::ErrorKind> {
    crate::cli::parse_with(crate::cli::command(), args)
        .map(|cli| format!("{cli:?}"))
        .map_err(|e| e.kind())
}

fn narrowed(args: &[OsString]) -> Option<String> {
    parse(args).map(|cli| format!("{cli:?}"))
}

/// The subcommand at `path` in `command`.
fn find<'a>(command: &'a clap::Command, path: &[&str]) -> &'a clap::Command {
    path.iter().fold(command, |cmd, name| {
        cmd.find_subcommand(name)
            .unwrap_or_else(|| panic!("no command {path:?} in the tree"))
    })
}

fn arguments(command: &clap::Command) -> Vec<String> {
    command.get_arguments().map(|a| format!("{a:?}")).collect()
}

#[test]
fn each_narrowed_command_has_the_whole_trees_arguments() {
    let whole = Cli::command();
    for (path, _) in NARROWED {
        let args = line(path);
        let narrowed = command_for(&args).expect("the path names a narrowed command");
        assert_eq!(arguments(&narrowed), arguments(&whole), "global options");
        assert_eq!(
            arguments(find(&narrowed, path)),
            arguments(find(&whole, path)),
            "{path:?}"
        );
        assert_eq!(
            find(&narrowed, path).get_subcommands().count(),
            0,
            "{path:?}"
        );
    }
}

#[test]
fn the_hot_lines_are_parsed_narrowed_and_as_the_whole_tree_parses_them() {
    for words in [
        &["credential-process", "tanaka"][..],
        &["credential-process", "tanaka", "--region", "eu-west-1"],
        &[
            "credential-process",
            "--no-cache",
            "tanaka",
            "--config-file",
            "/c",
        ],
        &["credential-process", "tanaka", "--output", "json"],
        &["exec", "tanaka", "--", "aws", "s3", "ls", "--region", "x"],
        &["exec", "--nested", "--server", "tanaka"],
        &["exec"],
        &["profile", "resolve"],
        &["profile", "resolve", "toy", "--credentials-file", "/k"],
        &["profile", "export", "toy", "--format", "env"],
        &["profile", "export", "--mfa-code", "123456", "toy"],
        &["profile", "list"],
        &["profile", "list", "--show-secrets", "--output", "json"],
        &["profile", "show"],
        &["profile", "show", "toy", "--show-secrets"],
        &["--output", "json", "profile", "show", "toy"],
        &["lint"],
        &["lint", "--strict", "--profile", "toy"],
        &["--output", "json", "credential-process", "tanaka"],
        &["--output=json", "lint"],
        &["--config-file", "/c", "--output", "json", "profile", "list"],
        &["--credentials-file=/k", "profile", "resolve", "toy"],
        &["profile", "--output", "json", "list"],
        &[
            "--output=json",
            "profile",
            "--config-file",
            "/c",
            "resolve",
            "toy",
        ],
        &[
            "--backup-dir",
            "/b",
            "profile",
            "add-role",
            "toy",
            "--role-arn",
            "a",
            "--source-profile",
            "t",
        ],
        &[
            "profile",
            "add-role",
            "toy",
            "--role-arn",
            "arn:aws:iam::123456789012:role/toy",
            "--source-profile",
            "tanaka",
            "--in",
            "config",
            "--dry-run",
        ],
    ] {
        let args = line(words);
        let got = narrowed(&args);
        assert!(got.is_some(), "{words:?} was not parsed narrowed");
        assert_eq!(
            got.ok_or(()),
            whole_tree(&args).map_err(|_| ()),
            "{words:?}"
        );
    }
}

#[test]
fn what_the_narrowed_tree_does_not_take_is_left_to_the_whole_tree() {
    for words in [
        &["credential-process"][..],
        &["credential-process", "--help"],
        &["credential-process", "tanaka", "-h"],
        &["credential-process", "tanaka", "--version"],
        &["credential-process", "tanaka", "--bogus"],
        &["credential-process", "tanaka", "--mfa-code", "12"],
        &["--output", "yaml", "credential-process", "tanaka"],
        &["--output", "lint"],
        &["--output"],
        &["--bogus", "lint"],
        &["--help", "lint"],
        &["-V", "lint"],
        &["--output", "json", "--", "lint"],
        &["exec", "tanaka", "aws"],
        &["profile", "resolve", "a", "b"],
        &["profile", "export", "--format", "yaml"],
        &["profile", "list", "extra"],
        &["profile", "show", "a", "b"],
        &["profile", "add-role", "toy"],
        &[
            "profile",
            "add-role",
            "toy",
            "--role-arn",
            "a",
            "--credential-source",
            "Nowhere",
        ],
        &["lint", "--profile"],
        &["profile"],
        &[],
    ] {
        assert_eq!(narrowed(&line(words)), None, "{words:?}");
    }
    // A line that stops before the command's name builds no tree at all.
    for words in [
        &[][..],
        &["profile"],
        &["exec-x"],
        &["profile", "resolved"],
        &["--output", "json"],
        &["--output", "lint"],
        &["--strict", "lint"],
    ] {
        assert!(command_for(&line(words)).is_none(), "{words:?}");
    }
    // The whole tree still answers `--help` with the help it always printed.
    let help = crate::cli::command()
        .try_get_matches_from(line(&["credential-process", "--help"]))
        .unwrap_err()
        .to_string();
    assert!(help.contains("Exit codes:"), "{help}");
}

fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "tanaka",
        "toy",
        "-",
        "--",
        "--region",
        "--region=eu-west-1",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:1",
        "--mfa-code",
        "123456",
        "12",
        "--no-cache",
        "--no-mfa-session",
        "--mfa-session-duration",
        "900",
        "5",
        "--format",
        "env",
        "process",
        "--output",
        "json",
        "--config-file",
        "/tmp/c",
        "--credentials-file",
        "--backup-dir",
        "--nested",
        "--server",
        "--name",
        "--show-secrets",
        "--role-arn",
        "--source-profile",
        "--credential-source",
        "Environment",
        "--in",
        "credentials",
        "--strict",
        "--fix",
        "--profile",
        "--dry-run",
        "-h",
        "--help",
        "-V",
        "--version",
        "help",
        "aws",
    ])
}

/// Global options and their values, and words that only look like them.
fn word_before_the_command() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "--output",
        "json",
        "text",
        "--output=json",
        "--output=",
        "--config-file",
        "/tmp/c",
        "--credentials-file=/tmp/k",
        "--backup-dir",
        "--outputs",
        "--",
        "-h",
        "lint",
        "profile",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Narrowed or not, a line means the same: parsed narrowed exactly
    /// when the whole tree accepts it, and then to the same command.
    #[test]
    fn a_line_parses_narrowed_exactly_when_and_as_the_whole_tree_parses_it(
        before in prop::collection::vec(word_before_the_command(), 0..4),
        path in prop::sample::select(NARROWED.iter().map(|(p, _)| *p).collect::<Vec<_>>()),
        between in prop::collection::vec(word_before_the_command(), 0..3),
        words in prop::collection::vec(word(), 0..6),
    ) {
        // `between` after the command's first name (before its second, if any).
        let all: Vec<&str> = before
            .into_iter()
            .chain(path[..1].iter().copied())
            .chain(between)
            .chain(path[1..].iter().copied())
            .chain(words)
            .collect();
        let args = line(&all);
        prop_assert_eq!(narrowed(&args).ok_or(()), whole_tree(&args).map_err(|_| ()), "{:?}", all);
    }
}
