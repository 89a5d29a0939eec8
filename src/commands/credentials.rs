//! The credentials a profile's chain reaches, for `export`, `exec` and
//! `credential-process`: from the cache or the files when they are at
//! hand (no async runtime is started then), else by running the chain.

use super::{leave_to_exit, runtime, Context};
use crate::aws::{at_hand, resolve_settings, run_chain, Creds, Settings};
use crate::chain::{loop_text, process_loop, resolve, BaseSource, Chain};
use crate::cli::AwsArgs;
use crate::error::{Error, Result};
use crate::profiles::{keys, ProfileFiles};

/// The profiles whose `awsprof credential-process` is running above this
/// process, outermost first, comma-separated: a profile that appears
/// again is a loop through some program awsprof cannot see into.
pub const STACK_VAR: &str = "AWSPROF_CREDENTIAL_PROCESS_STACK";

pub fn reach(ctx: &Context, profile: &str, args: &AwsArgs) -> Result<(Creds, Settings)> {
    let reached = reach_chain(ctx, profile, args)?;
    Ok((reached.creds, reached.settings))
}

/// What [`reach`] found, with the chain that gave it (to run again).
pub struct ReachedChain {
    pub chain: Chain,
    pub creds: Creds,
    pub settings: Settings,
    /// Whether the `default` profile holds credential settings of its own.
    pub default_holds_credentials: bool,
}

pub fn reach_chain(ctx: &Context, profile: &str, args: &AwsArgs) -> Result<ReachedChain> {
    let found = find(ctx, profile, args)?;
    let creds = match found.creds {
        Some(creds) => creds,
        None => {
            if matches!(
                found.chain.base.source,
                BaseSource::CredentialProcess { .. }
            ) {
                push_stack(profile);
            }
            let mut steps =
                runtime()?.block_on(run_chain(&found.chain, &found.settings, |_| {}))?;
            steps
                .pop()
                .expect("a chain reaches at least its base")
                .creds
        }
    };
    Ok(ReachedChain {
        chain: found.chain,
        creds,
        settings: found.settings,
        default_holds_credentials: found.default_holds_credentials,
    })
}

/// The credentials of `profile` when the files or the cache hold them
/// (`None` when only running the chain would reach them), without the
/// async runtime or any AWS client: what the `awsprof` binary answers
/// itself (see [`crate::front`]).
pub fn reach_at_hand(
    ctx: &Context,
    profile: &str,
    args: &AwsArgs,
) -> Result<Option<(Creds, Settings)>> {
    let found = find(ctx, profile, args)?;
    Ok(found.creds.map(|creds| (creds, found.settings)))
}

/// A profile's chain and settings, and its credentials when at hand.
struct Found {
    chain: Chain,
    settings: Settings,
    default_holds_credentials: bool,
    creds: Option<Creds>,
}

fn find(ctx: &Context, profile: &str, args: &AwsArgs) -> Result<Found> {
    let files = ctx.load()?;
    let chain = resolve(&files.set, profile).map_err(|e| Error::chain(&files, e))?;
    refuse_process_loop(&files, profile, &chain)?;
    let settings = resolve_settings(&args.into(), &files.set, profile);
    crate::aws::cache::check_dir(&settings)?;
    let default_holds_credentials = files
        .set
        .profile("default")
        .is_some_and(crate::chain::holds_credential_settings);
    leave_to_exit(files);
    let creds = at_hand(&chain, &settings);
    Ok(Found {
        chain,
        settings,
        default_holds_credentials,
        creds,
    })
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

/// Whether a command line's program is awsprof: by its name, or this
/// very binary under another name (a copy, a symlink; for
/// `awsprof-full`, the name the front was run as).
fn is_awsprof_here(program: &str) -> bool {
    let name = std::path::Path::new(program).file_name();
    let own = std::env::current_exe().ok();
    let run_as = std::env::args_os().next().map(std::path::PathBuf::from);
    crate::profiles::command_line::is_awsprof(program)
        || name.is_some()
            && [own, run_as]
                .iter()
                .flatten()
                .any(|p| p.file_name() == name)
}

/// Refuses a `credential_process` loop through awsprof, from the files,
/// naming it as the runtime refusal does.
pub fn refuse_process_loop(files: &ProfileFiles, profile: &str, chain: &Chain) -> Result<()> {
    process_loop(&files.set, profile, chain, &is_awsprof_here).map_err(|cycle| {
        let origin = files
            .set
            .profile(&chain.base.profile)
            .and_then(|p| p.property(keys::CREDENTIAL_PROCESS))
            .map(|p| format!("{}: ", files.origin_path(p.origin)))
            .unwrap_or_default();
        Error::Config(format!(
            "{origin}credential_process calls awsprof for a profile already on the way: {}; point credential_process at a profile with its own credentials",
            loop_text(&cycle)
        ))
    })
}
