//! `iam delete-user`: the user's keys, awsprof's inline grants and its
//! tagged policies (once nothing else uses them) go with the user; other
//! managed policies are detached and named. A user awsprof did not create,
//! or one with inline policies, groups, a console password or MFA devices
//! awsprof did not give it, is refused unless forced.

use super::{delete_policy_if_unused, Admin, Steps};
use crate::aws::iam::inline_is_ours;
use crate::aws::policy::check_iam_name;
use crate::edits::{name_list, remove_keys, require_profile, standing_on};
use crate::error::{Error, Result};
use crate::operations::apply;
use crate::profiles::keys::{AWS_ACCESS_KEY_ID, ROLE_ARN};
use crate::profiles::{Locations, ProfileFiles};
use crate::secret::mask_key_id;
use crate::store::Store;

pub struct DeleteUserRequest {
    pub user: String,
    /// The profile holding the user's keys, to remove them from.
    pub from_profile: Option<String>,
    pub force: bool,
    pub dry_run: bool,
}

impl DeleteUserRequest {
    /// Before any call: the profile exists, and no other profile stands
    /// on its keys (unless forced: then they are returned, to be named).
    /// Returns the key id the profile holds.
    pub fn check(&self, locations: &Locations) -> Result<(Option<String>, Vec<String>)> {
        let Some(name) = &self.from_profile else {
            return Ok((None, Vec::new()));
        };
        let files = ProfileFiles::load(locations)?;
        let profile = require_profile(&files, name)?;
        let mut broken = standing_on(&files, name);
        if profile.get(ROLE_ARN).is_some() {
            broken.insert(0, name.clone());
        }
        if !broken.is_empty() && !self.force {
            return Err(Error::Usage(format!(
                "profiles {} stand on the keys in [{name}] and would no longer resolve once user {} is deleted; change them first, or pass --force. Nothing was changed",
                name_list(&broken),
                self.user
            )));
        }
        Ok((profile.get(AWS_ACCESS_KEY_ID).map(String::from), broken))
    }
}

/// What became of the profile's keys.
pub struct ProfileCleanup {
    /// Whether the profile held one of the deleted keys (and so lost it).
    pub removed: bool,
    pub diffs: Vec<String>,
    pub backup: Option<String>,
    /// Backups that hold a deleted key, marked so that a restore asks.
    pub holding: Vec<String>,
}

/// After the user is gone: its keys out of the profile (when it held one
/// of them), and every backup holding them marked.
pub fn clean_up_files(
    store: &Store,
    locations: &Locations,
    request: &DeleteUserRequest,
    held: Option<&str>,
    key_ids: &[String],
) -> Result<ProfileCleanup> {
    let mut cleanup = ProfileCleanup {
        removed: false,
        diffs: Vec::new(),
        backup: None,
        holding: Vec::new(),
    };
    let held_deleted = held.is_some_and(|id| key_ids.iter().any(|k| k == id));
    if let (Some(profile), true) = (&request.from_profile, held_deleted) {
        let names = [profile.as_str()];
        let applied = apply(store, locations, request.dry_run, Some(&names), |files| {
            remove_keys(files, profile)
        })?;
        cleanup.removed = true;
        cleanup.diffs = applied.diffs;
        cleanup.backup = applied.written.backup.map(|m| m.id);
    }
    if !request.dry_run {
        for id in key_ids {
            cleanup.holding.extend(store.backups.mark_retired(id)?);
        }
        cleanup.holding.sort();
        cleanup.holding.dedup();
    }
    Ok(cleanup)
}

pub struct DeleteUserOutcome {
    pub steps: Steps,
    /// The ids of the keys deleted with the user.
    pub key_ids: Vec<String>,
    /// Managed policies not made by awsprof: detached, kept.
    pub detached_not_ours: Vec<String>,
    /// What `force` went past.
    pub forced: Vec<String>,
}

pub async fn delete_user(admin: &Admin, request: &DeleteUserRequest) -> Result<DeleteUserOutcome> {
    check_iam_name(&request.user, "user").map_err(Error::Usage)?;
    let iam = &admin.iam;
    let user = request.user.as_str();
    let who = admin.who.as_str();
    let mut steps = Steps::default();
    if iam
        .get_user(user)
        .await
        .map_err(admin.refused(&steps))?
        .is_none()
    {
        return Err(Error::Usage(format!(
            "no IAM user `{user}` in account {}",
            admin.account
        )));
    }
    // Look first: every refusal comes before any change.
    let refused = admin.refused(&steps);
    let ours = iam.user_is_ours(user).await.map_err(&refused)?;
    let keys = iam.list_access_keys(user).await.map_err(&refused)?;
    let inline = iam.user_inline_policies(user).await.map_err(&refused)?;
    let attached = iam.attached_user_policies(user).await.map_err(&refused)?;
    let groups = iam.groups_of_user(user).await.map_err(&refused)?;
    let login = iam.has_login_profile(user).await.map_err(&refused)?;
    let mfa = iam.mfa_devices(user).await.map_err(&refused)?;
    let mut policy_ours = Vec::new();
    for arn in &attached {
        policy_ours.push(iam.policy_is_ours(arn).await.map_err(&refused)?);
    }
    drop(refused);
    let mut foreign = Vec::new();
    if !ours {
        foreign.push("the user itself (no awsprof:managed tag)".to_string());
    }
    let inline_foreign = inline.iter().filter(|n| !inline_is_ours(n));
    foreign.extend(inline_foreign.map(|n| format!("inline policy {n}")));
    foreign.extend(groups.iter().map(|g| format!("group {g}")));
    if login {
        foreign.push("a console password".to_string());
    }
    foreign.extend(mfa.iter().map(|m| format!("MFA device {m}")));
    if !foreign.is_empty() && !request.force {
        return Err(Error::Usage(format!(
            "user {user} has what awsprof did not make: {}; deleting it would lose them. Pass --force to delete it anyway. Nothing was changed",
            foreign.join(", ")
        )));
    }

    let dry = request.dry_run;
    for key in &keys {
        let target = mask_key_id(&key.id);
        steps
            .change(
                dry,
                "iam:DeleteAccessKey",
                target,
                who,
                iam.delete_access_key(user, &key.id),
            )
            .await?;
    }
    for name in &inline {
        steps
            .change(
                dry,
                "iam:DeleteUserPolicy",
                name,
                who,
                iam.delete_user_policy(user, name),
            )
            .await?;
    }
    let mut detached_not_ours = Vec::new();
    for (arn, ours) in attached.iter().zip(&policy_ours) {
        steps
            .change(
                dry,
                "iam:DetachUserPolicy",
                arn,
                who,
                iam.detach_user_policy(user, arn),
            )
            .await?;
        if !ours {
            detached_not_ours.push(arn.clone());
            continue;
        }
        delete_policy_if_unused(admin, &mut steps, dry, arn).await?;
    }
    for group in &groups {
        steps
            .change(
                dry,
                "iam:RemoveUserFromGroup",
                group,
                who,
                iam.remove_user_from_group(user, group),
            )
            .await?;
    }
    if login {
        steps
            .change(
                dry,
                "iam:DeleteLoginProfile",
                user,
                who,
                iam.delete_login_profile(user),
            )
            .await?;
    }
    for serial in &mfa {
        steps
            .change(
                dry,
                "iam:DeactivateMFADevice",
                serial,
                who,
                iam.deactivate_mfa_device(user, serial),
            )
            .await?;
    }
    steps
        .change(dry, "iam:DeleteUser", user, who, iam.delete_user(user))
        .await?;
    Ok(DeleteUserOutcome {
        steps,
        key_ids: keys.into_iter().map(|k| k.id).collect(),
        detached_not_ours,
        forced: if request.force { foreign } else { Vec::new() },
    })
}
