//! `awsprof profile remove-role NAME`

use super::{apply, report, Context};
use crate::cli::WriteArgs;
use crate::edits;
use crate::error::Result;

pub fn run(ctx: &Context, profile: &str, write: WriteArgs) -> Result<()> {
    let applied = apply(ctx, write.dry_run, Some(&[profile]), |files| {
        edits::remove_role(files, profile)
    })?;
    report::edit(ctx, profile, &applied, write.dry_run);
    Ok(())
}
