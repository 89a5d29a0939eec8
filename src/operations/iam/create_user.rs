//! `iam create-user`: the user (created and tagged, or found), a new
//! access key, and the key written straight into the profile. The secret
//! is journaled before the write, so that a failed write loses nothing.

use super::{Admin, Status, Steps};
use crate::aws::iam::NewKey;
use crate::aws::policy::check_iam_name;
use crate::edits::{check_profile_name, store_key, EditResult};
use crate::error::{Error, Result};
use crate::operations::apply;
use crate::operations::vault::put_if_vaulted;
use crate::profiles::keys::AWS_ACCESS_KEY_ID;
use crate::profiles::{Locations, ProfileFiles};
use crate::secret::mask_key_id;
use crate::store::{Journal, Store};
use crate::vault::StoredKey;
use serde_json::json;

pub struct CreateUserRequest {
    pub user: String,
    /// The profile the key goes into.
    pub profile: String,
    /// Replace a key the profile already holds.
    pub force: bool,
    pub dry_run: bool,
}

pub struct CreateUserOutcome {
    pub steps: Steps,
    pub user_arn: Option<String>,
    /// The new key's id (none in a dry run).
    pub key_id: Option<String>,
    /// The backup taken before the profile was written.
    pub backup: Option<String>,
    /// Where the key went when the profile's keys live in the vault.
    pub stored_in_vault: Option<String>,
}

impl CreateUserRequest {
    /// Refused before any call: bad names, or a profile that would lose
    /// the keys it has.
    pub fn check(&self, locations: &Locations) -> Result<()> {
        check_iam_name(&self.user, "user").map_err(Error::Usage)?;
        check_profile_name(&self.profile)?;
        let files = ProfileFiles::load(locations)?;
        let held = match crate::operations::vault::holder_of(&files, &self.profile)? {
            Some(holder) => holder.store.get(&holder.item)?.map(|key| key.access_key_id),
            None => files
                .set
                .profile(&self.profile)
                .and_then(|p| p.get(AWS_ACCESS_KEY_ID))
                .map(String::from),
        };
        match held {
            Some(held) if !self.force => Err(Error::Usage(format!(
                "profile `{}` already holds access key {}; pass --force to replace it, or --into-profile NAME",
                self.profile,
                mask_key_id(&held)
            ))),
            _ => Ok(()),
        }
    }
}

/// The IAM half: the user and its new key.
pub async fn create_user(
    admin: &Admin,
    request: &CreateUserRequest,
) -> Result<(Steps, Option<String>, Option<NewKey>)> {
    let iam = &admin.iam;
    let name = request.user.as_str();
    let mut steps = Steps::default();
    let user = match iam.get_user(name).await.map_err(admin.refused(&steps))? {
        Some(user) => {
            steps.push("iam:CreateUser", name, Status::Unchanged);
            Some(user)
        }
        None if request.dry_run => {
            steps.push("iam:CreateUser", name, Status::WouldRun);
            None
        }
        None => {
            let user = iam.create_user(name).await.map_err(admin.refused(&steps))?;
            steps.push("iam:CreateUser", name, Status::Done);
            Some(user)
        }
    };
    if user.is_some() {
        let keys = iam
            .list_access_keys(name)
            .await
            .map_err(admin.refused(&steps))?;
        if keys.len() >= 2 {
            let ids: Vec<String> = keys.iter().map(|k| mask_key_id(&k.id)).collect();
            return Err(Error::Usage(format!(
                "user {name} already has two access keys ({}), the most IAM allows; delete one first (`aws iam delete-access-key --user-name {name} --access-key-id ID`)",
                ids.join(", "),
            )));
        }
    }
    let arn = user.map(|u| u.arn);
    if request.dry_run {
        steps.push("iam:CreateAccessKey", name, Status::WouldRun);
        return Ok((steps, arn, None));
    }
    let key = iam
        .create_access_key(name)
        .await
        .map_err(admin.refused(&steps))?;
    steps.push("iam:CreateAccessKey", mask_key_id(&key.id), Status::Done);
    Ok((steps, arn, Some(key)))
}

/// The whole protocol: the IAM half, then the key journaled and written
/// into the profile through the store.
pub async fn create_user_into_profile(
    admin: &Admin,
    request: &CreateUserRequest,
    store: &Store,
    locations: &Locations,
) -> Result<CreateUserOutcome> {
    let (steps, user_arn, key) = create_user(admin, request).await?;
    let Some(key) = key else {
        return Ok(CreateUserOutcome {
            steps,
            user_arn,
            key_id: None,
            backup: None,
            stored_in_vault: None,
        });
    };
    // The secret exists only in memory now: recorded before the write, in
    // the shape `aws iam create-access-key` prints (`key import` reads it).
    let journal = Journal::locate();
    let entry = format!("new-key-{}-{}", request.user, key.id);
    let access_key = json!({"UserName": request.user, "AccessKeyId": key.id, "SecretAccessKey": key.secret.expose(), "Status": "Active"});
    let kept = journal.write(&entry, &json!({ "AccessKey": access_key }))?;
    let profile = request.profile.as_str();
    let stored = StoredKey {
        access_key_id: key.id.clone(),
        secret_access_key: key.secret.clone(),
    };
    let applied = apply(store, locations, false, Some(&[profile]), |files| {
        match put_if_vaulted(files, profile, &stored, request.force, false)? {
            Some(vaulted) => {
                let mut result = EditResult::unchanged(String::new());
                result.unchanged_because = None;
                result.notes.push(vaulted.note(profile, &key.id));
                Ok(result)
            }
            None => store_key(files, profile, &key.id, key.secret.expose(), request.force),
        }
    })
    .inspect_err(|_| {
        // The error keeps its own type (and so its exit code); where the
        // key is kept is said beside it.
        crate::errln!(
            "awsprof: the new key {} was not written; it is kept in {} (readable only by you): store it with `awsprof key import {profile} {}`",
            mask_key_id(&key.id),
            kept.display(),
            kept.display()
        );
    })?;
    journal.remove(&entry)?;
    Ok(CreateUserOutcome {
        steps,
        user_arn,
        key_id: Some(key.id),
        backup: applied.written.backup.map(|m| m.id),
        stored_in_vault: applied.value.notes.into_iter().next(),
    })
}
