//! `profile rename | copy | delete` on a profile whose keys live in the
//! vault: the item goes with the profile. Rename and copy write the key
//! under its new item name and read it back before the files name it
//! (a crash leaves the key in at least the old item, and a run again
//! finishes); the old item goes only once no vault line names it.

use super::vault::{holder_of, profiles_naming, put_key, Holder};
use crate::edits::{self, EditResult};
use crate::error::{Error, Result};
use crate::operations::{apply, crash_point, Applied};
use crate::profiles::command_line::vault_line_naming;
use crate::profiles::keys::CREDENTIAL_PROCESS;
use crate::profiles::{FileKind, Locations, ProfileFiles};
use crate::store::Store;
use crate::vault::{KeyStore, StoreKind};

pub struct Scope<'a> {
    pub store: &'a Store,
    pub locations: &'a Locations,
    pub dry_run: bool,
}

impl Scope<'_> {
    fn apply(
        &self,
        edit: impl FnMut(&mut ProfileFiles) -> Result<EditResult>,
    ) -> Result<Applied<EditResult>> {
        apply(self.store, self.locations, self.dry_run, None, edit)
    }
}

/// A vault item that went with a profile.
pub struct Carried {
    pub store: StoreKind,
    pub from: String,
    /// `None`: the item was left where it is (delete only).
    pub to: Option<String>,
    /// The item was copied (for `profile copy`), not moved.
    pub copied: bool,
    /// The old item was removed from the store.
    pub removed: bool,
    /// Profiles whose vault lines still name the old item, so it stays.
    pub kept_for: Vec<String>,
}

/// The profile that holds the vault line, and the item it should name
/// once `profile` is called `new`: the profile itself, or its split
/// `NAME-keys` profile (renamed along when `NEW-keys` is free).
struct Plan {
    holder: Holder,
    /// The new item was written by this run (and goes if the edit fails).
    created: bool,
    line_profile: String,
    new_line_profile: String,
    new_item: String,
}

/// What to carry, or why nothing is: a store that cannot be asked, or an
/// item it lacks, leaves the vault line naming the item it names, which
/// works as well after the edit as before (said in a note).
fn plan(files: &ProfileFiles, profile: &str, new: &str) -> (Option<Plan>, Option<String>) {
    let holder = match holder_of(files, profile) {
        Ok(Some(holder)) => holder,
        Ok(None) => return (None, None),
        Err(e) => return (None, Some(e.to_string())),
    };
    let (line_profile, new_line_profile) = match holder.split {
        false => (profile.to_string(), new.to_string()),
        true => (format!("{profile}-keys"), format!("{new}-keys")),
    };
    // Items awsprof did not name after their profile are left as named.
    if holder.item != line_profile
        || (holder.split && files.set.profile(&new_line_profile).is_some())
    {
        return (None, None);
    }
    let plan = Plan {
        holder,
        created: false,
        line_profile,
        new_item: new_line_profile.clone(),
        new_line_profile,
    };
    (Some(plan), None)
}

/// Writes the key under its new item, read back, before any file names
/// it; whether this wrote it.
fn copy_item(plan: &Plan, profile: &str, dry_run: bool) -> Result<bool> {
    let (store, item) = (plan.holder.store.as_ref(), &plan.new_item);
    let key = plan.holder.key(profile)?;
    if let Some(other) = store.get(item)?.filter(|held| *held != key) {
        return Err(Error::Usage(format!(
            "the {} store already holds another key ({}) as `{item}`",
            store.kind().name(),
            crate::secret::mask_key_id(&other.access_key_id)
        )));
    }
    if dry_run {
        return Ok(false);
    }
    let created = put_key(store, item, &key, true)?;
    crash_point("carried");
    Ok(created)
}

/// The edit failed (a name taken, a file that does not parse): the item
/// written for it goes again, so that no key is left under a name no
/// profile uses.
fn undo(plan: &Option<Plan>) {
    if let Some(plan) = plan.as_ref().filter(|p| p.created) {
        plan.holder.store.delete(&plan.new_item).ok();
    }
}

/// Runs `edit` in a transaction whose files also say what to carry
/// (`plan_of`). Most profiles hold no vault item: the edit is made at
/// once. Where one is to be carried, that transaction writes nothing; the
/// key is written under its new item outside the files' lock (a store may
/// ask for a passphrase) and read back, and `edit` runs again with the
/// plan, or with why nothing was carried.
fn apply_carrying(
    files: &Scope,
    profile: &str,
    plan_of: impl Fn(&ProfileFiles) -> (Option<Plan>, Option<String>),
    mut edit: impl FnMut(&mut ProfileFiles, Option<&Plan>, Option<&str>) -> Result<EditResult>,
) -> Result<(Applied<EditResult>, Option<Plan>)> {
    let mut planned = None;
    let applied = files.apply(|edited| {
        let (plan, why) = plan_of(edited);
        if plan.is_some() {
            planned = plan;
            return Ok(EditResult::default());
        }
        edit(edited, None, why.as_deref())
    })?;
    let Some(mut plan) = planned else {
        return Ok((applied, None));
    };
    let (plan, why) = match copy_item(&plan, profile, files.dry_run) {
        Ok(created) => {
            plan.created = created;
            (Some(plan), None)
        }
        Err(e) => (None, Some(e.to_string())),
    };
    let applied = files.apply(|edited| edit(edited, plan.as_ref(), why.as_deref()));
    let applied = applied.inspect_err(|_| undo(&plan))?;
    Ok((applied, plan))
}

fn not_carried(why: &str) -> String {
    format!("The vault item was not carried along ({why}); the vault line still names the item it named, which keeps working.")
}

/// Points `profile`'s vault line at `item`.
fn repoint_line(files: &mut ProfileFiles, profile: &str, item: &str) -> Result<EditResult> {
    let line = files
        .set
        .profile(profile)
        .and_then(|p| p.get(CREDENTIAL_PROCESS))
        .and_then(|line| vault_line_naming(line, item));
    let Some(line) = line else {
        return Ok(EditResult::default());
    };
    let changes =
        edits::set_everywhere(files, profile, CREDENTIAL_PROCESS, &line, FileKind::Config);
    files.reparse()?;
    Ok(EditResult::changed(changes, Vec::new()))
}

/// Removes `item` once no vault line names it.
fn retire(store: &dyn KeyStore, files: &Scope, item: &str) -> Result<(bool, Vec<String>)> {
    if files.dry_run {
        return Ok((false, Vec::new()));
    }
    let after = ProfileFiles::load(files.locations)?;
    let naming = profiles_naming(&after, item);
    std::mem::forget(after);
    if !naming.is_empty() {
        return Ok((false, naming));
    }
    Ok((store.delete(item)?, Vec::new()))
}

fn merge(into: &mut EditResult, more: EditResult) {
    into.changes.extend(more.changes);
    into.warnings.extend(more.warnings);
    into.notes.extend(more.notes);
}

pub fn rename(
    files: &Scope,
    old: &str,
    new: &str,
) -> Result<(Applied<EditResult>, Option<Carried>)> {
    edits::check_profile_name(new)?;
    let plan_of = |files: &ProfileFiles| plan(files, old, new);
    let (applied, plan) = apply_carrying(files, old, plan_of, |edited, plan, why| {
        let mut result = edits::rename(edited, old, new)?;
        result.notes.extend(why.map(not_carried));
        if let Some(plan) = plan.filter(|p| p.holder.split) {
            merge(
                &mut result,
                edits::rename(edited, &plan.line_profile, &plan.new_line_profile)?,
            );
        }
        if let Some(plan) = plan {
            merge(
                &mut result,
                repoint_line(edited, &plan.new_line_profile, &plan.new_item)?,
            );
        }
        Ok(result)
    })?;
    let carried = match plan {
        Some(plan) => {
            let store = plan.holder.store.as_ref();
            let (removed, kept_for) = retire(store, files, &plan.holder.item)?;
            Some(Carried {
                store: store.kind(),
                from: plan.holder.item.clone(),
                to: Some(plan.new_item),
                copied: false,
                removed,
                kept_for,
            })
        }
        None => None,
    };
    Ok((applied, carried))
}

/// A copy with its keys gets a copy of the item under its own name, so
/// that moving either profile's keys back to the file leaves the other
/// working; a copy `--without-keys` gets no vault line at all.
pub fn copy(
    files: &Scope,
    src: &str,
    dst: &str,
    without_keys: bool,
) -> Result<(Applied<EditResult>, Option<Carried>)> {
    edits::check_profile_name(dst)?;
    // A split profile's copy stands on the same `NAME-keys` profile, as
    // any profile may: nothing to carry.
    let plan_of = |files: &ProfileFiles| {
        let split = || {
            holder_of(files, src)
                .ok()
                .flatten()
                .is_some_and(|h| h.split)
        };
        match without_keys || split() {
            true => (None, None),
            false => plan(files, src, dst),
        }
    };
    let (applied, plan) = apply_carrying(files, src, plan_of, |edited, plan, why| {
        let mut result = edits::copy(edited, src, dst, without_keys)?;
        result.notes.extend(why.map(not_carried));
        if let Some(plan) = plan {
            merge(&mut result, repoint_line(edited, dst, &plan.new_item)?);
        }
        Ok(result)
    })?;
    let carried = plan.map(|plan| Carried {
        store: plan.holder.store.kind(),
        from: plan.holder.item,
        to: Some(plan.new_item),
        copied: true,
        removed: false,
        kept_for: Vec::new(),
    });
    Ok((applied, carried))
}

/// Deletes the profile; its vault item (when no other vault line names
/// it) is removed only when `remove_item` says so once it is known
/// which key would go: the caller asks the user.
pub fn delete(
    files: &Scope,
    name: &str,
    force: bool,
    remove_item: &mut dyn FnMut(&str, StoreKind, &str) -> Result<bool>,
) -> Result<(Applied<EditResult>, Option<Carried>)> {
    let mut holder = None;
    let applied = files.apply(|edited| {
        // A store that cannot be asked keeps the item: the profile still goes.
        holder = holder_of(edited, name).ok().flatten().filter(|h| !h.split);
        edits::delete(edited, name, force)
    })?;
    let Some(holder) = holder else {
        return Ok((applied, None));
    };
    let store = holder.store.as_ref();
    let (mut removed, mut kept_for) = (false, Vec::new());
    if !files.dry_run {
        let after = ProfileFiles::load(files.locations)?;
        kept_for = profiles_naming(&after, &holder.item);
        std::mem::forget(after);
        let key = store.get(&holder.item).ok().flatten();
        if let Some(key) = key.filter(|_| kept_for.is_empty()) {
            if remove_item(&holder.item, store.kind(), &key.access_key_id)? {
                removed = store.delete(&holder.item)?;
            }
        }
    }
    Ok((
        applied,
        Some(Carried {
            store: store.kind(),
            from: holder.item.clone(),
            to: None,
            copied: false,
            removed,
            kept_for,
        }),
    ))
}
