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
