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
    for (name, value) in variables(&creds.exported()) {
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
    let shown = program.to_string_lossy();
    // As a shell answers: 127 not found, 126 found but not runnable.
    Err(match err.kind() {
        std::io::ErrorKind::NotFound => Error::Exec {
            code: 127,
            message: format!("{shown}: command not found"),
        },
        std::io::ErrorKind::PermissionDenied => Error::Exec {
            code: 126,
            message: format!("{shown}: permission denied (not executable)"),
        },
        _ => Error::Usage(format!("cannot run {shown}: {err}")),
    })
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
