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
    /// Back to the file only: the profiles whose vault lines still name
    /// the item, which is kept for them.
    pub kept_for: Vec<String>,
    /// Back to the file only: the file held the key already (an earlier
    /// move back was cut short), and only the item was left to remove.
    pub leftover: bool,
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
            kept_for: Vec::new(),
            leftover: false,
        });
    }
    Ok((moved, applied))
}

/// Writes `key` as `item` and reads it back; an item that holds another
/// key is not overwritten.
fn store_checked(store: &dyn KeyStore, item: &str, key: &StoredKey) -> Result<()> {
    if let Some(held) = store.get(item)?.filter(|held| held != key) {
        return Err(Error::Usage(format!(
            "the {} store already holds another key ({}) as `{item}`; move that one back to a file first (`awsprof vault move --to-file`)",
            store.kind().name(),
            crate::secret::mask_key_id(&held.access_key_id)
        )));
    }
    put_key(store, item, key, true)
        .map(drop)
        .map_err(|e| match e {
            Error::Vault(VaultError::Unavailable(why)) => Error::Vault(VaultError::Unavailable(
                format!("{why}; the credentials file was left as it is"),
            )),
            other => other,
        })
}

/// Where a profile's long-term keys are in the vault.
pub struct Holder {
    pub item: String,
    /// The keys are in a `NAME-keys` profile of their own.
    pub split: bool,
    pub store: Box<dyn KeyStore>,
}

impl Holder {
    /// The key the item holds; a missing item is an error that names it.
    pub fn key(&self, profile: &str) -> Result<StoredKey> {
        self.store.get(&self.item)?.ok_or_else(|| {
            Error::Usage(format!(
                "profile `{profile}` takes its keys from vault item `{}`, which the {} store does not hold",
                self.item,
                self.store.kind().name()
            ))
        })
    }
}

/// The vault place of `profile`'s keys, when its keys are in the vault
/// (its own vault line, or its split `NAME-keys` profile's).
pub fn holder_of(files: &ProfileFiles, profile: &str) -> Result<Option<Holder>> {
    let Some((item, store, split)) = vault_item_of(files, profile) else {
        return Ok(None);
    };
    let store = crate::vault::open_named(store.as_deref())?;
    Ok(Some(Holder { item, split, store }))
}

/// Writes `key` as `item` and reads it back; whether anything changed.
/// An item that holds another key is replaced only with `force`.
pub fn put_key(store: &dyn KeyStore, item: &str, key: &StoredKey, force: bool) -> Result<bool> {
    match store.get(item)? {
        Some(held) if held == *key => return Ok(false),
        Some(held) if !force => return Err(held_another(store, item, &held)),
        _ => {}
    }
    store.put_verified(item, key)?;
    Ok(true)
}

/// A key written into a profile whose keys live in the vault.
pub struct VaultWrite {
    pub item: String,
    pub store: StoreKind,
    /// False when the item held this key already.
    pub changed: bool,
    /// The key the item held before, kept as `ITEM.previous` (masked id):
    /// a replaced key is never lost, as the file's backups keep theirs.
    pub previous: Option<String>,
}

impl VaultWrite {
    /// What a command says of it, beside the file changes it reports.
    pub fn note(&self, profile: &str, id: &str) -> String {
        let (key, store, item) = (
            crate::secret::mask_key_id(id),
            self.store.name(),
            &self.item,
        );
        let kept = match &self.previous {
            Some(old) => format!("; the key it replaced, {old}, is kept as `{}` (`awsprof vault delete {}` once you no longer need it)", previous(item), previous(item)),
            None => String::new(),
        };
        match self.changed {
            true => format!("[{profile}]: key {key} stored in the {store} store as `{item}`, where the profile's keys live (the credentials file holds none){kept}"),
            false => format!("[{profile}]: the {store} store holds key {key} as `{item}` already"),
        }
    }
}

/// For a command that writes a key into `profile` (key import, configure,
/// iam create-user): when the profile's keys live in the vault the key
/// goes there, never into the file, and the caller edits only the rest;
/// `None` when the keys live in the file. Called inside the transaction,
/// so that the profile is judged as the lock holds it.
pub fn put_if_vaulted(
    files: &ProfileFiles,
    profile: &str,
    key: &StoredKey,
    force: bool,
    dry_run: bool,
) -> Result<Option<VaultWrite>> {
    let Some(holder) = holder_of(files, profile)? else {
        return Ok(None);
    };
    crate::edits::check_key_shape(&key.access_key_id, key.secret_access_key.expose())?;
    let store = holder.store.as_ref();
    let held = store.get(&holder.item)?;
    let replaced = match held {
        Some(held) if held == *key => {
            return Ok(Some(VaultWrite {
                store: store.kind(),
                item: holder.item,
                changed: false,
                previous: None,
            }))
        }
        Some(held) if !force => return Err(held_another(store, &holder.item, &held)),
        other => other,
    };
    if !dry_run {
        if let Some(old) = &replaced {
            store.put_verified(&previous(&holder.item), old)?;
        }
        store.put_verified(&holder.item, key)?;
    }
    Ok(Some(VaultWrite {
        store: store.kind(),
        item: holder.item,
        changed: true,
        previous: replaced.map(|old| crate::secret::mask_key_id(&old.access_key_id)),
    }))
}

/// Where a replaced key is kept.
fn previous(item: &str) -> String {
    format!("{item}.previous")
}

fn held_another(store: &dyn KeyStore, item: &str, held: &StoredKey) -> Error {
    Error::Usage(format!(
        "the {} store already holds another key ({}) as `{item}`; pass --force to replace it",
        store.kind().name(),
        crate::secret::mask_key_id(&held.access_key_id)
    ))
}

/// The keys of `names` back into the credentials file.
pub fn move_out_of_vault(request: &MoveRequest) -> Result<(Vec<Moved>, Applied<Vec<EditResult>>)> {
    let files = ProfileFiles::load(request.locations)?;
    let mut moving = Vec::new();
    for name in request.names {
        crate::edits::require_profile(&files, name)?;
        let Some(holder) = holder_of(&files, name)? else {
            // A move back cut short after the file was written: the item
            // is left over, and this run finishes the move.
            if let Some((holder, key)) = leftover(&files, name, request.store)? {
                moving.push((name.clone(), holder, key, true));
                continue;
            }
            return Err(Error::Usage(format!(
                "profile `{name}` does not take its keys from awsprof's vault"
            )));
        };
        let key = holder.key(name)?;
        moving.push((name.clone(), holder, key, false));
    }
    std::mem::forget(files);
    let applied = edit_files(request, |files| {
        moving
            .iter()
            .map(|(name, _, key, finished)| {
                if *finished {
                    return Ok(EditResult::unchanged(format!("`{name}` holds its key")));
                }
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
    // An item another profile's vault line still names stays in the store.
    let after = ProfileFiles::load(request.locations)?;
    for (profile, holder, key, leftover) in moving {
        let naming = profiles_naming(&after, &holder.item);
        let kept_for = if request.dry_run || !naming.is_empty() {
            naming
        } else {
            holder.store.delete(&holder.item)?;
            Vec::new()
        };
        moved.push(Moved {
            profile,
            item: holder.item,
            store: holder.store.kind(),
            access_key_id: key.access_key_id,
            split: holder.split,
            scrubbed: Vec::new(),
            kept_for,
            leftover,
        });
    }
    Ok((moved, applied))
}

/// The item an interrupted move back left: `NAME` or `NAME-keys` in the
/// store, holding the very key the profile holds in the file, named by
/// no vault line.
fn leftover(
    files: &ProfileFiles,
    name: &str,
    store: Option<StoreKind>,
) -> Result<Option<(Holder, StoredKey)>> {
    let Ok(in_file) = crate::operations::rotate::static_keys(files, name) else {
        return Ok(None);
    };
    let store = open(store)?;
    for (item, split) in [(format!("{name}-keys"), true), (name.to_string(), false)] {
        let Some(key) = store.get(&item)? else {
            continue;
        };
        let same = key.access_key_id == in_file.access_key_id
            && key.secret_access_key == in_file.secret_access_key;
        if same && profiles_naming(files, &item).is_empty() {
            return Ok(Some((Holder { item, split, store }, key)));
        }
    }
    Ok(None)
}

/// The profiles whose own vault line hands out key `id`, each item read
/// once; an item that cannot be read is passed over (lint names it).
pub fn vault_holders(files: &ProfileFiles, id: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (name, _) in files.set.profiles.iter() {
        let Some((item, store, false)) = vault_item_of(files, name) else {
            continue;
        };
        let held = crate::vault::open_named(store.as_deref()).and_then(|s| s.get(&item));
        if let Ok(Some(key)) = held {
            if key.access_key_id == id {
                found.push(name.to_string());
            }
        }
    }
    found
}

/// A profile's long-term keys, from the vault when they live there, else
/// from the file.
pub fn long_term_keys(files: &ProfileFiles, profile: &str) -> Result<crate::aws::Creds> {
    match holder_of(files, profile)? {
        Some(holder) => {
            let key = holder.key(profile)?;
            Ok(crate::aws::Creds {
                access_key_id: key.access_key_id,
                secret_access_key: key.secret_access_key,
                session_token: None,
                expiration: None,
            })
        }
        None => crate::operations::rotate::static_keys(files, profile),
    }
}

/// The profiles whose vault line hands out `item`.
pub fn profiles_naming(files: &ProfileFiles, item: &str) -> Vec<String> {
    files
        .set
        .profiles
        .iter()
        .filter(|(_, p)| {
            p.get(crate::profiles::keys::CREDENTIAL_PROCESS)
                .and_then(crate::profiles::command_line::vault_reference)
                .is_some_and(|vault| vault.item == item)
        })
        .map(|(name, _)| name.to_string())
        .collect()
}

/// `vault delete`: the item out of the store; refused while a vault line
/// names it unless `force`. Whether there was one, and who named it.
pub fn delete_item(
    files: &ProfileFiles,
    item: &str,
    store: Option<StoreKind>,
    force: bool,
) -> Result<(bool, Vec<String>)> {
    let naming = profiles_naming(files, item);
    if !naming.is_empty() && !force {
        return Err(Error::Usage(format!(
            "profiles {} take their keys from `{item}`; move them back first (`awsprof vault move NAME --to-file`), or pass --force",
            naming.join(", ")
        )));
    }
    let store = open(store)?;
    Ok((store.delete(item)?, naming))
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
