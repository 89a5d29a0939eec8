//! The `awsprof` binary is the front of two: it answers the hot commands
//! itself (`credential-process`, `profile export` and `exec` without
//! `--server` from the files or a warm cache; `profile list`, `profile
//! show`, `profile resolve`, `profile add-role`, `lint` without `--fix`
//! where no profile hands out a vault item, and a Tab's completion) and
//! hands every other command line, unchanged, to the `awsprof-full`
//! binary installed beside it, which holds every command.
//!
//! Why two: the AWS clients (the SDK, rustls, aws-lc) and the vault's
//! stores bring 560 KB of pointers that the loader relocates on every
//! start, whether a command calls AWS or not; in a binary that never
//! calls them, the linker leaves them out (2.2 MB against 22 MB). A warm
//! `credential-process` took 2.1 ms with them and 1.3 ms without
//! (BENCHMARKS.md, "a front without the AWS clients"). So the front must
//! never reach the chain runner, an SDK client or the vault (which is why
//! a `lint` of files that name vault items, which asks the vault whether
//! it holds them, is handed over, having read the files for nothing):
//! `tests/front.rs` checks that it carries no STS client and that it
//! answers its commands alone.

use crate::error::{exit, Result};
use crate::profiles::command_line::FULL_PROGRAM;
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::ExitCode;

/// What both binaries do first: SIGPIPE as other Unix tools have it, and
/// a Tab's completion answered.
pub fn start() {
    // Rust ignores SIGPIPE, which turns `awsprof profile list | head -1`
    // into a panic on the next print; die quietly like other Unix tools
    // instead (awsprof-full, run in the front's place, keeps the setting).
    // SAFETY: called first in `main`, before any other thread exists;
    // SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // `AWSPROF_COMPLETE=bash awsprof -- ...`, as the scripts of `awsprof
    // completions` call it on Tab: print the candidates and exit.
    clap_complete::CompleteEnv::with_factory(crate::cli::command)
        .var(crate::completion::VAR)
        .complete();
}

/// The front's `main`: the command line's command run here, else handed
/// to `awsprof-full`.
pub fn run(args: &[OsString]) -> ExitCode {
    match crate::cli_narrowed::parse(args).and_then(crate::commands::run_at_hand) {
        Some(outcome) => exit_code(outcome),
        None => hand_over(args),
    }
}

/// The exit code of a finished command, its error printed.
pub fn exit_code(outcome: Result<i32>) -> ExitCode {
    let code = match outcome {
        Ok(code) => code,
        Err(err) => {
            crate::errln!("awsprof: error: {err}");
            err.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Tells `awsprof-full` which sources the front that ran it was built
/// from (build.rs's hash of src/).
const FRONT_SOURCE_VAR: &str = "AWSPROF_FRONT_SOURCE";
const SOURCE_ID: &str = env!("AWSPROF_SOURCE_ID");

/// In `awsprof-full`, before anything else: refuses a line handed over
/// by a front built from other sources (`cargo run` rebuilds the front
/// alone), with the exit code to leave with; and keeps the variable from
/// the programs it runs.
pub fn check_front_source() -> Option<ExitCode> {
    let front = std::env::var_os(FRONT_SOURCE_VAR)?;
    // Single-threaded still: nothing else reads the environment yet.
    std::env::remove_var(FRONT_SOURCE_VAR);
    if front == SOURCE_ID {
        return None;
    }
    crate::errln!(
        "awsprof: error: awsprof and {FULL_PROGRAM} beside it were built from different sources; build both (`cargo build --bins`, or `cargo install` again)"
    );
    Some(ExitCode::from(exit::IO as u8))
}

/// Replaces this process with `awsprof-full` running the same line under
/// the same program name, so that its help and errors read as before.
fn hand_over(args: &[OsString]) -> ExitCode {
    let full = full_path();
    let program = args.first().cloned().unwrap_or_else(|| "awsprof".into());
    let err = std::process::Command::new(&full)
        .arg0(program)
        .args(args.iter().skip(1))
        .env(FRONT_SOURCE_VAR, SOURCE_ID)
        .exec();
    crate::errln!(
        "awsprof: error: cannot run {}: {err}; every command but the few awsprof answers itself is in {FULL_PROGRAM}, which belongs beside awsprof (`cargo install` puts both there)",
        full.display()
    );
    ExitCode::from(exit::IO as u8)
}

/// `awsprof-full` beside this binary (symlinks to it followed).
fn full_path() -> PathBuf {
    std::env::current_exe()
        .map(|exe| exe.with_file_name(FULL_PROGRAM))
        .unwrap_or_else(|_| PathBuf::from(FULL_PROGRAM))
}

/// The path of the `awsprof` binary, for a command line awsprof writes
/// into the user's files: `awsprof-full`'s own path names the front
/// beside it, which is what the user installed and runs.
pub fn program_path() -> std::io::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    if exe.file_name().is_some_and(|n| n == FULL_PROGRAM) {
        let front = exe.with_file_name("awsprof");
        if front.is_file() {
            return Ok(front);
        }
    }
    Ok(exe)
}
