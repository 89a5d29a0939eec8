//! `awsprof profile list`

use super::{print_json, Context};
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
        print!("{out}");
    }
    // The process ends right after this; freeing tens of thousands of small
    // allocations one by one would only delay it.
    std::mem::forget(files);
    Ok(())
}
