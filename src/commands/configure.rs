//! `awsprof profile configure NAME`: the walkthrough's step 2. On a
//! terminal it prompts like `aws configure` (the secret without echo, each
//! current value masked, Enter keeps it); else it takes flags. Keys go to
//! the credentials file, region and output to the config file, in one
//! transaction with one backup.

use super::{apply, report, Context};
use crate::cli::ConfigureArgs;
use crate::edits;
use crate::error::{Error, Result};
use crate::operations::vault::{holder_of, put_if_vaulted, VaultWrite};
use crate::profiles::keys::{
    check_value, is_secret_key, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, OUTPUT, REGION,
};
use crate::secret::{mask_key_id, Secret};
use crate::vault::StoredKey;
use std::io::Read;

pub fn run(ctx: &Context, args: ConfigureArgs) -> Result<()> {
    edits::check_profile_name(&args.name)?;
    let by_flags = args.access_key_id.is_some()
        || args.secret_access_key_stdin
        || args.region.is_some()
        || args.output_format.is_some();
    let values: Vec<(&'static str, String)> = if by_flags {
        let mut values = Vec::new();
        if let Some(id) = args.access_key_id {
            values.push((AWS_ACCESS_KEY_ID, id));
        }
        if args.secret_access_key_stdin {
            let secret = if crate::terminal::stdin_is_terminal() {
                crate::terminal::ask_secret("AWS Secret Access Key: ").map_err(|e| {
                    Error::Usage(format!("cannot read the secret from the terminal: {e}"))
                })?
            } else {
                let mut secret = String::new();
                std::io::stdin().read_to_string(&mut secret).map_err(|e| {
                    Error::Usage(format!("cannot read the secret from standard input: {e}"))
                })?;
                secret
            };
            values.push((AWS_SECRET_ACCESS_KEY, secret.trim().to_string()));
        }
        values.extend(args.region.map(|v| (REGION, v)));
        values.extend(args.output_format.map(|v| (OUTPUT, v)));
        values
    } else {
        prompt(ctx, &args.name)?
    };
    for (key, value) in &values {
        check_value(key, value).map_err(Error::Usage)?;
    }
    let applied = apply(
        ctx,
        args.write.dry_run,
        Some(&[args.name.as_str()]),
        |files| {
            let mut result = edits::EditResult::default();
            let vaulted = into_vault(files, &args.name, &values, args.write.dry_run)?;
            for (key, value) in &values {
                if vaulted.is_some() && (*key == AWS_ACCESS_KEY_ID || *key == AWS_SECRET_ACCESS_KEY)
                {
                    continue;
                }
                let set = edits::set(files, &args.name, key, value, None)?;
                result.changes.extend(set.changes);
                result.notes.extend(set.notes);
            }
            // Judged once, on the files as the whole transaction leaves them.
            result.warnings = edits::resolve_warnings(files, &args.name);
            if let Some((vaulted, id)) = &vaulted {
                result.notes.push(vaulted.note(&args.name, id));
            }
            let vault_changed = vaulted.as_ref().is_some_and(|(v, _)| v.changed);
            if result.changes.is_empty() && !vault_changed {
                result.unchanged_because =
                    Some(format!("profile `{}` already has these values", args.name));
            }
            Ok(result)
        },
    )?;
    report::edit(ctx, &args.name, &applied, args.write.dry_run);
    Ok(())
}

/// When the profile's keys live in the vault, the key given (either half,
/// the other kept from the vault) goes there; `None` when they live in
/// the file or no key was given.
fn into_vault(
    files: &crate::profiles::ProfileFiles,
    profile: &str,
    values: &[(&'static str, String)],
    dry_run: bool,
) -> Result<Option<(VaultWrite, String)>> {
    let given = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v);
    let (id, secret) = (given(AWS_ACCESS_KEY_ID), given(AWS_SECRET_ACCESS_KEY));
    if id.is_none() && secret.is_none() {
        return Ok(None);
    }
    let Some(holder) = holder_of(files, profile)? else {
        return Ok(None);
    };
    let held = holder.store.get(&holder.item)?;
    let key = StoredKey {
        access_key_id: match (id, &held) {
            (Some(id), _) => id.clone(),
            (None, Some(held)) => held.access_key_id.clone(),
            (None, None) => return Err(half_a_key(profile)),
        },
        secret_access_key: match (secret, held) {
            (Some(secret), _) => Secret::new(secret),
            (None, Some(held)) => held.secret_access_key,
            (None, None) => return Err(half_a_key(profile)),
        },
    };
    let written = put_if_vaulted(files, profile, &key, true, dry_run)?;
    Ok(written.map(|w| (w, key.access_key_id)))
}

fn half_a_key(profile: &str) -> Error {
    Error::Usage(format!(
        "profile `{profile}` keeps its keys in awsprof's vault, whose item is empty: give both --access-key-id and --secret-access-key-stdin"
    ))
}

/// Asks for each value on the controlling terminal.
fn prompt(ctx: &Context, profile: &str) -> Result<Vec<(&'static str, String)>> {
    let no_terminal = |e: std::io::Error| {
        Error::Usage(format!(
            "no terminal to ask on ({e}); pass --access-key-id, --secret-access-key-stdin, --region or --output-format"
        ))
    };
    crate::terminal::available().map_err(no_terminal)?;
    let files = ctx.load()?;
    let held = holder_of(&files, profile)?
        .map(|holder| holder.store.get(&holder.item))
        .transpose()?
        .flatten();
    let current = |key: &str| {
        let in_vault = held.as_ref().and_then(|held| match key {
            AWS_ACCESS_KEY_ID => Some(format!(
                "{} (in the vault)",
                mask_key_id(&held.access_key_id)
            )),
            AWS_SECRET_ACCESS_KEY => Some("**** (in the vault)".to_string()),
            _ => None,
        });
        if let Some(shown) = in_vault {
            return shown;
        }
        files
            .set
            .profile(profile)
            .and_then(|p| p.get(key))
            .map(|v| {
                if is_secret_key(key) || key == AWS_ACCESS_KEY_ID {
                    mask_key_id(v)
                } else {
                    v.to_string()
                }
            })
            .unwrap_or_else(|| "None".to_string())
    };
    let mut values = Vec::new();
    for (key, label) in [
        (AWS_ACCESS_KEY_ID, "AWS Access Key ID"),
        (AWS_SECRET_ACCESS_KEY, "AWS Secret Access Key"),
        (REGION, "Default region name"),
        (OUTPUT, "Default output format"),
    ] {
        let question = format!("{label} [{}]: ", current(key));
        let answer = if is_secret_key(key) {
            crate::terminal::ask_secret(&question)
        } else {
            crate::terminal::ask(&question)
        }
        .map_err(no_terminal)?;
        if !answer.is_empty() {
            values.push((key, answer.to_string()));
        }
    }
    crate::commands::leave_to_exit(files);
    Ok(values)
}
