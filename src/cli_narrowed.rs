//! The command line of a hot command, parsed without the whole tree.
//!
//! `credential-process` runs before every AWS call made through it;
//! `exec`, `profile resolve` and `profile export` sit in scripts' loops;
//! `profile list`, `profile add-role` and `lint` are timed against the
//! floor of their own work. For them, building the clap tree of every
//! command (hundreds of arguments, help and examples) and dropping it
//! again was half of what a small run ran. Here the line is parsed
//! against a tree that holds only the command it names, built from the
//! same derived definitions in [`crate::cli`]. Whatever that tree does
//! not take as is (help, version, a mistake, global options before the
//! command) gets `None`, and the whole tree parses the line again and
//! answers as it always did.

use crate::cli::{
    AddRoleArgs, Cli, CredentialProcessArgs, ExecArgs, ExportArgs, Global, LintArgs, ListArgs,
    ResolveArgs,
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
    (&["profile", "add-role"], AddRoleArgs::augment_args),
    (&["lint"], LintArgs::augment_args),
];

/// The command line (`args[0]` is the program), when it names a command
/// of [`NARROWED`] right after the program and that command's tree takes
/// it as it is.
pub fn parse(args: &[OsString]) -> Option<Cli> {
    crate::cli::parse_with(command_for(args)?, args).ok()
}

/// The tree of `awsprof` with the global options and only the command the
/// line names.
pub fn command_for(args: &[OsString]) -> Option<clap::Command> {
    let (path, augment) = NARROWED.iter().find(|(path, _)| {
        args.len() > path.len() && path.iter().zip(&args[1..]).all(|(name, arg)| arg == name)
    })?;
    let (leaf_name, parents) = path.split_last()?;
    let mut command = augment(clap::Command::new(*leaf_name));
    for parent in parents.iter().rev() {
        command = clap::Command::new(*parent).subcommand(command);
    }
    Some(Global::augment_args(clap::Command::new("awsprof")).subcommand(command))
}

#[cfg(test)]
mod tests;
