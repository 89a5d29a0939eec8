//! `set`, `unset` and `remove-role` as edits.

use super::{
    check_key_name, check_profile_name, check_result, require_profile, set_everywhere,
    unset_everywhere, Change, EditResult,
};
use crate::chain::resolve;
use crate::error::{Error, Result};
use crate::profiles::keys::{self, check_value, default_file, role_keys};
use crate::profiles::{FileKind, ProfileFiles};

/// Checks `set`'s input before any file is read. Returns the key as the
/// readers compare it (lowercase).
pub fn check_set(profile: &str, key: &str, value: &str) -> Result<String> {
    check_profile_name(profile)?;
    check_key_name(key)?;
    let key = key.to_ascii_lowercase();
    check_value(&key, value).map_err(Error::Usage)?;
    Ok(key)
}

/// Sets `key = value` for `profile`: where the profile has the key
/// already, else in `file`, else in the file the AWS CLI would use. The
/// input is checked (and the key lowercased) with [`check_set`] first.
pub fn set(
    files: &mut ProfileFiles,
    profile: &str,
    key: &str,
    value: &str,
    file: Option<FileKind>,
) -> Result<EditResult> {
    let target = file.unwrap_or_else(|| default_file(key));
    if key == keys::SOURCE_PROFILE && value != profile && files.set.profile(value).is_none() {
        return Err(Error::Usage(format!(
            "source profile `{value}` does not exist; create it first or pick one from `awsprof profile list`"
        )));
    }
    let resolved_before = resolve(&files.set, profile).is_ok();
    let changes = set_everywhere(files, profile, key, value, target);
    if changes.is_empty() {
        return Ok(EditResult::unchanged(format!(
            "{key} of profile `{profile}` is already set to that value"
        )));
    }
    let warnings = check_result(files, profile, &[(key, Some(value))], resolved_before)?;
    Ok(EditResult::changed(changes, warnings))
}

/// Checks `unset`'s input before any file is read.
pub fn check_unset(profile: &str, key: &str) -> Result<()> {
    check_profile_name(profile)?;
    check_key_name(key)
}

pub fn unset(files: &mut ProfileFiles, profile: &str, key: &str) -> Result<EditResult> {
    let key = key.to_ascii_lowercase();
    require_profile(files, profile)?;
    let changes = unset_everywhere(files, profile, &key);
    if changes.is_empty() {
        return Ok(EditResult::unchanged(format!(
            "{key} is not set in profile `{profile}`"
        )));
    }
    let warnings = check_result(files, profile, &[(&key, None)], false)?;
    Ok(EditResult::changed(changes, warnings))
}

/// Removes the keys `add-role` manages; `region` stays.
pub fn remove_role(files: &mut ProfileFiles, profile: &str) -> Result<EditResult> {
    require_profile(files, profile)?;
    let changes: Vec<Change> = role_keys()
        .flat_map(|key| unset_everywhere(files, profile, key))
        .collect();
    if changes.is_empty() {
        return Ok(EditResult::unchanged(format!(
            "profile `{profile}` has no role settings"
        )));
    }
    let expected: Vec<(&str, Option<&str>)> = role_keys().map(|k| (k, None)).collect();
    let warnings = check_result(files, profile, &expected, false)?;
    Ok(EditResult::changed(changes, warnings))
}
