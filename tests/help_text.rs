//! `--help` that teaches: every argument and flag of every command says
//! what it is for.

use clap::CommandFactory;

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
    let cmd = awsprof::cli::Cli::command();
    let mut missing = Vec::new();
    walk(&cmd, "awsprof", &mut missing);
    assert!(missing.is_empty(), "without help:\n{}", missing.join("\n"));
}
