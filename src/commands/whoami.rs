//! `awsprof profile whoami NAME`: run the chain, ask STS who we are.

use super::{chain_error, print_json, selected_profile, Context};
use crate::aws::{caller_identity, resolve_settings, run_chain, Identity, Reached, Settings};
use crate::chain::{resolve, Chain};
use crate::cli::AwsArgs;
use crate::error::{Error, Result};

/// The chain run to its end, and who the final credentials are.
pub struct Arrived {
    pub chain: Chain,
    pub settings: Settings,
    pub reached: Vec<Reached>,
    pub identity: Identity,
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Aws(format!("cannot start the async runtime: {e}")))
}

/// Resolves and runs `profile`'s chain, then calls GetCallerIdentity.
/// Failures name the step: `tanaka -> toy-role: AccessDenied: ...`.
pub async fn arrive(
    ctx: &Context,
    profile: &str,
    args: &AwsArgs,
    mut on_step: impl FnMut(&Reached),
) -> Result<Arrived> {
    let files = ctx.load()?;
    let chain = resolve(&files.set, profile).map_err(|e| chain_error(&files, e))?;
    let settings = resolve_settings(args, &files.set, profile);
    let reached = run_chain(&chain, &settings, &mut on_step)
        .await
        .map_err(|e| Error::Aws(e.to_string()))?;
    let last = reached.last().expect("a chain reaches at least its base");
    let identity = caller_identity(&last.creds, &settings)
        .await
        .map_err(|e| Error::Aws(format!("{}: GetCallerIdentity: {e}", last.step)))?;
    Ok(Arrived {
        chain,
        settings,
        reached,
        identity,
    })
}

pub fn run(ctx: &Context, name: Option<String>, verbose: bool, args: AwsArgs) -> Result<()> {
    let profile = selected_profile(name);
    let rt = runtime()?;
    let arrived = rt.block_on(async {
        let mut steps = Vec::new();
        let arrived = arrive(ctx, &profile, &args, |r| steps.push(r.clone())).await?;
        if verbose {
            for step in &steps {
                let who = match caller_identity(&step.creds, &arrived.settings).await {
                    Ok(id) => id.arn,
                    Err(e) => format!("(GetCallerIdentity failed: {e})"),
                };
                let cached = if step.from_cache { " [cached]" } else { "" };
                eprintln!("{}: {who}{cached}", step.step);
            }
        }
        Ok::<_, Error>(arrived)
    })?;
    if ctx.json() {
        print_json(&serde_json::to_value(&arrived.identity).expect("identity serializes"));
    } else {
        println!("{}", arrived.identity.arn);
    }
    Ok(())
}
