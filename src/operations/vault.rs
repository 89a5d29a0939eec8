//! Moving long-term keys between the credentials file and the vault.
//!
//! Into the vault: each key is written to the store and read back before
//! the file is rewritten (one transaction for every profile named), so a
//! crash at any step leaves each key in at least one place, and a run
//! again finishes the move. Back to the file: the file is written first,
//! then the items are deleted.

use crate::edits::{move_in, move_out, plan_move_in, vault_item_of, EditResult, VaultPlan};
use crate::error::{Error, Result};
use crate::operations::{apply, crash_point, Applied};
use crate::profiles::command_line::vault_line;
use crate::profiles::{Locations, ProfileFiles};
use crate::secret::Secret;
use crate::store::Store;
use crate::vault::{open, KeyStore, StoreKind, StoredKey, VaultError};

pub struct MoveRequest<'a> {
    pub names: &'a [String],
    pub store: Option<StoreKind>,
    pub dry_run: bool,
    /// The program the vault line runs (this binary).
    pub program: &'a str,
    pub files: &'a Store,
    pub locations: &'a Locations,
}

/// One profile's keys, moved.
pub struct Moved {
    pub profile: String,
    pub item: String,
    pub store: StoreKind,
    pub access_key_id: String,
    /// The keys went to a `NAME-keys` profile of their own.
    pub split: bool,
    /// The backups the secret was scrubbed from (into the vault only).
    pub scrubbed: Vec<String>,
}

/// One transaction over the files for the profiles of `request`.
fn edit_files(
    request: &MoveRequest,
    edit: impl FnMut(&mut ProfileFiles) -> Result<Vec<EditResult>>,
) -> Result<Applied<Vec<EditResult>>> {
    let names: Vec<&str> = request.names.iter().map(String::as_str).collect();
    apply(
        request.files,
        request.locations,
        request.dry_run,
        Some(&names),
        edit,
    )
}

/// The keys of `names` into the vault.
pub fn move_into_vault(request: &MoveRequest) -> Result<(Vec<Moved>, Applied<Vec<EditResult>>)> {
    let files = ProfileFiles::load(request.locations)?;
    let mut plans: Vec<(VaultPlan, Secret)> = Vec::new();
    for name in request.names {
        let (plan, secret) = plan_move_in(&files, name)?;
        plans.push((plan, Secret::new(secret)));
    }
    std::mem::forget(files);
    let store = open(request.store)?;
    let line = |plan: &VaultPlan| vault_line(request.program, &plan.item, store.kind().name());
    if !request.dry_run {
        for (plan, secret) in &plans {
            let key = StoredKey {
                access_key_id: plan.access_key_id.clone(),
                secret_access_key: secret.clone(),
            };
            store_checked(store.as_ref(), &plan.item, &key)?;
        }
        crash_point("stored");
    }
    let applied = edit_files(request, |files| {
        plans
            .iter()
            .map(|(plan, _)| move_in(files, plan, &line(plan)))
            .collect()
    })?;
    let mut moved = Vec::new();
    for (plan, secret) in plans {
        // Every backup held the secret in plaintext, the one just taken
        // included: each is rewritten with a marker in its place.
        let scrubbed = if request.dry_run {
            Vec::new()
        } else {
            let marker = format!("(moved to awsprof's vault: {})", plan.item);
            let backups = &request.files.backups;
            backups.scrub(&plan.access_key_id, secret.expose(), &marker)?
        };
        moved.push(Moved {
            profile: plan.profile,
            item: plan.item,
            store: store.kind(),
            access_key_id: plan.access_key_id,
            split: plan.split,
            scrubbed,
        });
    }
    Ok((moved, applied))
}

/// Writes `key` as `item` and reads it back; an item that holds another
/// key is not overwritten.
fn store_checked(store: &dyn KeyStore, item: &str, key: &StoredKey) -> Result<()> {
    match store.get(item)? {
        Some(held) if held == *key => return Ok(()),
        Some(held) => {
            return Err(Error::Usage(format!(
                "the {} store already holds another key ({}) as `{item}`; move that one back to a file first (`awsprof vault move --to-file`)",
                store.kind().name(),
                crate::secret::mask_key_id(&held.access_key_id)
            )))
        }
        None => {}
    }
    store.put_verified(item, key).map_err(|e| match e {
        VaultError::Unavailable(why) => {
            VaultError::Unavailable(format!("{why}; the credentials file was left as it is"))
        }
        other => other,
    })?;
    Ok(())
}

/// The keys of `names` back into the credentials file.
pub fn move_out_of_vault(request: &MoveRequest) -> Result<(Vec<Moved>, Applied<Vec<EditResult>>)> {
    let files = ProfileFiles::load(request.locations)?;
    let mut moving = Vec::new();
    for name in request.names {
        crate::edits::require_profile(&files, name)?;
        let Some((item, store_name, split)) = vault_item_of(&files, name) else {
            return Err(Error::Usage(format!(
                "profile `{name}` does not take its keys from awsprof's vault"
            )));
        };
        let kind = store_name
            .as_deref()
            .and_then(StoreKind::parse)
            .or(request.store);
        let store = open(kind)?;
        let Some(key) = store.get(&item)? else {
            return Err(Error::Usage(format!(
                "the {} store has no item `{item}` for profile `{name}`; nothing to move back",
                store.kind().name()
            )));
        };
        moving.push((name.clone(), item, split, store, key));
    }
    std::mem::forget(files);
    let applied = edit_files(request, |files| {
        moving
            .iter()
            .map(|(name, _, _, _, key)| {
                move_out(
                    files,
                    name,
                    &key.access_key_id,
                    key.secret_access_key.expose(),
                )
            })
            .collect()
    })?;
    crash_point("restored");
    let mut moved = Vec::new();
    for (profile, item, split, store, key) in moving {
        if !request.dry_run {
            store.delete(&item)?;
        }
        moved.push(Moved {
            profile,
            item,
            store: store.kind(),
            access_key_id: key.access_key_id,
            split,
            scrubbed: Vec::new(),
        });
    }
    Ok((moved, applied))
}

/// An item's keys, for `vault get` (the credential_process protocol).
pub fn get(item: &str, store: Option<StoreKind>) -> Result<StoredKey> {
    let store = open(store)?;
    store.get(item)?.ok_or_else(|| {
        Error::Vault(crate::vault::VaultError::Unavailable(format!(
            "the {} store has no item `{item}`; `awsprof vault list` shows what it holds",
            store.kind().name()
        )))
    })
}
