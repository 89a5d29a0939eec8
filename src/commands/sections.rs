//! `profile rename | copy | delete` and `sso-session rename | delete`:
//! whole sections, with every reference kept right, all files at once.

use super::{apply, report, Context};
use crate::cli::{ServicesCommand, SsoSessionCommand, VaultItemChoice, WriteArgs};
use crate::edits::{self, EditResult};
use crate::error::Result;
use crate::operations::{carry, Applied};
use crate::secret::mask_key_id;
use crate::store::Store;
use crate::vault::StoreKind;

pub fn rename(ctx: &Context, old: &str, new: &str, write: WriteArgs) -> Result<()> {
    let files = ctx.store();
    let scope = scope(ctx, &files, &write);
    let (applied, carried) = carry::rename(&scope, old, new)?;
    report::edit(ctx, old, &with_vault_note(applied, carried), write.dry_run);
    Ok(())
}

pub fn copy(
    ctx: &Context,
    src: &str,
    dst: &str,
    without_keys: bool,
    write: WriteArgs,
) -> Result<()> {
    let files = ctx.store();
    let scope = scope(ctx, &files, &write);
    let (applied, carried) = carry::copy(&scope, src, dst, without_keys)?;
    report::edit(ctx, dst, &with_vault_note(applied, carried), write.dry_run);
    Ok(())
}

pub fn delete(
    ctx: &Context,
    name: &str,
    force: bool,
    vault_item: Option<VaultItemChoice>,
    write: WriteArgs,
) -> Result<()> {
    let files = ctx.store();
    let scope = scope(ctx, &files, &write);
    let mut ask = |item: &str, store: StoreKind, id: &str| -> Result<bool> {
        Ok(match vault_item {
            Some(choice) => choice == VaultItemChoice::Delete,
            None if crate::terminal::available().is_ok() => {
                let question = format!(
                    "Delete key {} from the {} store (item `{item}`) too? It stays active in IAM until you deactivate it. [y/N] ",
                    mask_key_id(id),
                    store.name()
                );
                let answer = crate::terminal::ask(&question).unwrap_or_default();
                matches!(answer.trim(), "y" | "Y" | "yes")
            }
            None => false,
        })
    };
    let (applied, carried) = carry::delete(&scope, name, force, &mut ask)?;
    report::edit(ctx, name, &with_vault_note(applied, carried), write.dry_run);
    Ok(())
}

fn scope<'a>(ctx: &'a Context, files: &'a Store, write: &WriteArgs) -> carry::Scope<'a> {
    carry::Scope {
        store: files,
        locations: &ctx.locations,
        dry_run: write.dry_run,
    }
}

/// The edit's report, with a line for the vault item that went along.
fn with_vault_note(
    mut applied: Applied<EditResult>,
    carried: Option<carry::Carried>,
) -> Applied<EditResult> {
    let Some(c) = carried else {
        return applied;
    };
    let store = c.store.name();
    let note = match (&c.to, c.removed, c.kept_for.is_empty()) {
        (_, _, false) => format!(
            "The vault item `{}` stays in the {store} store: {} still take their keys from it.",
            c.from,
            c.kept_for.join(", ")
        ),
        (Some(to), _, _) if c.copied => format!(
            "The key was copied in the {store} store to item `{to}`, for the copy alone."
        ),
        (Some(to), _, _) if c.from != *to => {
            format!("The key went along in the {store} store: item `{}` is now `{to}`.", c.from)
        }
        (None, true, _) => format!("The key was deleted from the {store} store (item `{}`).", c.from),
        (None, false, _) => format!(
            "The key stays in the {store} store as item `{}`; `awsprof vault delete {} --store {store}` deletes it.",
            c.from, c.from
        ),
        _ => return applied,
    };
    applied.value.notes.push(note);
    applied
}

pub fn sso_session(ctx: &Context, cmd: SsoSessionCommand) -> Result<()> {
    let (name, dry_run, applied) = match cmd {
        SsoSessionCommand::Rename { old, new, write } => {
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::rename_sso_session(files, &old, &new)
            })?;
            (old, write.dry_run, applied)
        }
        SsoSessionCommand::Delete { name, force, write } => {
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::delete_sso_session(files, &name, force)
            })?;
            (name, write.dry_run, applied)
        }
    };
    report::edit(ctx, &format!("sso-session {name}"), &applied, dry_run);
    Ok(())
}

pub fn services(ctx: &Context, cmd: ServicesCommand) -> Result<()> {
    let (name, dry_run, applied) = match cmd {
        ServicesCommand::Set {
            name,
            key,
            value,
            write,
        } => {
            let key = key.to_ascii_lowercase();
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::set_service(files, &name, &key, &value)
            })?;
            (name, write.dry_run, applied)
        }
        ServicesCommand::Unset { name, key, write } => {
            let key = key.to_ascii_lowercase();
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::unset_service(files, &name, &key)
            })?;
            (name, write.dry_run, applied)
        }
    };
    report::edit(ctx, &format!("services {name}"), &applied, dry_run);
    Ok(())
}
