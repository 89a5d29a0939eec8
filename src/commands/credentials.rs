//! The credentials a profile's chain reaches, for `export`, `exec` and
//! `credential-process`: from the cache or the files when they are at
//! hand (no async runtime is started then), else by running the chain.

use super::{leave_to_exit, runtime, Context};
use crate::aws::{at_hand, resolve_settings, run_chain, Creds, Settings};
use crate::chain::{resolve, BaseSource, Chain};
use crate::cli::AwsArgs;
use crate::error::{Error, Result};
use crate::profiles::{keys, ProfileSet};

/// The profiles whose `awsprof credential-process` is running above this
/// process, outermost first, comma-separated: a profile that appears
/// again is a loop through some program awsprof cannot see into.
pub const STACK_VAR: &str = "AWSPROF_CREDENTIAL_PROCESS_STACK";

pub fn reach(ctx: &Context, profile: &str, args: &AwsArgs) -> Result<(Creds, Settings)> {
    let files = ctx.load()?;
    let chain = resolve(&files.set, profile).map_err(|e| Error::chain(&files, e))?;
    check_process_loop(&files.set, profile, &chain).map_err(|cycle| {
        let origin = files
            .set
            .profile(&chain.base.profile)
            .and_then(|p| p.property(keys::CREDENTIAL_PROCESS))
            .map(|p| format!("{}: ", files.origin_path(p.origin)))
            .unwrap_or_default();
        Error::Config(format!(
            "{origin}credential_process calls awsprof for a profile already on the way: {cycle}; point credential_process at a profile with its own credentials"
        ))
    })?;
    let settings = resolve_settings(&args.into(), &files.set, profile);
    crate::aws::cache::check_dir(&settings)?;
    leave_to_exit(files);
    if let Some(creds) = at_hand(&chain, &settings) {
        return Ok((creds, settings));
    }
    if matches!(chain.base.source, BaseSource::CredentialProcess { .. }) {
        push_stack(profile);
    }
    let mut reached = runtime()?.block_on(run_chain(&chain, &settings, |_| {}))?;
    let last = reached.pop().expect("a chain reaches at least its base");
    Ok((last.creds, settings))
}

/// Refuses a profile already on the stack of running
/// `awsprof credential-process` calls above this one.
pub fn check_stack(profile: &str) -> Result<()> {
    let stack = std::env::var(STACK_VAR).unwrap_or_default();
    let names: Vec<&str> = stack.split(',').filter(|s| !s.is_empty()).collect();
    if names.contains(&profile) {
        return Err(Error::Config(format!(
            "credential_process loops back to profile `{profile}`: {} -> {profile}; point credential_process at a profile with its own credentials",
            names.join(" -> ")
        )));
    }
    Ok(())
}

fn push_stack(profile: &str) {
    let mut stack = std::env::var(STACK_VAR).unwrap_or_default();
    if !stack.is_empty() {
        stack.push(',');
    }
    stack.push_str(profile);
    // Single-threaded here: the runtime that spawns the process is not
    // started yet.
    std::env::set_var(STACK_VAR, stack);
}

/// Follows `credential_process = awsprof credential-process NAME` from
/// profile to profile, starting with `profile`'s chain, already resolved;
/// `Err` names the loop (`a -> b -> a`).
fn check_process_loop(
    set: &ProfileSet,
    profile: &str,
    first: &Chain,
) -> std::result::Result<(), String> {
    let mut path = vec![profile.to_string()];
    let mut next_chain: Option<Chain> = None;
    loop {
        let chain = next_chain.as_ref().unwrap_or(first);
        let BaseSource::CredentialProcess { command } = &chain.base.source else {
            return Ok(());
        };
        let Some(next) = awsprof_target(command) else {
            return Ok(());
        };
        let seen = path.contains(&next);
        path.push(next.clone());
        if seen {
            return Err(path.join(" -> "));
        }
        match resolve(set, &next) {
            Ok(chain) => next_chain = Some(chain),
            Err(_) => return Ok(()),
        }
    }
}

/// The profile of `awsprof credential-process NAME` in a
/// `credential_process` command line, when it is one.
fn awsprof_target(command: &str) -> Option<String> {
    const VALUE_FLAGS: &[&str] = &[
        "--region",
        "--endpoint-url",
        "--mfa-code",
        "--config-file",
        "--credentials-file",
        "--backup-dir",
        "--output",
    ];
    let words: Vec<&str> = command
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'']))
        .collect();
    let program = std::path::Path::new(words.first()?).file_name()?;
    let own = std::env::current_exe().ok();
    let own_name = own.as_deref().and_then(std::path::Path::file_name);
    if program != "awsprof" && Some(program) != own_name {
        return None;
    }
    let at = words.iter().position(|w| *w == "credential-process")?;
    let mut rest = words[at + 1..].iter();
    while let Some(word) = rest.next() {
        if VALUE_FLAGS.contains(word) {
            rest.next();
        } else if !word.starts_with('-') {
            return Some(word.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_profile_of_an_awsprof_credential_process() {
        assert_eq!(
            awsprof_target("awsprof credential-process tanaka").as_deref(),
            Some("tanaka")
        );
        assert_eq!(
            awsprof_target("/usr/local/bin/awsprof credential-process --region eu-west-1 \"a b\"")
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            awsprof_target("'/opt/awsprof' credential-process --no-cache x").as_deref(),
            Some("x")
        );
        assert_eq!(awsprof_target("aws configure export-credentials"), None);
        assert_eq!(awsprof_target("awsprof profile export tanaka"), None);
    }

    #[test]
    fn a_loop_of_credential_processes_is_named() {
        use crate::document::Document;
        let config = "[profile a]\ncredential_process = awsprof credential-process b\n\
                      [profile b]\ncredential_process = awsprof credential-process a\n\
                      [profile c]\ncredential_process = awsprof credential-process tanaka\n";
        let credentials = "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\n";
        let set = ProfileSet::from_documents(
            &Document::parse_str(config),
            &Document::parse_str(credentials),
        )
        .unwrap();
        let check = |name| check_process_loop(&set, name, &resolve(&set, name).unwrap());
        assert_eq!(check("a"), Err("a -> b -> a".into()));
        assert_eq!(check("c"), Ok(()));
        assert_eq!(check("tanaka"), Ok(()));
    }
}
