//! `--help` that teaches: every argument and flag of every command says
//! what it is for.

fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        let has_help = arg
            .get_help()
            .is_some_and(|h| !h.to_string().trim().is_empty())
            || arg
                .get_long_help()
                .is_some_and(|h| !h.to_string().trim().is_empty());
        if !has_help {
            missing.push(format!("{path} {id}"));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        if sub.get_about().is_none() && sub.get_long_about().is_none() {
            missing.push(format!("{path} {} (the command itself)", sub.get_name()));
        }
        walk(sub, &format!("{path} {}", sub.get_name()), missing);
    }
}

#[test]
fn every_argument_and_command_has_help() {
    let cmd = awsprof::cli::command();
    let mut missing = Vec::new();
    walk(&cmd, "awsprof", &mut missing);
    assert!(missing.is_empty(), "without help:\n{}", missing.join("\n"));
}

fn all_commands(
    cmd: &clap::Command,
    path: Vec<String>,
    out: &mut Vec<(Vec<String>, clap::Command)>,
) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        out.push((p.clone(), sub.clone()));
        all_commands(sub, p, out);
    }
}

#[test]
fn the_exit_code_table_renders_unwrapped_at_80_columns_under_every_command() {
    let mut commands = Vec::new();
    let root = awsprof::cli::command();
    all_commands(&root, Vec::new(), &mut commands);
    commands.push((Vec::new(), root));
    for (path, cmd) in commands {
        for long in [false, true] {
            let mut cmd = cmd.clone().term_width(80);
            let help = if long {
                cmd.render_long_help()
            } else {
                cmd.render_help()
            }
            .to_string();
            assert!(
                help.contains(awsprof::cli::EXIT_CODES),
                "`awsprof {} --help` at 80 columns does not show the exit codes as written:\n{help}",
                path.join(" ")
            );
            for line in help.lines() {
                assert!(line.chars().count() <= 80, "over 80 columns: {line}");
            }
        }
    }
    for line in awsprof::cli::EXIT_CODES.lines() {
        assert!(line.len() < 80, "the exit-code table would wrap: {line}");
    }
}

#[test]
fn global_options_stand_under_their_own_heading() {
    let mut cmd = awsprof::cli::command().term_width(200);
    cmd.build();
    let help = cmd
        .find_subcommand_mut("profile")
        .unwrap()
        .find_subcommand_mut("show")
        .unwrap()
        .render_help()
        .to_string();
    let (own, global) = help
        .split_once("Global options:")
        .expect("a Global options heading");
    for flag in [
        "--config-file",
        "--credentials-file",
        "--backup-dir",
        "--output",
    ] {
        assert!(
            global.contains(flag),
            "{flag} not under Global options:\n{help}"
        );
        assert!(
            !own.contains(flag),
            "{flag} among the command's own options:\n{help}"
        );
    }
}

#[test]
fn every_optional_profile_says_where_its_default_comes_from() {
    let mut commands = Vec::new();
    all_commands(&awsprof::cli::command(), Vec::new(), &mut commands);
    let mut checked = 0;
    for (path, cmd) in &commands {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            let optional_profile =
                (id == "name" && !arg.is_required_set()) || (id == "admin" && path[0] == "iam");
            if !optional_profile {
                continue;
            }
            checked += 1;
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(
                help.contains("[default: $AWS_PROFILE, else default]"),
                "awsprof {} {id}: {help:?}",
                path.join(" ")
            );
            let long = arg
                .get_long_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(long.contains("$AWS_DEFAULT_PROFILE") && long.contains("$AWSPROF_PROFILE"));
        }
    }
    assert!(
        checked >= 8,
        "only {checked} optional profile arguments found"
    );
}

#[test]
fn every_example_under_long_help_parses_as_written() {
    let mut seen = 0;
    for path in awsprof::cli_examples::paths() {
        let text = awsprof::cli_examples::for_command(path).unwrap();
        let mut cmd = awsprof::cli::command();
        for word in path.split_whitespace() {
            cmd = cmd
                .find_subcommand(word)
                .unwrap_or_else(|| panic!("examples for a command that does not exist: {path}"))
                .clone();
        }
        let long = cmd.clone().term_width(200).render_long_help().to_string();
        assert!(
            long.contains("Examples:"),
            "{path}: no examples in its --help"
        );
        for line in text.lines().filter(|l| l.starts_with("  awsprof ")) {
            seen += 1;
            let command = line.trim().split(" > ").next().unwrap();
            let words = awsprof::profiles::command_line::split(command)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            let parsed = awsprof::cli::command().try_get_matches_from(&words);
            assert!(parsed.is_ok(), "{line}\n{}", parsed.unwrap_err());
        }
        let described = text.lines().filter(|l| l.starts_with("      ")).count();
        let commands = text.lines().filter(|l| !l.starts_with("      ")).count();
        assert_eq!(
            described, commands,
            "{path}: every example says what it does"
        );
    }
    assert!(seen >= 30, "only {seen} examples");
    for must in [
        "profile add-role",
        "profile verify",
        "exec",
        "key import",
        "iam create-role",
    ] {
        assert!(
            awsprof::cli_examples::for_command(must).is_some(),
            "{must} has no examples"
        );
    }
}

/// The README's command table and `--help` name the same commands.
#[test]
fn the_readme_command_table_lists_exactly_the_commands_of_help() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let root = awsprof::cli::command();
    let mut leaves = std::collections::BTreeSet::new();
    let mut commands = Vec::new();
    all_commands(&root, Vec::new(), &mut commands);
    for (path, cmd) in &commands {
        if cmd.get_subcommands().all(|s| s.get_name() == "help") {
            leaves.insert(path.join(" "));
        }
    }
    let table = readme
        .split("| command | what it does |")
        .nth(1)
        .expect("the README's command table");
    let mut documented = std::collections::BTreeSet::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let first_cell = row[1..].split(" | ").next().unwrap();
        for code in first_cell.split('`').skip(1).step_by(2) {
            let mut group: Vec<String> = Vec::new();
            for (i, alternative) in code.split("\\|").enumerate() {
                let words: Vec<&str> = alternative.split_whitespace().collect();
                let mut cmd = &root;
                let mut path: Vec<String> = if i == 0 { Vec::new() } else { group.clone() };
                for w in &path {
                    cmd = cmd.find_subcommand(w).unwrap();
                }
                for w in words {
                    match cmd.find_subcommand(w) {
                        Some(sub) => {
                            cmd = sub;
                            path.push(w.to_string());
                        }
                        None => break,
                    }
                }
                if path.is_empty() || (i > 0 && path.len() == group.len()) {
                    continue; // a value list such as `bash\|zsh`
                }
                if i == 0 {
                    group = path[..path.len() - 1].to_vec();
                }
                documented.insert(path.join(" "));
            }
        }
    }
    let missing: Vec<_> = leaves.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&leaves).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "in --help but not in the README's table: {missing:?}; in the table but not a command: {extra:?}"
    );
}
