//! `set`, `unset` and `remove-role` as edits.

use super::Action;
use super::{
    check_key_name, check_profile_name, check_result, require_profile, set_everywhere,
    unset_everywhere, Change, EditResult,
};
use crate::chain::resolve;
use crate::error::{Error, Result};
use crate::profiles::keys::{self, check_value, default_file, role_keys};
use crate::profiles::{
    new_header, prefixed_headers, profile_headers, set_nested, sub_properties, unset_nested,
    FileKind, ProfileFiles,
};

/// `KEY.SUB` names sub-property SUB of the block KEY (`s3.signature_version`),
/// as the AWS CLI spells nested settings.
pub fn split_nested(key: &str) -> Option<(&str, &str)> {
    key.split_once('.')
        .filter(|(k, s)| !k.is_empty() && !s.is_empty())
}

/// The file that holds `profile`'s `key` (the first that does), if any.
fn file_holding(files: &ProfileFiles, profile: &str, key: &str) -> Option<FileKind> {
    [FileKind::Config, FileKind::Credentials]
        .into_iter()
        .find(|&k| files.find_property(k, profile, key).is_some())
}

/// The value of sub-property `sub` of block `key` in `raw` (a block's value).
fn sub_value<'a>(raw: Option<&'a str>, sub: &str) -> Option<&'a str> {
    sub_properties(raw?)
        .filter(|(k, _)| k.eq_ignore_ascii_case(sub))
        .last()
        .map(|(_, v)| v)
}

fn set_nested_key(
    files: &mut ProfileFiles,
    profile: &str,
    key: &str,
    sub: &str,
    value: &str,
    file: Option<FileKind>,
) -> Result<EditResult> {
    let full = format!("{key}.{sub}");
    let current = files.set.profile(profile).and_then(|p| p.get(key));
    if sub_value(current, sub) == Some(value) {
        return Ok(EditResult::unchanged(format!(
            "{full} of profile `{profile}` is already set to that value"
        )));
    }
    let kind = file_holding(files, profile, key)
        .or(file)
        .unwrap_or(FileKind::Config);
    let headers = profile_headers(files.file(kind).document(), kind, profile);
    let existed = set_nested(
        files.document_mut(kind),
        &headers,
        &new_header(kind, profile),
        key,
        sub,
        value,
    )
    .map_err(|e| Error::Usage(format!("profile `{profile}`: {}; nothing was written", e.0)))?;
    let warnings = check_result(files, profile, &[], false)?;
    let got = files.set.profile(profile).and_then(|p| p.get(key));
    if sub_value(got, sub) != Some(value) {
        return Err(Error::Config(format!(
            "after the edit, {full} of profile `{profile}` would not read back as written; nothing was written"
        )));
    }
    let action = if existed {
        Action::Replaced
    } else {
        Action::Added
    };
    Ok(EditResult::changed(
        vec![super::Change {
            file: kind,
            key: full,
            value: Some(value.to_string()),
            action,
        }],
        warnings,
    ))
}

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
    // Callers that take the name from a prompt or a key file (configure,
    // key import) have no typo to guard against; a new profile is said.
    let trusted = Guard {
        create: true,
        force: true,
    };
    set_checked(files, profile, key, value, file, &trusted)
}

/// What `profile set` lets through that would otherwise be taken for a
/// typo: a new profile whose name is close to an existing one (`create`),
/// a key close to a known one (`force`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Guard {
    pub create: bool,
    pub force: bool,
}

/// [`set`], refusing a likely typo of a profile or key name unless the
/// guard lets it through, and saying when a new profile is made.
pub fn set_checked(
    files: &mut ProfileFiles,
    profile: &str,
    key: &str,
    value: &str,
    file: Option<FileKind>,
    guard: &Guard,
) -> Result<EditResult> {
    super::check_not_only_quoted(files, profile)?;
    let new_profile = super::gate_new_profile(files, profile, guard.create)?;
    let mut result = set_unguarded(files, profile, key, value, file, guard)?;
    result.notes.extend(new_profile);
    Ok(result)
}

fn set_unguarded(
    files: &mut ProfileFiles,
    profile: &str,
    key: &str,
    value: &str,
    file: Option<FileKind>,
    guard: &Guard,
) -> Result<EditResult> {
    if let Some((parent, sub)) = split_nested(key) {
        return set_nested_key(files, profile, parent, sub, value, file);
    }
    let unknown_key = super::gate_key(key, guard.force)?;
    if files
        .set
        .profile(profile)
        .and_then(|p| p.get(key))
        .is_some_and(|v| v.starts_with('\n'))
    {
        return Err(Error::Usage(format!(
            "`{key}` of profile `{profile}` holds sub-properties; set {key}.NAME VALUE, or unset {key} first; nothing was written"
        )));
    }
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
    let mut warnings = check_result(files, profile, &[(key, Some(value))], resolved_before)?;
    warnings.extend(unknown_key);
    Ok(EditResult::changed(changes, warnings))
}

/// Checks `unset`'s input before any file is read.
pub fn check_unset(profile: &str, key: &str) -> Result<()> {
    check_profile_name(profile)?;
    check_key_name(key)
}

pub fn unset(files: &mut ProfileFiles, profile: &str, key: &str) -> Result<EditResult> {
    let key = key.to_ascii_lowercase();
    super::check_not_only_quoted(files, profile)?;
    require_profile(files, profile)?;
    if let Some((parent, sub)) = split_nested(&key) {
        let mut changes = Vec::new();
        for kind in [FileKind::Config, FileKind::Credentials] {
            let headers = profile_headers(files.file(kind).document(), kind, profile);
            if unset_nested(files.document_mut(kind), &headers, parent, sub) > 0 {
                changes.push(super::Change {
                    file: kind,
                    key: key.clone(),
                    value: None,
                    action: Action::Removed,
                });
            }
        }
        if changes.is_empty() {
            return Ok(EditResult::unchanged(format!(
                "{key} is not set in profile `{profile}`"
            )));
        }
        let warnings = finish_removal(files, profile, &mut changes, &[])?;
        return Ok(EditResult::changed(changes, warnings));
    }
    let mut changes = unset_everywhere(files, profile, &key);
    if changes.is_empty() {
        return Ok(EditResult::unchanged(format!(
            "{key} is not set in profile `{profile}`"
        )));
    }
    let warnings = finish_removal(files, profile, &mut changes, &[(&key, None)])?;
    Ok(EditResult::changed(changes, warnings))
}

/// After a removal: sections it left empty go too (said as a change),
/// then the result is checked.
fn finish_removal(
    files: &mut ProfileFiles,
    profile: &str,
    changes: &mut Vec<Change>,
    expected: &[(&str, Option<&str>)],
) -> Result<Vec<String>> {
    let emptied = files.remove_empty_sections(profile);
    if !emptied.is_empty() {
        files.reparse()?;
        changes.extend(emptied.into_iter().map(|file| Change {
            file,
            key: format!("[{profile}]"),
            value: None,
            action: Action::Removed,
        }));
        if files.set.profile(profile).is_none() {
            return Ok(Vec::new());
        }
    }
    check_result(files, profile, expected, false)
}

/// `services set NAME KEY.SUB VALUE`: a setting of a `[services NAME]`
/// section (per-service endpoints), created when missing.
pub fn set_service(
    files: &mut ProfileFiles,
    name: &str,
    key: &str,
    value: &str,
) -> Result<EditResult> {
    check_profile_name(name)?;
    check_value(key, value).map_err(Error::Usage)?;
    let Some((service, sub)) = split_nested(key) else {
        return Err(Error::Usage(format!(
            "a services section holds one block per service: write the key as SERVICE.SETTING, like s3.endpoint_url (not `{key}`)"
        )));
    };
    let headers = prefixed_headers(files.config.document(), keys::SERVICES, name);
    let existed = set_nested(
        files.document_mut(FileKind::Config),
        &headers,
        &format!("{} {name}", keys::SERVICES),
        service,
        sub,
        value,
    )
    .map_err(|e| Error::Usage(format!("[services {name}]: {}; nothing was written", e.0)))?;
    files.reparse()?;
    let section = files
        .set
        .other_sections
        .get(&(keys::SERVICES.to_string(), name.to_string()));
    if sub_value(section.and_then(|s| s.get(service)), sub) != Some(value) {
        return Err(Error::Config(format!(
            "after the edit, {key} of [services {name}] would not read back as written; nothing was written"
        )));
    }
    Ok(EditResult::changed(
        vec![super::Change {
            file: FileKind::Config,
            key: key.to_string(),
            value: Some(value.to_string()),
            action: if existed {
                Action::Replaced
            } else {
                Action::Added
            },
        }],
        Vec::new(),
    ))
}

pub fn unset_service(files: &mut ProfileFiles, name: &str, key: &str) -> Result<EditResult> {
    let Some((service, sub)) = split_nested(key) else {
        return Err(Error::Usage(format!(
            "write the key as SERVICE.SETTING, not `{key}`"
        )));
    };
    let headers = prefixed_headers(files.config.document(), keys::SERVICES, name);
    if headers.is_empty() {
        let names = crate::profiles::prefixed_names(files.config.document(), keys::SERVICES);
        return Err(Error::Usage(format!(
            "no [services {name}] in {}{}",
            files.config.path.display(),
            crate::suggest::did_you_mean(name, names.iter().map(String::as_str))
        )));
    }
    if unset_nested(files.document_mut(FileKind::Config), &headers, service, sub) == 0 {
        return Ok(EditResult::unchanged(format!(
            "{key} is not set in [services {name}]"
        )));
    }
    let mut changes = vec![super::Change {
        file: FileKind::Config,
        key: key.to_string(),
        value: None,
        action: Action::Removed,
    }];
    // The section, when that was its last setting.
    let headers = prefixed_headers(files.config.document(), keys::SERVICES, name);
    if files.document_mut(FileKind::Config).remove_empty(headers) > 0 {
        changes.push(super::Change {
            file: FileKind::Config,
            key: format!("[services {name}]"),
            value: None,
            action: Action::Removed,
        });
    }
    files.reparse()?;
    Ok(EditResult::changed(changes, Vec::new()))
}

/// Removes the keys `add-role` manages; `region` stays.
pub fn remove_role(files: &mut ProfileFiles, profile: &str) -> Result<EditResult> {
    require_profile(files, profile)?;
    let mut changes: Vec<Change> = role_keys()
        .flat_map(|key| unset_everywhere(files, profile, key))
        .collect();
    if changes.is_empty() {
        return Ok(EditResult::unchanged(format!(
            "profile `{profile}` has no role settings"
        )));
    }
    let expected: Vec<(&str, Option<&str>)> = role_keys().map(|k| (k, None)).collect();
    let warnings = finish_removal(files, profile, &mut changes, &expected)?;
    Ok(EditResult::changed(changes, warnings))
}
