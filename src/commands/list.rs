//! `awsprof profile list`

use super::{leave_to_exit, print_json, Context};
use crate::error::Result;

pub fn run(ctx: &Context, show_secrets: bool) -> Result<()> {
    let files = ctx.load()?;
    if ctx.json() {
        print_json(&files.set.to_json(show_secrets));
    } else {
        let mut out = String::new();
        for name in files.set.profiles.keys() {
            out.push_str(name);
            out.push('\n');
        }
        crate::out!("{out}");
    }
    leave_to_exit(files);
    Ok(())
}
