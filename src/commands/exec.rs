//! `awsprof exec [NAME] -- CMD [ARGS...]`: runs CMD with the chain's
//! credentials in its environment. On Unix awsprof replaces itself with
//! CMD, so signals, the exit code and the terminal are the child's.
//! With `--server` awsprof stays beside CMD and serves it credentials
//! that it refreshes, so a run longer than a session never sees them expire.

use super::{credentials, selected_profile, Context};
use crate::aws::credential_server::Refresher;
use crate::aws::{Creds, Settings};
use crate::cli::ExecArgs;
use crate::error::{Error, Result};
use crate::export::variables;
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Set in the child: the profile whose credentials it holds.
pub const PROFILE_VAR: &str = "AWSPROF_PROFILE";

/// Taken out of the child's environment: the child's SDK must not resolve
/// a profile again, nor see credentials of another.
const REMOVED: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    credentials::STACK_VAR,
    // The SDKs prefer a relative URI and a token file to the two `--server`
    // sets: a caller's own must not shadow them.
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

pub fn run(ctx: &Context, args: ExecArgs) -> Result<()> {
    let profile = selected_profile(args.name);
    refuse_nesting(args.nested)?;
    let (program, words) = program_and_words(args.command);
    if args.server {
        // Before the server's threads start: they inherit the mask.
        crate::child::hold_signals();
    }
    let reached = credentials::reach_chain(ctx, &profile, &args.aws)?;
    let child = child_for(&program, words, &profile, &reached.settings);
    if args.server {
        return serve(child, &profile, reached, &program);
    }
    launch(child, &reached.creds, &program)
}

/// [`run`] without `--server` when the credentials are at hand, without
/// the async runtime or any AWS client; `None` (having done nothing)
/// when only running the chain would reach them.
pub fn run_at_hand(ctx: &Context, args: &ExecArgs) -> Option<Result<()>> {
    if args.server {
        return None;
    }
    let profile = selected_profile(args.name.clone());
    refuse_nesting(args.nested)
        .and_then(|()| credentials::reach_at_hand(ctx, &profile, &args.aws))
        .transpose()
        .map(|reached| {
            reached.and_then(|(creds, settings)| {
                let (program, words) = program_and_words(args.command.clone());
                let child = child_for(&program, words, &profile, &settings);
                launch(child, &creds, &program)
            })
        })
}

fn refuse_nesting(nested: bool) -> Result<()> {
    match std::env::var_os(PROFILE_VAR).filter(|v| !v.is_empty()) {
        Some(outer) if !nested => Err(Error::Usage(format!(
            "already inside `awsprof exec` for profile {}; exit that shell first, or pass --nested to run one inside it",
            outer.to_string_lossy()
        ))),
        _ => Ok(()),
    }
}

/// The program to run and its arguments: the command line's, else the
/// user's shell.
fn program_and_words(command: Vec<OsString>) -> (OsString, std::vec::IntoIter<OsString>) {
    let mut words = command.into_iter();
    let program = words
        .next()
        .or_else(|| std::env::var_os("SHELL").filter(|s| !s.is_empty()))
        .unwrap_or_else(|| OsString::from("/bin/sh"));
    (program, words)
}

/// The child's command: its arguments, and an environment without the
/// caller's credentials and profile, with the profile's region.
fn child_for(
    program: &OsString,
    words: std::vec::IntoIter<OsString>,
    profile: &str,
    settings: &Settings,
) -> Command {
    let mut child = Command::new(program);
    child.args(words);
    for name in REMOVED {
        child.env_remove(name);
    }
    if settings.region_configured {
        child
            .env("AWS_REGION", &settings.region)
            .env("AWS_DEFAULT_REGION", &settings.region);
    }
    child.env(PROFILE_VAR, profile);
    child
}

/// Replaces this process with the child, the credentials in its
/// environment; only returns when the program could not be started.
fn launch(mut child: Command, creds: &Creds, program: &OsString) -> Result<()> {
    for (name, value) in variables(&creds.exported()) {
        child.env(name, value);
    }
    let err = child.exec();
    Err(not_started(program, err))
}

/// `exec --server`: the child gets the endpoint instead of the
/// credentials, and awsprof ends as the child does.
fn serve(
    mut child: Command,
    profile: &str,
    reached: credentials::ReachedChain,
    program: &std::ffi::OsStr,
) -> Result<()> {
    if reached.creds.expiration.is_none() {
        return Err(Error::Usage(format!(
            "profile {profile} reaches long-term keys, which never expire: there is nothing for --server to refresh, and the SDKs take only temporary credentials from it; run `awsprof exec {profile}` without --server, or add a role to the profile"
        )));
    }
    if reached.default_holds_credentials && profile != "default" {
        crate::errln!(
            "awsprof: warning: profile default holds credential settings, and the AWS SDKs read the default profile before the credentials server: the command would use default's credentials, not {profile}'s. Run it without --server, or move default's credentials to a named profile"
        );
    }
    let refresher = Refresher::new(reached.chain, reached.settings, reached.creds);
    let endpoint = crate::aws::credential_server::start(refresher)
        .map_err(|e| Error::Usage(format!("cannot start the credentials server: {e}")))?;
    child
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &endpoint.url)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", &endpoint.token);
    let code = crate::child::run_to_end(&mut child).map_err(|e| not_started(program, e))?;
    std::process::exit(code)
}

/// Why `program` did not start, as a shell says it.
fn not_started(program: &std::ffi::OsStr, err: std::io::Error) -> Error {
    let shown = program.to_string_lossy();
    // As a shell answers: 127 not found, 126 found but not runnable.
    match err.kind() {
        std::io::ErrorKind::NotFound => Error::Exec {
            code: 127,
            message: format!("{shown}: command not found"),
        },
        std::io::ErrorKind::PermissionDenied => Error::Exec {
            code: 126,
            message: format!("{shown}: permission denied (not executable)"),
        },
        _ => Error::Usage(format!("cannot run {shown}: {err}")),
    }
}

/// For `awsprof exec NAME CMD ARGS` without `--`: the command line as it
/// should have been, `awsprof exec NAME -- CMD ARGS`. `None` when the
/// words do not look like that mistake.
pub fn missing_separator_hint(args: &[String]) -> Option<String> {
    let exec = args.iter().position(|a| a == "exec")?;
    if args[exec..].iter().any(|a| a == "--") {
        return None;
    }
    let mut i = exec + 1;
    let mut positional = Vec::new();
    while i < args.len() {
        let a = args[i].as_str();
        if crate::profiles::command_line::AWSPROF_VALUE_FLAGS.contains(&a) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            positional.push(i);
        }
        if positional.len() == 2 {
            break;
        }
        i += 1;
    }
    let &[_, command_at] = positional.as_slice() else {
        return None;
    };
    let quoted: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let word = crate::profiles::command_line::quote(a);
            if k == command_at {
                format!("-- {word}")
            } else {
                word
            }
        })
        .collect();
    let program = std::path::Path::new(&args[0])
        .file_name()
        .map_or("awsprof".into(), |n| n.to_string_lossy().into_owned());
    Some(format!("{program} {}", quoted[1..].join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_separator_is_shown_corrected() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            missing_separator_hint(&args(
                "/bin/awsprof exec tanaka aws sts get-caller-identity"
            ))
            .as_deref(),
            Some("awsprof exec tanaka -- aws sts get-caller-identity")
        );
        assert_eq!(
            missing_separator_hint(&args(
                "awsprof exec --region eu-west-1 tanaka terraform plan"
            ))
            .as_deref(),
            Some("awsprof exec --region eu-west-1 tanaka -- terraform plan")
        );
        assert_eq!(
            missing_separator_hint(&args("awsprof exec tanaka -- aws s3 ls")),
            None
        );
        assert_eq!(missing_separator_hint(&args("awsprof exec --bogus")), None);
    }
}
