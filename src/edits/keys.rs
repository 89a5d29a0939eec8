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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::tests::load;

    const OLD: &str = "AKIAOLDOLDOLDOLDOLD0";
    const NEW: &str = "AKIANEWNEWNEWNEWNEW0";
    const SECRET: &str = "new/secret+40+characters+long+abcdefghij";

    fn credentials(files: &ProfileFiles) -> String {
        files.file(FileKind::Credentials).document().to_string()
    }

    fn summary(result: &EditResult) -> Vec<String> {
        result
            .changes
            .iter()
            .map(|c| format!("{} {:?} {}", c.action.as_str(), c.file, c.key))
            .collect()
    }

    #[test]
    fn a_key_goes_into_the_credentials_file_and_a_stale_session_token_goes() {
        let mut files = load(
            "",
            "[tanaka]\naws_access_key_id = ASIATEMPTEMPTEMPTEMP\naws_secret_access_key = s\naws_session_token = t\naws_security_token = t\n",
        );
        let refused = store_key(&mut files, "tanaka", NEW, SECRET, false).unwrap_err();
        assert!(matches!(refused, Error::Usage(_)));
        assert!(refused.to_string().contains("pass --force"), "{refused}");
        assert!(
            !refused.to_string().contains("ASIATEMPTEMPTEMPTEMP"),
            "{refused}"
        );
        let stored = store_key(&mut files, "tanaka", NEW, SECRET, true).unwrap();
        assert_eq!(
            summary(&stored),
            [
                "replaced Credentials aws_access_key_id",
                "replaced Credentials aws_secret_access_key",
                "removed Credentials aws_session_token",
                "removed Credentials aws_security_token",
            ]
        );
        assert_eq!(
            credentials(&files),
            format!("[tanaka]\naws_access_key_id = {NEW}\naws_secret_access_key = {SECRET}\n")
        );
        let again = store_key(&mut files, "tanaka", NEW, SECRET, false).unwrap();
        assert!(again.changes.is_empty());
        assert!(again.unchanged_because.is_some());
        // The same id with another secret is a change, needing no --force.
        let resecret =
            store_key(&mut files, "tanaka", NEW, &SECRET.replace('a', "b"), false).unwrap();
        assert_eq!(
            summary(&resecret),
            ["replaced Credentials aws_secret_access_key"]
        );
    }

    #[test]
    fn a_new_profile_gets_a_credentials_section_and_bad_keys_are_refused() {
        let mut files = load("", "");
        let stored = store_key(&mut files, "suzuki", NEW, SECRET, false).unwrap();
        assert_eq!(
            summary(&stored),
            [
                "added Credentials aws_access_key_id",
                "added Credentials aws_secret_access_key"
            ]
        );
        assert_eq!(
            credentials(&files),
            format!("[suzuki]\naws_access_key_id = {NEW}\naws_secret_access_key = {SECRET}\n")
        );
        for (id, secret) in [("AKIA-BAD", SECRET), (NEW, "two\nlines")] {
            let mut files = load("", "");
            assert!(matches!(
                store_key(&mut files, "suzuki", id, secret, false),
                Err(Error::Usage(_))
            ));
            assert_eq!(credentials(&files), "");
        }
        assert!(store_key(&mut load("", ""), "bad name", NEW, SECRET, false).is_err());
    }

    #[test]
    fn a_key_is_replaced_wherever_it_is_held_and_only_there() {
        let mut files = load(
            "[profile b]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\n",
            "[a]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\n\n[c]\naws_access_key_id = AKIAOTHEROTHEROTHER0\naws_secret_access_key = s\n",
        );
        assert_eq!(holders(&files, OLD), ["a", "b"]);
        let (result, profiles) = replace_key(&mut files, OLD, NEW, SECRET).unwrap();
        assert_eq!(profiles, ["a", "b"]);
        assert_eq!(
            summary(&result),
            [
                "replaced Credentials aws_access_key_id",
                "replaced Credentials aws_secret_access_key",
                "replaced Config aws_access_key_id",
                "replaced Config aws_secret_access_key",
            ]
        );
        assert!(holders(&files, OLD).is_empty());
        assert_eq!(holders(&files, NEW), ["a", "b"]);
        assert!(credentials(&files).contains("[c]\naws_access_key_id = AKIAOTHEROTHEROTHER0\n"));
        assert!(replace_key(&mut files, NEW, "short", SECRET).is_err());
        assert_eq!(holders(&files, NEW), ["a", "b"]);
    }

    #[test]
    fn removing_keys_takes_tokens_too_and_says_when_there_were_none() {
        let mut files = load(
            "[profile a]\nregion = x\n",
            "[a]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\naws_session_token = t\n",
        );
        let removed = remove_keys(&mut files, "a").unwrap();
        assert_eq!(
            summary(&removed),
            [
                "removed Credentials aws_access_key_id",
                "removed Credentials aws_secret_access_key",
                "removed Credentials aws_session_token",
            ]
        );
        assert!(removed.warnings.is_empty(), "{:?}", removed.warnings);
        assert!(!credentials(&files).contains("aws_"));
        let none = remove_keys(&mut files, "a").unwrap();
        assert!(none.changes.is_empty());
        assert_eq!(
            none.unchanged_because.as_deref(),
            Some("profile `a` holds no keys")
        );
    }

    #[test]
    fn an_import_writes_the_key_and_the_settings_as_one_edit() {
        let mut files = load("", "");
        let result = import_key(
            &mut files,
            "tanaka",
            Some((NEW, SECRET)),
            false,
            &[("region", "eu-west-1")],
        )
        .unwrap();
        assert_eq!(
            summary(&result),
            [
                "added Credentials aws_access_key_id",
                "added Credentials aws_secret_access_key",
                "added Config region",
            ]
        );
        assert!(result.unchanged_because.is_none());
        assert!(result.warnings.is_empty(), "{:?}", result.warnings);
        assert_eq!(
            files.file(FileKind::Config).document().to_string(),
            "[profile tanaka]\nregion = eu-west-1\n"
        );

        let settings_only =
            import_key(&mut files, "tanaka", None, false, &[("output", "json")]).unwrap();
        assert_eq!(summary(&settings_only), ["added Config output"]);
        assert!(settings_only.unchanged_because.is_none());
        let nothing = import_key(&mut files, "tanaka", None, false, &[("output", "json")]).unwrap();
        assert!(nothing.changes.is_empty());
        assert!(nothing.unchanged_because.is_some());

        // Settings for a profile with no credentials: the warning says so.
        let mut bare = load("", "");
        let warned = import_key(
            &mut bare,
            "x",
            None,
            false,
            &[("role_arn", "arn:aws:iam::123456789012:role/r")],
        );
        assert_eq!(
            warned.unwrap().warnings,
            ["profile `x` does not resolve to credentials: profile `x` has role_arn but neither source_profile nor credential_source: a role profile must contain `source_profile` or `credential_source`"]
        );
    }
}
