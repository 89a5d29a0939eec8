//! `awsprof profile list`

use super::{leave_to_exit, print_json, Context};
use crate::error::Result;
use crate::profiles::ProfileFiles;

pub fn run(ctx: &Context, show_secrets: bool) -> Result<()> {
    if ctx.json() {
        let files = ctx.load()?;
        print_json(&files.set.to_json(show_secrets));
        leave_to_exit(files);
        return Ok(());
    }
    let names = ProfileFiles::profile_names(&ctx.locations)?;
    let mut out = String::with_capacity(names.iter().map(|name| name.len() + 1).sum());
    for name in &names {
        out.push_str(name);
        out.push('\n');
    }
    // Not `out!`, which would format the whole list into a second copy.
    crate::terminal::write_stdout(&out);
    leave_to_exit(names);
    Ok(())
}
