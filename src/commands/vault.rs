//! `awsprof vault move|get|list`: the protocols in `operations::vault`.

use super::{export, print_json, report::backup_line, table, Context};
use crate::aws::Creds;
use crate::cli::{VaultCommand, VaultStore};
use crate::edits::vault_item_of;
use crate::error::{Error, Result};
use crate::export::Format;
use crate::operations::vault::{delete_item, get, move_into_vault, move_out_of_vault, MoveRequest};
use crate::secret::mask_key_id;
use crate::vault::StoreKind;
use serde_json::json;

fn kind(store: Option<VaultStore>) -> Option<StoreKind> {
    store.map(|s| match s {
        VaultStore::Os => StoreKind::Os,
        VaultStore::File => StoreKind::File,
    })
}

pub fn run(ctx: &Context, cmd: VaultCommand) -> Result<()> {
    match cmd {
        VaultCommand::Move {
            names,
            store,
            to_file,
            write,
        } => {
            let program = crate::front::program_path()
                .map_err(|e| Error::Usage(format!("cannot find this program's path: {e}")))?;
            let (program, files) = (program.display().to_string(), ctx.store());
            let request = MoveRequest {
                names: &names,
                store: kind(store),
                dry_run: write.dry_run,
                program: &program,
                files: &files,
                locations: &ctx.locations,
            };
            let (moved, applied) = if to_file {
                move_out_of_vault(&request)?
            } else {
                move_into_vault(&request)?
            };
            for warning in applied.value.iter().flat_map(|r| &r.warnings) {
                crate::errln!("awsprof: warning: {warning}");
            }
            let backup = applied.written.backup.as_ref().map(|m| m.id.clone());
            if ctx.json() {
                let list: Vec<_> = moved.iter().map(|m| json!({"profile": m.profile, "item": m.item, "store": m.store.name(), "access_key_id": mask_key_id(&m.access_key_id), "keys_profile": m.split.then_some(&m.item), "scrubbed_backups": m.scrubbed, "item_kept_for": m.kept_for})).collect();
                print_json(
                    &json!({"moved": list, "to_file": to_file, "dry_run": write.dry_run, "backup": backup, "diff": applied.diffs.join("")}),
                );
                return Ok(());
            }
            let mut out = String::new();
            for m in &moved {
                let (store, key) = (m.store.name(), mask_key_id(&m.access_key_id));
                out.push_str(&match (to_file, m.split) {
                    (false, false) => format!("[{}]: key {key} moved into the {store} store; the profile runs `vault get {}`\n", m.profile, m.item),
                    (false, true) => format!("[{}]: key {key} moved into the {store} store, through a profile of its own, [{}] (a profile may be its own source_profile only while it holds keys)\n", m.profile, m.item),
                    (true, _) if m.leftover => format!("[{}]: {} held key {key} already; the item `{}` an interrupted move back left in the {store} store is removed\n", m.profile, ctx.locations.credentials.display(), m.item),
                    (true, _) => format!("[{}]: key {key} moved back into {} from the {store} store\n", m.profile, ctx.locations.credentials.display()),
                });
                if !m.kept_for.is_empty() {
                    out.push_str(&format!(
                        "  the item `{}` stays in the store: {} still take their keys from it\n",
                        m.item,
                        m.kept_for.join(", ")
                    ));
                }
            }
            if write.dry_run {
                out.push_str(&applied.diffs.join(""));
                out.push_str("(dry run: nothing was written or stored)\n");
            }
            let scrubbed: std::collections::BTreeSet<&String> =
                moved.iter().flat_map(|m| &m.scrubbed).collect();
            if !scrubbed.is_empty() {
                out.push_str(&format!(
                    "The secret was scrubbed from {}: each now holds a marker where it was.\n",
                    super::count(scrubbed.len(), "backup", "backups")
                ));
            }
            out.push_str(&backup_line(backup.as_deref()));
            crate::out!("{out}");
            Ok(())
        }
        VaultCommand::Get { item, store } => {
            let key = get(&item, kind(store))?;
            let creds = Creds {
                access_key_id: key.access_key_id,
                secret_access_key: key.secret_access_key,
                session_token: None,
                expiration: None,
            };
            export::print(&creds, Format::Process, &item)
        }
        VaultCommand::List => list(ctx),
        VaultCommand::Unlock { lasting } => {
            let (path, until) = crate::vault::FileStore::locate().unlock(lasting)?;
            let until = crate::isotime::format(until);
            match ctx.json() {
                true => print_json(&json!({"unlocked_until": until, "kept_in": path.display().to_string()})),
                false => crate::outln!("The file store is unlocked until {until} (its key is kept in {}, 0600; `awsprof vault lock` forgets it now).", path.display()),
            }
            Ok(())
        }
        VaultCommand::Delete { item, store, force } => {
            let files = ctx.load()?;
            let (deleted, naming) = delete_item(&files, &item, kind(store), force)?;
            if ctx.json() {
                print_json(&json!({"item": item, "deleted": deleted, "named_by": naming}));
            } else if deleted {
                crate::outln!("Deleted `{item}` from the store (the key stays active in IAM until you deactivate it).");
                if !naming.is_empty() {
                    crate::errln!("awsprof: warning: {} no longer resolve", naming.join(", "));
                }
            } else {
                crate::outln!("The store holds no item `{item}`; nothing to delete.");
            }
            Ok(())
        }
        VaultCommand::Lock => {
            let was = crate::vault::FileStore::locate().lock()?;
            match ctx.json() {
                true => print_json(&json!({"was_unlocked": was})),
                false if was => crate::outln!(
                    "The file store is locked: its passphrase is asked on the next use."
                ),
                false => crate::outln!("The file store was not unlocked."),
            }
            Ok(())
        }
    }
}

fn list(ctx: &Context) -> Result<()> {
    let files = ctx.load()?;
    let mut rows = vec![["PROFILE", "STORE", "ITEM", "KEY", "USED BY"]
        .map(String::from)
        .to_vec()];
    let mut items = Vec::new();
    for (name, _) in files.set.profiles.iter() {
        let Some((item, store, false)) = vault_item_of(&files, name) else {
            continue;
        };
        let key = crate::vault::open_named(store.as_deref())
            .and_then(|opened| opened.get(&item))
            .map_err(Error::from)
            .and_then(|key| key.ok_or_else(|| Error::Usage("no such item".into())))
            .map(|k| mask_key_id(&k.access_key_id))
            .unwrap_or_else(|e| format!("(missing: {e})"));
        let users = crate::edits::standing_on(&files, name);
        rows.push(vec![
            name.to_string(),
            store.clone().unwrap_or_else(|| "default".into()),
            item.clone(),
            key.clone(),
            users.join(", "),
        ]);
        items.push(json!({"profile": name, "store": store, "item": item, "access_key_id": key, "used_by": users}));
    }
    match ctx.json() {
        true => print_json(&json!({"items": items})),
        false if items.is_empty() => crate::outln!(
            "No profile takes its keys from the vault; `awsprof vault move NAME` moves them there."
        ),
        false => crate::out!("{}", table(&rows)),
    }
    Ok(())
}
