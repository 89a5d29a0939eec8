//! `awsprof profile whoami NAME`: run the chain, ask STS who we are.

use super::{arrive, print_json, runtime, selected_profile, Context};
use crate::aws::caller_identity;
use crate::cli::AwsArgs;
use crate::error::{Error, Result};

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
                crate::errln!("{}: {who}{cached}", step.step);
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
