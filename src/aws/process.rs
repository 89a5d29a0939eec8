//! `credential_process`, run as the AWS CLI runs it: the command line is
//! split by botocore's rules (Python's `shlex.split`, POSIX mode, no
//! comments) and the program started directly, with no shell. The SDKs'
//! provider hands the line to `sh -c`, which would run `a && b` or `$(...)`
//! that the AWS CLI never runs; awsprof runs exactly what the CLI runs.

use super::errors::CallError;
use super::Creds;
use crate::profiles::command_line::split;
use crate::secret::Secret;
use std::process::{Command, Stdio};

fn fail(message: String) -> CallError {
    CallError {
        code: "CredentialProcessFailed".into(),
        message,
    }
}

/// Runs `command` and reads the credentials it prints (Version 1 JSON).
pub fn run(command: &str) -> Result<Creds, CallError> {
    let argv =
        split(command).map_err(|e| fail(format!("credential_process cannot be split: {e}")))?;
    let Some((program, args)) = argv.split_first() else {
        return Err(fail("credential_process is empty".into()));
    };
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| {
            fail(format!(
                "credential_process `{program}` could not start: {e}"
            ))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let code = output.status.code();
        let shown = code.map_or("a signal".to_string(), |c| c.to_string());
        return Err(CallError {
            code: if crate::profiles::command_line::is_awsprof(program) && code == Some(2) {
                super::errors::PROCESS_CONFIGURATION.into()
            } else {
                "CredentialProcessFailed".into()
            },
            message: format!(
                "credential_process `{}` exited with {shown}: {first}",
                shown_command(&argv)
            ),
        });
    }
    parse(&output.stdout).map_err(|e| fail(format!("credential_process `{program}`: {e}")))
}

/// The command line as it may be shown: the value after `--mfa-code` masked.
fn shown_command(argv: &[String]) -> String {
    let mut out = Vec::with_capacity(argv.len());
    let mut mask_next = false;
    for word in argv {
        if mask_next {
            out.push(crate::secret::MASK.to_string());
        } else if let Some((flag, _)) = word.split_once('=').filter(|(f, _)| *f == "--mfa-code") {
            out.push(format!("{flag}={}", crate::secret::MASK));
        } else {
            out.push(word.clone());
        }
        mask_next = word == "--mfa-code";
    }
    out.join(" ")
}

/// The process credential JSON, as botocore reads it.
fn parse(stdout: &[u8]) -> Result<Creds, String> {
    let body: serde_json::Value =
        serde_json::from_slice(stdout).map_err(|_| "did not print JSON".to_string())?;
    if body.get("Version").and_then(serde_json::Value::as_i64) != Some(1) {
        return Err("printed JSON without \"Version\": 1".into());
    }
    let text = |k: &str| body.get(k).and_then(serde_json::Value::as_str);
    let (Some(id), Some(secret)) = (text("AccessKeyId"), text("SecretAccessKey")) else {
        return Err("printed no AccessKeyId and SecretAccessKey".into());
    };
    let expiration = match text("Expiration") {
        Some(at) => Some(
            crate::isotime::parse(at)
                .ok_or_else(|| "printed an Expiration that is not a time".to_string())?,
        ),
        None => None,
    };
    Ok(Creds {
        access_key_id: id.to_string(),
        secret_access_key: Secret::new(secret),
        session_token: text("SessionToken").map(Secret::new),
        expiration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_shell_runs_what_a_shell_would() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let line = format!(
            "printf '{{\"Version\": 1, \"AccessKeyId\": \"AKIAEXAMPLE00001\", \"SecretAccessKey\": \"s\"}}' && touch {}",
            marker.display()
        );
        // printf prints its format; the rest are arguments it ignores.
        let creds = run(&line).unwrap();
        assert_eq!(creds.access_key_id, "AKIAEXAMPLE00001");
        assert!(!marker.exists(), "no shell ran `touch`");
        assert_eq!(
            crate::profiles::command_line::shell_syntax(&line).as_deref(),
            Some("&&")
        );
    }

    #[test]
    fn a_failing_process_is_named_with_its_code_and_first_stderr_line() {
        let e = run("sh -c 'echo first >&2; echo second >&2; exit 7'").unwrap_err();
        assert!(e.message.contains("` exited with 7: first"), "{e:?}");
        assert!(e.message.contains("`sh -c echo first"), "{e:?}");
        assert_eq!(e.code, "CredentialProcessFailed");
        let e = run("/nonexistent/program").unwrap_err();
        assert!(e.message.contains("could not start"), "{e:?}");
        assert!(run("true").unwrap_err().message.contains("JSON"));
    }
}
