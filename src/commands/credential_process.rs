//! `awsprof credential-process NAME`: the command to put in a profile as
//! `credential_process`, so that every SDK uses awsprof's chain and cache.
//! On the path of every AWS call: with a warm cache it reads the files and
//! one cache entry, and starts no async runtime.

use super::{credentials, export, Context};
use crate::cli::CredentialProcessArgs;
use crate::error::Result;
use crate::export::Format;

pub fn run(ctx: &Context, args: CredentialProcessArgs) -> Result<()> {
    credentials::check_stack(&args.name)?;
    let (creds, _) = credentials::reach(ctx, &args.name, &args.aws)?;
    export::print(&creds, Format::Process, &args.name)
}

/// [`run`] when the credentials are at hand, without the async runtime
/// or any AWS client; `None` (having printed nothing) when only running
/// the chain would reach them.
pub fn run_at_hand(ctx: &Context, args: &CredentialProcessArgs) -> Option<Result<()>> {
    credentials::check_stack(&args.name)
        .and_then(|()| credentials::reach_at_hand(ctx, &args.name, &args.aws))
        .transpose()
        .map(|reached| {
            reached.and_then(|(creds, _)| export::print(&creds, Format::Process, &args.name))
        })
}
