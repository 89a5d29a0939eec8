//! Long-term access keys in the credentials file: storing one in a
//! profile, and replacing one key by another wherever it is held.

use super::{check_profile_name, check_result, set_everywhere, unset_everywhere, EditResult};
use crate::error::{Error, Result};
use crate::profiles::keys::{
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SECURITY_TOKEN, AWS_SESSION_TOKEN,
};
use crate::profiles::{FileKind, ProfileFiles};
use crate::secret::mask_key_id;

/// Writes key `id` with `secret` into `profile` (its credentials-file
/// section, created when missing). A profile that holds another key is
/// refused unless `force`; a session token left from temporary keys is
/// removed, since it would not belong to the new key.
pub fn store_key(
    files: &mut ProfileFiles,
    profile: &str,
    id: &str,
    secret: &str,
    force: bool,
) -> Result<EditResult> {
    check_profile_name(profile)?;
    check_key_shape(id, secret)?;
    let current = files.set.profile(profile);
    let held = current.and_then(|p| p.get(AWS_ACCESS_KEY_ID));
    if let Some(other) = held.filter(|held| *held != id) {
        if !force {
            return Err(Error::Usage(format!(
                "profile `{profile}` already holds access key {}; pass --force to replace it",
                mask_key_id(other)
            )));
        }
    }
    let same_secret = current.and_then(|p| p.get(AWS_SECRET_ACCESS_KEY)) == Some(secret);
    if held == Some(id) && same_secret {
        return Ok(EditResult::unchanged(format!(
            "profile `{profile}` already holds access key {}",
            mask_key_id(id)
        )));
    }
    let mut changes = set_everywhere(files, profile, AWS_ACCESS_KEY_ID, id, FileKind::Credentials);
    changes.extend(set_everywhere(
        files,
        profile,
        AWS_SECRET_ACCESS_KEY,
        secret,
        FileKind::Credentials,
    ));
    for token in [AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN] {
        changes.extend(unset_everywhere(files, profile, token));
    }
    let warnings = check_result(
        files,
        profile,
        &[
            (AWS_ACCESS_KEY_ID, Some(id)),
            (AWS_SECRET_ACCESS_KEY, Some(secret)),
            (AWS_SESSION_TOKEN, None),
        ],
        true,
    )?;
    Ok(EditResult::changed(changes, warnings))
}

/// A key is written only in the shape AWS issues it: whatever reaches the
/// file is later exported to shells and other tools.
pub fn check_key_shape(id: &str, secret: &str) -> Result<()> {
    use crate::profiles::keys::check_value;
    check_value(AWS_ACCESS_KEY_ID, id).map_err(Error::Usage)?;
    check_value(AWS_SECRET_ACCESS_KEY, secret).map_err(Error::Usage)
}

/// The profiles that hold key `id`, sorted.
pub fn holders(files: &ProfileFiles, id: &str) -> Vec<String> {
    files
        .set
        .profiles
        .iter()
        .filter(|(_, p)| p.get(AWS_ACCESS_KEY_ID) == Some(id))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Puts key `new_id` with `secret` in place of key `old_id` in every
/// profile that holds the old one, in the lines where they are. Needs
/// files read with all their profiles.
pub fn replace_key(
    files: &mut ProfileFiles,
    old_id: &str,
    new_id: &str,
    secret: &str,
) -> Result<(EditResult, Vec<String>)> {
    check_key_shape(new_id, secret)?;
    let profiles = holders(files, old_id);
    let mut changes = Vec::new();
    for profile in &profiles {
        for (key, value) in [(AWS_ACCESS_KEY_ID, new_id), (AWS_SECRET_ACCESS_KEY, secret)] {
            changes.extend(set_everywhere(
                files,
                profile,
                key,
                value,
                FileKind::Credentials,
            ));
        }
    }
    let mut warnings = Vec::new();
    for profile in &profiles {
        warnings.extend(check_result(
            files,
            profile,
            &[
                (AWS_ACCESS_KEY_ID, Some(new_id)),
                (AWS_SECRET_ACCESS_KEY, Some(secret)),
            ],
            true,
        )?);
    }
    Ok((EditResult::changed(changes, warnings), profiles))
}

/// Removes the static keys (and any session token) from `profile`.
pub fn remove_keys(files: &mut ProfileFiles, profile: &str) -> Result<EditResult> {
    let changes: Vec<_> = [
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN,
        AWS_SECURITY_TOKEN,
    ]
    .into_iter()
    .flat_map(|key| unset_everywhere(files, profile, key))
    .collect();
    if changes.is_empty() {
        return Ok(EditResult::unchanged(format!(
            "profile `{profile}` holds no keys"
        )));
    }
    let warnings = check_result(files, profile, &[(AWS_ACCESS_KEY_ID, None)], false)?;
    Ok(EditResult::changed(changes, warnings))
}

/// `key import`: the key into the credentials file, and `region` and
/// `output` (when given) into the config file, as one edit.
/// `key`: `(id, secret)`, or `None` when the key went elsewhere (the
/// vault) and only the settings are written here.
pub fn import_key(
    files: &mut ProfileFiles,
    profile: &str,
    key: Option<(&str, &str)>,
    force: bool,
    settings: &[(&str, &str)],
) -> Result<EditResult> {
    let mut result = match key {
        Some((id, secret)) => store_key(files, profile, id, secret, force)?,
        None => EditResult::unchanged(format!("profile `{profile}` has these settings already")),
    };
    for (key, value) in settings {
        let set = super::set(files, profile, key, value, Some(FileKind::Config))?;
        result.changes.extend(set.changes);
        result.notes.extend(set.notes);
    }
    if !result.changes.is_empty() {
        result.unchanged_because = None;
    }
    result.warnings = super::resolve_warnings(files, profile);
    Ok(result)
}
