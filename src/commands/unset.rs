//! `awsprof profile unset NAME KEY`

use super::{apply, report, Context};
use crate::cli::WriteArgs;
use crate::edits;
use crate::error::Result;

pub fn run(ctx: &Context, profile: &str, key: &str, write: WriteArgs) -> Result<()> {
    edits::check_unset(profile, key)?;
    let applied = apply(ctx, write.dry_run, Some(&[profile]), |files| {
        edits::unset(files, profile, key)
    })?;
    report::edit(ctx, profile, &applied, write.dry_run);
    Ok(())
}
