//! `awsprof exec [NAME] -- CMD [ARGS...]`: runs CMD with the chain's
//! credentials in its environment. On Unix awsprof replaces itself with
//! CMD, so signals, the exit code and the terminal are the child's.

use super::{credentials, selected_profile, Context};
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
];

pub fn run(ctx: &Context, args: ExecArgs) -> Result<()> {
    let profile = selected_profile(args.name);
    if let Some(outer) = std::env::var_os(PROFILE_VAR).filter(|v| !v.is_empty()) {
        if !args.nested {
            return Err(Error::Usage(format!(
                "already inside `awsprof exec` for profile {}; exit that shell first, or pass --nested to run one inside it",
                outer.to_string_lossy()
            )));
        }
    }
    let mut words = args.command.into_iter();
    let program = words
        .next()
        .or_else(|| std::env::var_os("SHELL").filter(|s| !s.is_empty()))
        .unwrap_or_else(|| OsString::from("/bin/sh"));
    let (creds, settings) = credentials::reach(ctx, &profile, &args.aws)?;
    let mut child = Command::new(&program);
    child.args(words);
    for name in REMOVED {
        child.env_remove(name);
    }
    for (name, value) in variables(&super::export::exported(&creds)) {
        child.env(name, value);
    }
    if settings.region_configured {
        child
            .env("AWS_REGION", &settings.region)
            .env("AWS_DEFAULT_REGION", &settings.region);
    }
    child.env(PROFILE_VAR, &profile);
    // Only returns when the program could not be started.
    let err = child.exec();
    Err(Error::Usage(format!(
        "cannot run {}: {err}",
        program.to_string_lossy()
    )))
}
