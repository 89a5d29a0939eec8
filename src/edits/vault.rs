//! Moving a profile's long-term keys out of the credentials file and
//! into awsprof's vault, and back: pure edits over both files.
//!
//! A profile that holds its keys and names itself as `source_profile`
//! (the walkthrough's `[tanaka]`) cannot simply trade its keys for a
//! `credential_process`: botocore accepts a profile as its own source only
//! while it holds static keys. Its keys go to a profile of their own,
//! `[profile NAME-keys]`, and `NAME`'s `source_profile` points there.

use super::{
    check_result, require_profile, set_everywhere, unset_everywhere, Action, Change, EditResult,
};
use crate::error::{Error, Result};
use crate::profiles::command_line::vault_reference;
use crate::profiles::keys::{
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SECURITY_TOKEN, AWS_SESSION_TOKEN,
    CREDENTIAL_PROCESS, ROLE_ARN, SOURCE_PROFILE,
};
use crate::profiles::{FileKind, ProfileFiles};

/// Where a profile's keys go in the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultPlan {
    pub profile: String,
    /// The vault item (and, when split, the profile that names it).
    pub item: String,
    /// Whether the keys move to a profile of their own (`NAME-keys`).
    pub split: bool,
    pub access_key_id: String,
}

/// Where the keys of `profile` would go, and the key itself.
pub fn plan_move_in(files: &ProfileFiles, profile: &str) -> Result<(VaultPlan, String)> {
    let p = require_profile(files, profile)?;
    if p.get(CREDENTIAL_PROCESS).is_some() {
        return Err(Error::Usage(format!(
            "profile `{profile}` already gets its credentials from credential_process; `awsprof vault list` shows what the vault holds"
        )));
    }
    if p.get(AWS_SESSION_TOKEN).is_some() || p.get(AWS_SECURITY_TOKEN).is_some() {
        return Err(Error::Usage(format!(
            "profile `{profile}` holds temporary keys (a session token); only long-term keys go into the vault"
        )));
    }
    let in_credentials = |key| {
        p.property(key)
            .is_some_and(|prop| prop.origin.file == FileKind::Credentials)
    };
    let (Some(id), Some(secret)) = (p.get(AWS_ACCESS_KEY_ID), p.get(AWS_SECRET_ACCESS_KEY)) else {
        return Err(Error::Usage(format!(
            "profile `{profile}` holds no access key of its own to move"
        )));
    };
    if !in_credentials(AWS_ACCESS_KEY_ID) || !in_credentials(AWS_SECRET_ACCESS_KEY) {
        return Err(Error::Usage(format!(
            "profile `{profile}` keeps its keys in the config file; `awsprof key import {profile}` moves them to the credentials file first"
        )));
    }
    let split = p.get(ROLE_ARN).is_some() && p.get(SOURCE_PROFILE) == Some(profile);
    let item = if split {
        format!("{profile}-keys")
    } else {
        profile.to_string()
    };
    if split && files.set.profile(&item).is_some() {
        return Err(Error::Usage(format!(
            "profile `{profile}` is its own source_profile, so its keys go to a profile `{item}` of their own, but `{item}` exists already; rename it first"
        )));
    }
    let plan = VaultPlan {
        profile: profile.to_string(),
        item,
        split,
        access_key_id: id.to_string(),
    };
    Ok((plan, secret.to_string()))
}

/// The keys out of the file, the vault line in: `line` is the
/// `credential_process` that hands the item out.
pub fn move_in(files: &mut ProfileFiles, plan: &VaultPlan, line: &str) -> Result<EditResult> {
    let profile = plan.profile.as_str();
    let held = files
        .set
        .profile(profile)
        .and_then(|p| p.get(AWS_ACCESS_KEY_ID));
    if held != Some(plan.access_key_id.as_str()) {
        return Err(Error::Usage(format!(
            "profile `{profile}` no longer holds the key that was stored; run `awsprof vault move {profile}` again"
        )));
    }
    let mut changes: Vec<_> = [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]
        .into_iter()
        .flat_map(|key| unset_everywhere(files, profile, key))
        .collect();
    let holder = plan.item.as_str();
    changes.extend(set_everywhere(
        files,
        holder,
        CREDENTIAL_PROCESS,
        line,
        FileKind::Config,
    ));
    if plan.split {
        changes.extend(set_everywhere(
            files,
            profile,
            SOURCE_PROFILE,
            holder,
            FileKind::Config,
        ));
    }
    files.reparse()?;
    let mut warnings = check_result(files, holder, &[(CREDENTIAL_PROCESS, Some(line))], true)?;
    warnings.extend(check_result(
        files,
        profile,
        &[(AWS_ACCESS_KEY_ID, None)],
        true,
    )?);
    Ok(EditResult::changed(changes, warnings))
}

/// Which vault item a profile's keys are in: the profile itself when its
/// `credential_process` is awsprof's vault line, or its `NAME-keys`
/// source when it was split. `(item, store, split)`.
pub fn vault_item_of(
    files: &ProfileFiles,
    profile: &str,
) -> Option<(String, Option<String>, bool)> {
    let p = files.set.profile(profile)?;
    if let Some(vault) = p.get(CREDENTIAL_PROCESS).and_then(vault_reference) {
        return Some((vault.item, vault.store, false));
    }
    let source = p.get(SOURCE_PROFILE)?;
    let keys = files.set.profile(source)?;
    let vault = keys.get(CREDENTIAL_PROCESS).and_then(vault_reference)?;
    (source == format!("{profile}-keys") && vault.item == source).then_some((
        vault.item,
        vault.store,
        true,
    ))
}

/// The keys back into the file from the vault: the inverse of [`move_in`].
pub fn move_out(
    files: &mut ProfileFiles,
    profile: &str,
    id: &str,
    secret: &str,
) -> Result<EditResult> {
    let Some((item, _, split)) = vault_item_of(files, profile) else {
        return Err(Error::Usage(format!(
            "profile `{profile}` does not take its keys from awsprof's vault"
        )));
    };
    let mut result = if split {
        let mut changes = set_everywhere(files, profile, SOURCE_PROFILE, profile, FileKind::Config);
        files.reparse()?;
        let removed = super::delete(files, &item, false)?;
        changes.extend(removed.changes);
        EditResult::changed(changes, Vec::new())
    } else {
        let changes = unset_everywhere(files, profile, CREDENTIAL_PROCESS);
        // The config section `move_in` made for the line goes with it.
        let doc = files.file(FileKind::Config).document();
        let headers = crate::profiles::profile_headers(doc, FileKind::Config, profile);
        for header in headers.into_iter().rev() {
            files.document_mut(FileKind::Config).remove_if_empty(header);
        }
        EditResult::changed(changes, Vec::new())
    };
    files.reparse()?;
    // Keys come first in a profile's credentials section, where `key
    // import` and `configure` put them: back at the top of the section
    // that is left, so that a move there and back gives the same bytes.
    let doc = files.file(FileKind::Credentials).document();
    let header = crate::profiles::profile_headers(doc, FileKind::Credentials, profile)
        .first()
        .copied();
    if let Some(header) = header {
        let lines = vec![
            format!("{AWS_ACCESS_KEY_ID} = {id}"),
            format!("{AWS_SECRET_ACCESS_KEY} = {secret}"),
        ];
        files
            .document_mut(FileKind::Credentials)
            .insert_lines(header + 1, lines);
        files.reparse()?;
        for (key, value) in [(AWS_ACCESS_KEY_ID, id), (AWS_SECRET_ACCESS_KEY, secret)] {
            result.changes.push(Change {
                file: FileKind::Credentials,
                key: key.to_string(),
                value: Some(value.to_string()),
                action: Action::Added,
            });
        }
    }
    let stored = super::store_key(files, profile, id, secret, false)?;
    result.changes.extend(stored.changes);
    result.warnings.extend(stored.warnings);
    Ok(result)
}
