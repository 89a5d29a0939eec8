//! `awsprof profile set NAME KEY VALUE`

use super::{apply, report, Context};
use crate::cli::{FileArg, WriteArgs};
use crate::edits;
use crate::error::{Error, Result};
use std::io::Read;

pub fn run(
    ctx: &Context,
    profile: &str,
    key: &str,
    value: &str,
    file: Option<FileArg>,
    guard: edits::Guard,
    write: WriteArgs,
) -> Result<()> {
    let value = read_value(profile, key, value)?;
    let key = edits::check_set(profile, key, &value)?;
    let mut profiles = vec![profile];
    if key == crate::profiles::keys::SOURCE_PROFILE {
        profiles.push(&value);
    }
    let applied = apply(ctx, write.dry_run, Some(&profiles), |files| {
        edits::set_checked(files, profile, &key, &value, file.map(Into::into), &guard)
    })?;
    report::edit(ctx, profile, &applied, write.dry_run);
    Ok(())
}

/// The value as given, or (for `-`) standard input without its final
/// line break; on a terminal, a prompt (without echo for a secret).
fn read_value(profile: &str, key: &str, value: &str) -> Result<String> {
    if value != "-" {
        return Ok(value.to_string());
    }
    if crate::terminal::stdin_is_terminal() {
        let question = format!("{key} for profile {profile}: ");
        let answer = if crate::profiles::is_secret_key(key) {
            crate::terminal::ask_secret(&question)
        } else {
            crate::terminal::ask(&question)
        };
        return answer
            .map_err(|e| Error::Usage(format!("cannot read the value from the terminal: {e}")));
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Error::Usage(format!("cannot read the value from standard input: {e}")))?;
    Ok(input.trim_end_matches(['\n', '\r']).to_string())
}
