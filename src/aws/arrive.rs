//! A chain run to its end, and who the final credentials are.

use super::run::{caller_identity, run_chain, Identity, Reached, RunError};
use super::Settings;
use crate::chain::Chain;

/// The chain run to its end, and who the final credentials are.
pub struct Arrived {
    pub chain: Chain,
    pub settings: Settings,
    pub reached: Vec<Reached>,
    pub identity: Identity,
}

/// Runs `chain`, then calls GetCallerIdentity with what it reached.
/// Failures name the step: `tanaka -> toy-role: AccessDenied: ...`.
pub async fn arrive(
    chain: Chain,
    settings: Settings,
    on_step: impl FnMut(&Reached),
) -> Result<Arrived, RunError> {
    let reached = run_chain(&chain, &settings, on_step).await?;
    let last = reached.last().expect("a chain reaches at least its base");
    let identity = caller_identity(&last.creds, &settings)
        .await
        .map_err(|error| RunError {
            step: format!("{}: GetCallerIdentity", last.step),
            error: error.at_endpoint("STS", &settings.sts_url()),
        })?;
    Ok(Arrived {
        chain,
        settings,
        reached,
        identity,
    })
}

/// The single-threaded runtime the AWS commands run on; the file
/// commands never start one.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
