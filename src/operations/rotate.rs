//! Key rotation: a new key in place of the old one, without
//! ever leaving the user without a working key. In order: check, create
//! the new key and record it in a journal before anything else, write it
//! through the store, prove it works, retire the old key, drop the
//! journal. Run again after a crash at any step, it finishes from the
//! journal: no third key, the same new secret.

use crate::aws::iam::{Iam, IamError};
use crate::aws::retry::{not_yet_known, retry_while};
use crate::aws::{caller_identity, Creds, Settings};
use crate::edits::{check_profile_name, holders, replace_key, EditResult};
use crate::error::{Error, Result};
use crate::operations::{apply, crash_point};
use crate::profiles::keys::{AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY};
use crate::profiles::{FileKind, Locations, ProfileFiles};
use crate::secret::{mask_key_id, Secret};
use crate::store::{Journal, Store};
use crate::vault::{KeyStore, StoreKind, StoredKey};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use tokio::runtime::Runtime;

/// How long a new key may be refused while IAM catches up.
const PROVE_WITHIN: Duration = Duration::from_secs(30);

/// What becomes of the old key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retire {
    Delete,
    Deactivate,
    Keep,
}

impl Retire {
    /// What a dry run says becomes of the old key.
    pub fn planned(self) -> &'static str {
        match self {
            Retire::Delete => "deactivate, then delete",
            Retire::Deactivate => "deactivate",
            Retire::Keep => "leave Active",
        }
    }

    pub fn from_flags(keep_old: bool, no_deactivate: bool) -> Retire {
        match (keep_old, no_deactivate) {
            (_, true) => Retire::Keep,
            (true, false) => Retire::Deactivate,
            (false, false) => Retire::Delete,
        }
    }
}

/// A rotation under way, as the journal holds it (the `AccessKey` part is
/// what `aws iam create-access-key` prints, so `key import` reads it).
struct Rotation {
    profile: String,
    /// The credentials file the rotation writes: a journal for another
    /// file is not resumed here.
    credentials_file: String,
    user: String,
    old_id: String,
    new_id: String,
    new_secret: Secret,
    /// Where the keys live when the profile's keys are in the vault: the
    /// new key is written there, and until then it waits in the store as
    /// a pending item, never in the journal.
    vault: Option<VaultPlace>,
}

/// A profile's vault item and its store.
#[derive(Clone)]
struct VaultPlace {
    item: String,
    store: StoreKind,
}

impl VaultPlace {
    /// The item the new key waits in while the rotation is under way.
    fn pending(&self) -> String {
        format!("{}.rotating", self.item)
    }

    fn store(&self) -> Result<Box<dyn KeyStore>> {
        Ok(crate::vault::open(Some(self.store))?)
    }
}

impl Rotation {
    fn to_json(&self) -> Value {
        let mut access_key = json!({
            "UserName": self.user,
            "AccessKeyId": self.new_id,
            "Status": "Active",
        });
        let vault = self.vault.as_ref().map(|place| {
            json!({"item": place.item, "store": place.store.name(), "pending_item": place.pending()})
        });
        if vault.is_none() {
            access_key["SecretAccessKey"] = json!(self.new_secret.expose());
        }
        json!({
            "profile": self.profile,
            "credentials_file": self.credentials_file,
            "user": self.user,
            "old_key_id": self.old_id,
            "AccessKey": access_key,
            "vault": vault,
        })
    }

    /// A journal read back; for a vaulted profile the new secret comes
    /// from the store's pending item.
    fn from_json(v: &Value) -> Option<Rotation> {
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(String::from);
        let vault = match s("/vault/item") {
            Some(item) => Some(VaultPlace {
                item,
                store: StoreKind::parse(&s("/vault/store")?)?,
            }),
            None => None,
        };
        let new_secret = match &vault {
            Some(place) => {
                let pending = place.store().ok()?.get(&place.pending()).ok()??;
                (pending.access_key_id == s("/AccessKey/AccessKeyId")?)
                    .then_some(pending.secret_access_key)?
            }
            None => Secret::new(s("/AccessKey/SecretAccessKey")?),
        };
        let rotation = Rotation {
            profile: s("/profile")?,
            credentials_file: s("/credentials_file")?,
            user: s("/user")?,
            old_id: s("/old_key_id")?,
            new_id: s("/AccessKey/AccessKeyId")?,
            new_secret,
            vault,
        };
        let shaped = crate::profiles::values::check_access_key_id(&rotation.old_id).is_ok()
            && crate::profiles::values::check_access_key_id(&rotation.new_id).is_ok()
            && crate::profiles::values::check_secret_text(rotation.new_secret.expose()).is_ok();
        shaped.then_some(rotation)
    }

    fn new_creds(&self) -> Creds {
        Creds {
            access_key_id: self.new_id.clone(),
            secret_access_key: self.new_secret.clone(),
            session_token: None,
            expiration: None,
        }
    }
}

/// The journal entry for a profile's rotation.
fn entry(profile: &str) -> String {
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("rotate-{safe}")
}

/// A refusal, named by the step it stopped.
fn at_step(step: &str, e: impl std::fmt::Display, after: &str) -> Error {
    Error::Aws(format!("{step}: {e}{after}"))
}

/// A rotation to run, or to plan (`dry_run`).
pub struct RotateRequest<'a> {
    pub profile: &'a str,
    pub retire: Retire,
    pub dry_run: bool,
    /// The credentials that make the IAM calls (`--admin`); else the
    /// profile's own keys.
    pub admin: Option<Creds>,
    pub settings: &'a Settings,
    pub files: ProfileFiles,
    pub store: &'a Store,
    pub locations: &'a Locations,
}

pub enum RotateOutcome {
    /// A dry run: what would happen.
    Planned {
        user: String,
        /// The profiles that hold the key.
        holders: Vec<String>,
    },
    Rotated(Rotated),
}

pub struct Rotated {
    pub user: String,
    pub old_id: String,
    pub new_id: String,
    /// Finished from a journal left by an earlier run.
    pub resumed: bool,
    pub journal: PathBuf,
    /// The profiles now holding the new key; empty when the files already
    /// held it.
    pub written_to: Vec<String>,
    /// What became of the old key.
    pub retired: &'static str,
    pub backup: Option<String>,
    /// Backups that hold the old key, marked so that a restore asks.
    pub holding_old: Vec<String>,
}

/// Runs (or resumes) the rotation of `request.profile`'s key.
pub fn rotate(rt: &Runtime, request: RotateRequest) -> Result<RotateOutcome> {
    let RotateRequest {
        profile,
        retire,
        dry_run,
        admin,
        settings,
        files,
        store,
        locations,
    } = request;
    check_profile_name(profile)?;
    let journal = Journal::locate();
    let entry = entry(profile);
    let pending = journal
        .read(&entry)?
        .map(|v| {
            Rotation::from_json(&v).ok_or_else(|| {
                Error::Config(format!(
                    "{}: not a rotation journal awsprof can read; move it away to start over",
                    journal.path(&entry).display()
                ))
            })
        })
        .transpose()?;
    if let Some(pending) = &pending {
        let today = locations.credentials.display().to_string();
        if pending.profile != profile || pending.credentials_file != today {
            return Err(Error::Config(format!(
                "{}: this rotation journal is for profile `{}` in {}, not `{profile}` in {today}; it is not resumed here. Finish it with the settings it was started with, or move it away to start over",
                journal.path(&entry).display(),
                crate::terminal::escape_controls(&pending.profile),
                crate::terminal::escape_controls(&pending.credentials_file),
            )));
        }
    }
    let resumed = pending.is_some();
    let rotation = match pending {
        Some(rotation) => rotation,
        None => {
            let vault = vaulted(&files, profile)?;
            let creds = match &vault {
                Some((_, key)) => Creds {
                    access_key_id: key.access_key_id.clone(),
                    secret_access_key: key.secret_access_key.clone(),
                    session_token: None,
                    expiration: None,
                },
                None => static_keys(&files, profile)?,
            };
            let in_credentials = files
                .set
                .profile(profile)
                .and_then(|p| p.property(AWS_ACCESS_KEY_ID))
                .is_some_and(|p| p.origin.file == FileKind::Credentials);
            if vault.is_none() && !in_credentials {
                return Err(Error::Usage(format!(
                    "profile `{profile}` keeps its access key in the config file; move it to the credentials file first (`awsprof key import`)"
                )));
            }
            let plan = rt.block_on(check(&creds, admin.as_ref(), settings, profile))?;
            if dry_run {
                let holders = holders(&files, &creds.access_key_id);
                return Ok(RotateOutcome::Planned {
                    user: plan.user,
                    holders,
                });
            }
            let new = rt
                .block_on(
                    Iam::new(admin.as_ref().unwrap_or(&creds), settings)
                        .create_access_key(&plan.user),
                )
                .map_err(|e| at_step("step 2, create the new key", e, "; nothing was changed"))?;
            let rotation = Rotation {
                profile: profile.to_string(),
                credentials_file: locations.credentials.display().to_string(),
                user: plan.user,
                old_id: creds.access_key_id,
                new_id: new.id,
                new_secret: new.secret,
                vault: vault.map(|(place, _)| place),
            };
            if let Some(place) = &rotation.vault {
                // The new secret waits in the store, not in the journal.
                let pending = StoredKey {
                    access_key_id: rotation.new_id.clone(),
                    secret_access_key: rotation.new_secret.clone(),
                };
                place.store()?.put_verified(&place.pending(), &pending)?;
            }
            journal.write(&entry, &rotation.to_json())?;
            crash_point("created");
            rotation
        }
    };
    if dry_run {
        return Err(Error::Usage(format!(
            "a rotation of profile `{profile}` is under way ({}); run `awsprof key rotate {profile}` to finish it",
            journal.path(&entry).display()
        )));
    }
    std::mem::forget(files);
    let kept = journal.path(&entry);
    let still = format!(
        "; the new key {} is kept in {}, run `awsprof key rotate {profile}` again to finish",
        mask_key_id(&rotation.new_id),
        kept.display()
    );

    let (written_to, backup) = match &rotation.vault {
        Some(place) => {
            let new = StoredKey {
                access_key_id: rotation.new_id.clone(),
                secret_access_key: rotation.new_secret.clone(),
            };
            place
                .store()?
                .put_verified(&place.item, &new)
                .map_err(crate::error::Error::from)
                .inspect_err(|_| {
                    crate::errln!(
                        "awsprof: step 3, write the new key into the vault, failed{still}"
                    );
                })?;
            (vec![profile.to_string()], None)
        }
        None => {
            let applied = apply(store, locations, false, None, |files| {
                write_new_key(files, &rotation, &kept)
            })
            .inspect_err(|_| {
                // The error keeps its own type (and so its exit code); what
                // to do next is said beside it.
                crate::errln!("awsprof: step 3, write the new key, failed{still}");
            })?;
            let (result, profiles) = applied.value;
            let written_to = if result.changes.is_empty() {
                Vec::new()
            } else {
                profiles
            };
            (written_to, applied.written.backup.map(|m| m.id))
        }
    };
    crash_point("written");

    let new_creds = rotation.new_creds();
    rt.block_on(retry_while(
        PROVE_WITHIN,
        Duration::from_millis(500),
        not_yet_known,
        || caller_identity(&new_creds, settings),
    ))
    .map_err(|e| {
        at_step(
            "step 4, prove the new key works (sts:GetCallerIdentity)",
            e,
            &still,
        )
    })?;

    crash_point("proved");

    let iam = Iam::new(admin.as_ref().unwrap_or(&new_creds), settings);
    let gone = |r: std::result::Result<(), IamError>| match r {
        Err(e) if e.not_found() => Ok(()),
        other => other,
    };
    let old = mask_key_id(&rotation.old_id);
    let retired = rt.block_on(async {
        if retire == Retire::Keep {
            return Ok("left Active (--no-deactivate)");
        }
        gone(
            iam.set_key_active(&rotation.user, &rotation.old_id, false)
                .await,
        )
        .map_err(|e| at_step("step 5, deactivate the old key", e, &still))?;
        crash_point("deactivated");
        if retire == Retire::Deactivate {
            return Ok("made Inactive (--keep-old)");
        }
        gone(
            iam.delete_access_key(&rotation.user, &rotation.old_id)
                .await,
        )
        .map_err(|e| {
            at_step(
                "step 5, delete the old key",
                e,
                &format!("; the old key {old} is Inactive and the file holds the new key{still}"),
            )
        })?;
        Ok::<_, Error>("deleted")
    })?;
    journal.remove(&entry)?;
    if let Some(place) = &rotation.vault {
        place.store()?.delete(&place.pending())?;
    }
    // Every backup that holds the old key now holds a dead (or disabled)
    // one: marked, so that a restore asks before putting it back.
    let holding_old = if retire == Retire::Keep {
        Vec::new()
    } else {
        store.backups.mark_retired(&rotation.old_id)?
    };

    Ok(RotateOutcome::Rotated(Rotated {
        user: rotation.user,
        old_id: rotation.old_id,
        new_id: rotation.new_id,
        resumed,
        journal: kept,
        written_to,
        retired,
        backup,
        holding_old,
    }))
}

/// The vault place and key of a profile whose keys are in the vault.
fn vaulted(files: &ProfileFiles, profile: &str) -> Result<Option<(VaultPlace, StoredKey)>> {
    let Some(holder) = crate::operations::vault::holder_of(files, profile)? else {
        return Ok(None);
    };
    let key = holder.key(profile)?;
    let place = VaultPlace {
        store: holder.store.kind(),
        item: holder.item,
    };
    Ok(Some((place, key)))
}

struct Plan {
    user: String,
}

/// Step 1: the keys belong to an IAM user who has a free key slot.
async fn check(
    creds: &Creds,
    admin: Option<&Creds>,
    settings: &Settings,
    profile: &str,
) -> Result<Plan> {
    let (user, _) = user_of(creds, settings, profile).await?;
    let keys = Iam::new(admin.unwrap_or(creds), settings)
        .list_access_keys(&user)
        .await
        .map_err(|e| {
            let after = format!("; nothing was changed{}", admin_hint(&e, admin.is_some()));
            at_step("step 1, check the user's keys", e, &after)
        })?;
    if keys.len() >= 2 {
        let other = keys
            .iter()
            .find(|k| k.id != creds.access_key_id)
            .map(|k| k.id.clone())
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "IAM user {user} already has two access keys, the most IAM allows: this one and {} ({}); delete the other first: `aws iam delete-access-key --user-name {user} --access-key-id {other}`. Nothing was changed",
            mask_key_id(&other),
            if keys.iter().any(|k| k.id == other && k.active) { "Active" } else { "Inactive" },
        )));
    }
    Ok(Plan { user })
}

/// Step 3: the new key in place of the old one, in every profile that
/// holds it; nothing to do when the files hold the new key already.
fn write_new_key(
    files: &mut crate::profiles::ProfileFiles,
    rotation: &Rotation,
    kept: &std::path::Path,
) -> Result<(EditResult, Vec<String>)> {
    if !holders(files, &rotation.old_id).is_empty() {
        return replace_key(
            files,
            &rotation.old_id,
            &rotation.new_id,
            rotation.new_secret.expose(),
        );
    }
    let with_new = holders(files, &rotation.new_id);
    if !with_new.is_empty() {
        return Ok((
            EditResult::unchanged("the files hold the new key already".into()),
            with_new,
        ));
    }
    Err(Error::Usage(format!(
        "neither the old key {} nor the new key {} is in the files any more; store the new one with `awsprof key import {} {}`",
        mask_key_id(&rotation.old_id),
        mask_key_id(&rotation.new_id),
        rotation.profile,
        kept.display()
    )))
}

/// The static keys a profile holds itself (not what its chain reaches).
pub fn static_keys(files: &ProfileFiles, profile: &str) -> Result<Creds> {
    let p = crate::edits::require_profile(files, profile)?;
    match (p.get(AWS_ACCESS_KEY_ID), p.get(AWS_SECRET_ACCESS_KEY)) {
        (Some(id), Some(secret)) => Ok(Creds {
            access_key_id: id.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: None,
            expiration: None,
        }),
        _ => Err(Error::Usage(format!(
            "profile `{profile}` holds no access key of its own (aws_access_key_id and aws_secret_access_key); `awsprof key import {profile}` stores one"
        ))),
    }
}

/// The IAM user name of `creds`, from GetCallerIdentity.
pub async fn user_of(
    creds: &Creds,
    settings: &Settings,
    profile: &str,
) -> Result<(String, String)> {
    let identity = crate::aws::caller_identity(creds, settings)
        .await
        .map_err(|e| Error::Aws(format!("{profile}: sts:GetCallerIdentity: {e}")))?;
    match identity.arn.split_once(":user/") {
        Some((_, path)) => Ok((
            path.rsplit('/').next().unwrap_or(path).to_string(),
            identity.arn.clone(),
        )),
        None => Err(Error::Usage(format!(
            "the keys of profile `{profile}` belong to {}, not an IAM user; only IAM users' keys can be listed or rotated",
            identity.arn
        ))),
    }
}

/// The hint beside an IAM refusal of the profile's own keys.
pub fn admin_hint(e: &crate::aws::iam::IamError, admin: bool) -> &'static str {
    if e.denied() && !admin {
        "; the profile's own keys may not manage keys: pass --admin PROFILE to make the IAM calls as an admin"
    } else {
        ""
    }
}
