//! The command line of a hot command, parsed without the whole tree.
//!
//! `credential-process` runs before every AWS call made through it;
//! `exec`, `profile resolve` and `profile export` sit in scripts' loops;
//! `profile list`, `profile show`, `profile add-role` and `lint` are timed
//! against the floor of their own work. For them, building the clap tree
//! of every command (hundreds of arguments, help and examples) and
//! dropping it again was half of what a small run ran. Here the line is parsed
//! against a tree that holds only the command it names (its names found
//! among any global options), built from the same derived definitions in
//! [`crate::cli`]. Whatever that tree does not take as is (help, version,
//! a mistake) gets `None`, and the whole tree parses the line again and
//! answers as it always did.

use crate::cli::{
    AddRoleArgs, Cli, CredentialProcessArgs, ExecArgs, ExportArgs, Global, LintArgs, ListArgs,
    ResolveArgs, ShowArgs,
};
use clap::Args;
use std::ffi::OsString;

type Augment = fn(clap::Command) -> clap::Command;

/// Each command parsed here: its path under `awsprof`, and its arguments.
pub const NARROWED: &[(&[&str], Augment)] = &[
    (&["credential-process"], CredentialProcessArgs::augment_args),
    (&["exec"], ExecArgs::augment_args),
    (&["profile", "resolve"], ResolveArgs::augment_args),
    (&["profile", "export"], ExportArgs::augment_args),
    (&["profile", "list"], ListArgs::augment_args),
    (&["profile", "show"], ShowArgs::augment_args),
    (&["profile", "add-role"], AddRoleArgs::augment_args),
    (&["lint"], LintArgs::augment_args),
];

/// The command line (`args[0]` is the program), when it names a command
/// of [`NARROWED`] (global options may stand before and between its
/// names) and that command's tree takes it as it is.
pub fn parse(args: &[OsString]) -> Option<Cli> {
    crate::cli::parse_with(command_for(args)?, args).ok()
}

/// The tree of `awsprof` with the global options and only the command the
/// line names.
pub fn command_for(args: &[OsString]) -> Option<clap::Command> {
    let top = Global::augment_args(clap::Command::new("awsprof"));
    let named = command_words(&top, args.get(1..)?);
    let (path, augment) = NARROWED.iter().find(|(path, _)| {
        named.len() >= path.len() && path.iter().zip(&named).all(|(name, word)| word == name)
    })?;
    let (leaf_name, parents) = path.split_last()?;
    let mut command = augment(clap::Command::new(*leaf_name));
    for parent in parents.iter().rev() {
        command = clap::Command::new(*parent).subcommand(command);
    }
    Some(top.subcommand(command))
}

/// The first words of `words` that may name a command (as many as the
/// longest path of [`NARROWED`]): each word but the global options of
/// `top` and their values (`--output json`, `--output=json`), which may
/// stand before the command and between its names. A value is taken as
/// it comes, as clap takes it: one meant as a name (`--output lint`)
/// leaves the command unnamed, or the narrowed tree refuses the line.
fn command_words<'a>(top: &clap::Command, words: &'a [OsString]) -> Vec<&'a str> {
    let longest = NARROWED
        .iter()
        .map(|(path, _)| path.len())
        .max()
        .unwrap_or(0);
    let mut named = Vec::with_capacity(longest);
    let mut words = words.iter();
    while named.len() < longest {
        let Some(word) = words.next().and_then(|w| w.to_str()) else {
            break;
        };
        let Some(long) = word.strip_prefix("--") else {
            named.push(word);
            continue;
        };
        let (name, inline_value) = match long.split_once('=') {
            Some((name, _)) => (name, true),
            None => (long, false),
        };
        let Some(arg) = top.get_arguments().find(|a| a.get_long() == Some(name)) else {
            break;
        };
        if arg.get_action().takes_values() && !inline_value {
            words.next();
        }
    }
    named
}

#[cfg(test)]
mod tests;
