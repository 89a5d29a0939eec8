//! `awsprof profile list`

use super::{leave_to_exit, print_json, Context};
use crate::error::Result;
use crate::profiles::ProfileFiles;

pub fn run(ctx: &Context, show_secrets: bool) -> Result<()> {
    if ctx.json() {
        let files = ctx.load()?;
        print_json(&files.set.json_view(show_secrets));
        leave_to_exit(files);
        return Ok(());
    }
    let names = ProfileFiles::profile_names(&ctx.locations)?;
    crate::terminal::write_stdout(names.as_lines());
    Ok(())
}
