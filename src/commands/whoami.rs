//! `awsprof profile whoami NAME`: run the chain, ask STS who we are.

use super::{arrive, named_profile, print_json, runtime, Context};
use crate::aws::caller_identity;
use crate::aws::{resolve_settings, Creds};
use crate::cli::AwsArgs;
use crate::error::{Error, Result};
use crate::profiles::ProfileSet;
use crate::secret::Secret;

pub fn run(ctx: &Context, name: Option<String>, verbose: bool, args: AwsArgs) -> Result<()> {
    let profile = match named_profile(name) {
        Some(profile) => profile,
        None => match environment_credentials() {
            Some(creds) => return from_environment(ctx, &creds, &args),
            None => "default".to_string(),
        },
    };
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
                let expires = step
                    .creds
                    .expiration
                    .map(|at| format!(" (expires {})", crate::isotime::format_for_display(at)))
                    .unwrap_or_default();
                let cached = if step.from_cache { " [cached]" } else { "" };
                crate::errln!("{}: {who}{expires}{cached}", step.step);
            }
        }
        Ok::<_, Error>(arrived)
    })?;
    if ctx.json() {
        print_json(&serde_json::to_value(&arrived.identity).expect("identity serializes"));
    } else {
        crate::outln!("{}", arrived.identity.arn);
    }
    Ok(())
}

/// The keys in `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and the
/// session token), which every AWS tool uses before any profile.
fn environment_credentials() -> Option<Creds> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(Creds {
        access_key_id: var("AWS_ACCESS_KEY_ID")?,
        secret_access_key: Secret::new(var("AWS_SECRET_ACCESS_KEY")?),
        session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
        expiration: None,
    })
}

/// No profile named anywhere, keys in the environment: who they are.
fn from_environment(ctx: &Context, creds: &Creds, args: &AwsArgs) -> Result<()> {
    let settings = resolve_settings(&args.into(), &ProfileSet::default(), "");
    let identity = runtime()?
        .block_on(caller_identity(creds, &settings))
        .map_err(|error| {
            Error::from(crate::aws::RunError {
                step: "the environment's keys (AWS_ACCESS_KEY_ID)".into(),
                error: error.at_endpoint("STS", &settings.sts_url()),
            })
        })?;
    if ctx.json() {
        let mut fields = serde_json::to_value(&identity).expect("identity serializes");
        fields["source"] = "environment".into();
        print_json(&fields);
    } else {
        crate::errln!("awsprof: no profile named; these are the keys from the environment (AWS_ACCESS_KEY_ID)");
        crate::outln!("{}", identity.arn);
    }
    Ok(())
}
