//! `awsprof key import NAME [FILE|-]`: the key a user has in hand, stored
//! without ever being pasted or printed.

use crate::cli::WriteArgs;
use crate::commands::{apply, report, Context};
use crate::edits;
use crate::error::{Error, Result};
use crate::operations::vault::put_if_vaulted;
use crate::profiles::keys::{check_value, OUTPUT, REGION};
use crate::vault::StoredKey;
use std::io::Read;
use std::path::PathBuf;

pub fn run(
    ctx: &Context,
    profile: &str,
    input: Option<PathBuf>,
    force: bool,
    region: Option<String>,
    output_format: Option<String>,
    write: WriteArgs,
) -> Result<()> {
    edits::check_profile_name(profile)?;
    let settings: Vec<(&str, &str)> = [(REGION, &region), (OUTPUT, &output_format)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect();
    for (key, value) in &settings {
        check_value(key, value).map_err(Error::Usage)?;
    }
    let (label, text) = read_input(input)?;
    let key = crate::keyinput::parse(&text).map_err(|e| {
        Error::Usage(format!(
            "{label}:{}: {}; nothing was written",
            e.line, e.message
        ))
    })?;
    let stored = StoredKey {
        access_key_id: key.access_key_id.clone(),
        secret_access_key: key.secret_access_key.clone(),
    };
    let applied = apply(ctx, write.dry_run, Some(&[profile]), |files| {
        // A profile whose keys live in the vault gets the key there.
        let vaulted = put_if_vaulted(files, profile, &stored, force, write.dry_run)?;
        let in_file = vaulted
            .is_none()
            .then(|| (key.access_key_id.as_str(), key.secret_access_key.expose()));
        let mut result = edits::import_key(files, profile, in_file, force, &settings)?;
        if let Some(vaulted) = vaulted {
            let note = vaulted.note(profile, &key.access_key_id);
            if vaulted.changed {
                result.unchanged_because = None;
                result.notes.push(note);
            } else if result.changes.is_empty() {
                result.unchanged_because = Some(note);
            }
        }
        Ok(result)
    })?;
    report::edit(ctx, profile, &applied, write.dry_run);
    Ok(())
}

/// The input's name for messages, and its text.
fn read_input(input: Option<PathBuf>) -> Result<(String, String)> {
    match input.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|source| Error::File {
                path: path.clone(),
                action: "read",
                source,
            })?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::Usage(format!("{}: not UTF-8 text", path.display())))?;
            Ok((path.display().to_string(), text))
        }
        None if crate::terminal::stdin_is_terminal() => {
            let text = crate::terminal::read_stdin_hidden(
                "Paste the JSON from `aws iam create-access-key` or the console's CSV, then press Ctrl-D (not echoed):\n",
            )
            .map_err(|e| Error::Usage(format!("cannot read the key from the terminal: {e}")))?;
            Ok(("<terminal>".to_string(), text))
        }
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::Usage(format!("cannot read standard input: {e}")))?;
            Ok(("<stdin>".to_string(), text))
        }
    }
}
