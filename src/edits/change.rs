//! What an edit changed, and the check every edit ends with.

use crate::chain::resolve;
use crate::error::{Error, Result};
use crate::profiles::keys::masks_value;
use crate::profiles::{FileKind, ProfileFiles};
use crate::secret::MASK;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Added,
    Replaced,
    Removed,
    /// A section header: `key` is the old header, `value` the new one.
    Renamed,
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Replaced => "replaced",
            Action::Removed => "removed",
            Action::Renamed => "renamed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Change {
    pub file: FileKind,
    pub key: String,
    pub value: Option<String>,
    pub action: Action,
}

impl Change {
    /// The value as it may be shown: a secret is masked.
    pub fn shown_value(&self) -> Option<String> {
        self.value.as_deref().map(|v| {
            if masks_value(&self.key, v, self.file == FileKind::Credentials) {
                MASK.to_string()
            } else {
                v.to_string()
            }
        })
    }
}

/// The result of an edit, before it is written.
#[derive(Debug, Default)]
pub struct EditResult {
    pub changes: Vec<Change>,
    /// Said instead of a change list when nothing needed doing.
    pub unchanged_because: Option<String>,
    pub warnings: Vec<String>,
    /// Said with the changes (`new profile [tanak]`).
    pub notes: Vec<String>,
}

impl EditResult {
    pub fn unchanged(why: String) -> EditResult {
        EditResult {
            unchanged_because: Some(why),
            ..Default::default()
        }
    }

    pub fn changed(changes: Vec<Change>, warnings: Vec<String>) -> EditResult {
        EditResult {
            changes,
            unchanged_because: None,
            warnings,
            notes: Vec::new(),
        }
    }
}

/// Sets `key` for `profile` wherever the profile already has it (so no
/// other file shadows the new value), else in `target`.
pub fn set_everywhere(
    files: &mut ProfileFiles,
    profile: &str,
    key: &str,
    value: &str,
    target: FileKind,
) -> Vec<Change> {
    let change = |file, action| Change {
        file,
        key: key.to_string(),
        value: Some(value.to_string()),
        action,
    };
    let found: Vec<(FileKind, usize)> = [FileKind::Config, FileKind::Credentials]
        .into_iter()
        .filter_map(|k| files.find_property(k, profile, key).map(|line| (k, line)))
        .collect();
    if found.is_empty() {
        files.set_property(target, profile, key, value);
        return vec![change(target, Action::Added)];
    }
    let mut changes = Vec::new();
    for (kind, line) in found {
        if files.file(kind).document().line(line).value() != Some(value) {
            files.replace_value_at(kind, line, value);
            changes.push(change(kind, Action::Replaced));
        }
    }
    changes
}

/// [`set_everywhere`] for each of `profiles` (each named once), in turn:
/// each file's headers are gone through once, not once for each profile.
pub fn set_everywhere_for_each(
    files: &mut ProfileFiles,
    profiles: &[String],
    key: &str,
    value: &str,
    target: FileKind,
) -> Vec<Change> {
    let Some(found) = found_everywhere(files, profiles, key) else {
        let mut changes = Vec::new();
        for profile in profiles {
            changes.extend(set_everywhere(files, profile, key, value, target));
        }
        return changes;
    };
    let mut changes = Vec::new();
    let mut replaced = Vec::new();
    for (kind, line) in found {
        if files.file(kind).document().line(line).value() != Some(value) {
            replaced.push((kind, line));
            changes.push(Change {
                file: kind,
                key: key.to_string(),
                value: Some(value.to_string()),
                action: Action::Replaced,
            });
        }
    }
    // Last line first: a value's continuation lines go with it, and the
    // lines above stay where they were found.
    replaced.sort_unstable_by_key(|&(_, line)| std::cmp::Reverse(line));
    for (kind, line) in replaced {
        files.replace_value_at(kind, line, value);
    }
    changes
}

/// Where each of `profiles` has `key`, profile by profile and in each
/// file config first, as [`set_everywhere`] finds it; `None` where a
/// profile has it in neither file (it is added), or is `default` (found
/// as `set_everywhere` does).
fn found_everywhere(
    files: &ProfileFiles,
    profiles: &[String],
    key: &str,
) -> Option<Vec<(FileKind, usize)>> {
    if profiles.iter().any(|p| p == "default") {
        return None;
    }
    let wanted: std::collections::HashSet<&str> = profiles.iter().map(String::as_str).collect();
    let [config, credentials] = [FileKind::Config, FileKind::Credentials]
        .map(|kind| files.find_properties(kind, &wanted, key));
    let mut found = Vec::new();
    for profile in profiles.iter().map(String::as_str) {
        let in_config = config.get(profile).map(|&l| (FileKind::Config, l));
        let in_credentials = credentials
            .get(profile)
            .map(|&l| (FileKind::Credentials, l));
        if in_config.is_none() && in_credentials.is_none() {
            return None;
        }
        found.extend(in_config.into_iter().chain(in_credentials));
    }
    Some(found)
}

pub fn unset_everywhere(files: &mut ProfileFiles, profile: &str, key: &str) -> Vec<Change> {
    [FileKind::Config, FileKind::Credentials]
        .into_iter()
        .filter(|&kind| files.unset_property(kind, profile, key) > 0)
        .map(|kind| Change {
            file: kind,
            key: key.to_string(),
            value: None,
            action: Action::Removed,
        })
        .collect()
}

/// After an edit: the merged view must read back `expected`, and when
/// `must_resolve` the profile's chain must resolve (otherwise a chain that
/// does not is only a warning).
pub fn check_result(
    files: &mut ProfileFiles,
    profile: &str,
    expected: &[(&str, Option<&str>)],
    must_resolve: bool,
) -> Result<Vec<String>> {
    files.reread_profile(profile)?;
    match verdict(files, profile, expected, must_resolve) {
        // A warning names profiles, never lines: it stands as it is.
        Ok(warnings) => Ok(warnings),
        // An error names lines: read everything again, so that they are
        // the lines as they are after the edit.
        Err(_) => {
            files.reparse()?;
            verdict(files, profile, expected, must_resolve)
        }
    }
}

fn verdict(
    files: &ProfileFiles,
    profile: &str,
    expected: &[(&str, Option<&str>)],
    must_resolve: bool,
) -> Result<Vec<String>> {
    for (key, value) in expected {
        let got = files.set.profile(profile).and_then(|p| p.get(key));
        if got != *value {
            return Err(Error::Config(format!(
                "after the edit, {key} of profile `{profile}` would read back as {:?} instead of {:?}; nothing was written",
                got.map(|v| if masks_value(key, v, true) { MASK } else { v }),
                value.map(|v| if masks_value(key, v, true) { MASK } else { v }),
            )));
        }
    }
    match resolve(&files.set, profile) {
        Err(e) if must_resolve => Err(Error::Config(format!(
            "after the edit, profile `{profile}` would not resolve: {}; nothing was written",
            Error::chain(files, e)
        ))),
        resolved => Ok(warning_for(files, profile, resolved.err())),
    }
}

/// The warning a profile's chain draws in the files as they are now: none
/// when it resolves, and none for a profile with settings only (region,
/// output), which tools use with credentials from elsewhere. Composite
/// edits call it once, on the files as their whole transaction leaves them.
pub fn resolve_warnings(files: &ProfileFiles, profile: &str) -> Vec<String> {
    warning_for(files, profile, resolve(&files.set, profile).err())
}

/// The warning for `profile` whose resolve failed with `error`, if any.
fn warning_for(
    files: &ProfileFiles,
    profile: &str,
    error: Option<crate::chain::ChainError>,
) -> Vec<String> {
    let Some(e) = error else {
        return Vec::new();
    };
    let settings_only = files
        .set
        .profile(profile)
        .is_some_and(|p| !crate::chain::holds_credential_settings(p));
    if settings_only
        && matches!(&e.kind, crate::chain::ChainErrorKind::NoCredentials(p) if p == profile)
    {
        return Vec::new();
    }
    vec![format!(
        "profile `{profile}` does not resolve to credentials: {e}"
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_shaped_value_is_masked_where_it_is_in_the_credentials_file() {
        let secret_like = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let change = |file, key: &str| Change {
            file,
            key: key.into(),
            value: Some(secret_like.into()),
            action: Action::Added,
        };
        assert_eq!(
            change(FileKind::Credentials, "note")
                .shown_value()
                .as_deref(),
            Some(MASK)
        );
        assert_eq!(
            change(FileKind::Config, "note").shown_value().as_deref(),
            Some(secret_like)
        );
        assert_eq!(
            change(FileKind::Config, "aws_secret_access_key")
                .shown_value()
                .as_deref(),
            Some(MASK)
        );
        let removed = Change {
            value: None,
            ..change(FileKind::Credentials, "note")
        };
        assert_eq!(removed.shown_value(), None);
    }

    #[test]
    fn a_profile_with_settings_only_draws_no_warning_and_a_broken_chain_does() {
        let files = crate::edits::tests::load(
            "[profile settings]\nregion = eu-west-1\n\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\n\n[profile half]\nsource_profile = keys\n",
            "[keys]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\n",
        );
        assert!(resolve_warnings(&files, "keys").is_empty());
        assert!(resolve_warnings(&files, "settings").is_empty());
        assert_eq!(
            resolve_warnings(&files, "role"),
            ["profile `role` does not resolve to credentials: profile `role` has role_arn but neither source_profile nor credential_source: a role profile must contain `source_profile` or `credential_source`"]
        );
        // source_profile alone is a credential setting, so not "settings
        // only": that it leads nowhere is worth a warning.
        assert_eq!(
            resolve_warnings(&files, "half"),
            ["profile `half` does not resolve to credentials: profile `half` did not contain credential information; add aws_access_key_id and aws_secret_access_key, or a role_arn with a source"]
        );
    }

    #[test]
    fn a_result_is_read_back_and_its_chain_judged() {
        let mut files = crate::edits::tests::load(
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\n",
            "[keys]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\n",
        );
        assert!(check_result(
            &mut files,
            "keys",
            &[("aws_access_key_id", Some("AKIAOLDOLDOLDOLDOLD0"))],
            true
        )
        .unwrap()
        .is_empty());
        let wrong = check_result(
            &mut files,
            "keys",
            &[("aws_secret_access_key", Some("t"))],
            true,
        )
        .unwrap_err();
        assert!(matches!(wrong, Error::Config(_)));
        assert_eq!(
            wrong.to_string(),
            "after the edit, aws_secret_access_key of profile `keys` would read back as Some(\"****\") instead of Some(\"****\"); nothing was written"
        );
        let warned = check_result(&mut files, "role", &[("region", None)], false).unwrap();
        assert_eq!(warned.len(), 1);
        assert!(
            warned[0].starts_with("profile `role` does not resolve to credentials"),
            "{warned:?}"
        );
        let refused = check_result(&mut files, "role", &[], true).unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("after the edit, profile `role` would not resolve: "),
            "{refused}"
        );
    }

    #[test]
    fn actions_read_as_words() {
        let words: Vec<_> = [
            Action::Added,
            Action::Replaced,
            Action::Removed,
            Action::Renamed,
        ]
        .iter()
        .map(Action::as_str)
        .collect();
        assert_eq!(words, ["added", "replaced", "removed", "renamed"]);
    }

    /// A section of profile `name` in a file of `kind`: the key with a
    /// value (a continuation line under it, or none), or only another key.
    fn section(kind: FileKind, name: &str, shape: u8) -> String {
        let header = match (kind, name) {
            (FileKind::Config, "default") if shape.is_multiple_of(2) => "[default]".to_string(),
            (FileKind::Config, _) => format!("[profile {name}]"),
            (FileKind::Credentials, _) => format!("[{name}]"),
        };
        let body = match shape % 4 {
            0 => "source_profile = old\n",
            1 => "source_profile = old\n  more = x\nregion = a\n",
            2 => "region = b\n",
            _ => "source_profile = new\n",
        };
        format!("{header}\n{body}")
    }

    proptest::proptest! {
        /// The same files and the same changes as `set_everywhere` for each
        /// profile in turn: keys in either file or both, a section twice,
        /// a value with a continuation line, a key in neither file, and
        /// `default`.
        #[test]
        fn set_for_each_is_set_for_one_then_the_next(
            sections in proptest::collection::vec((0usize..5, proptest::bool::ANY, 0u8..8), 1..12),
            users in proptest::collection::vec(0usize..6, 0..6),
        ) {
            let names = ["p0", "p1", "p2", "default", "p4", "missing"];
            let (mut config, mut credentials) = (String::new(), String::new());
            for (name, in_config, shape) in &sections {
                match in_config {
                    true => config += &section(FileKind::Config, names[*name], *shape),
                    false => credentials += &section(FileKind::Credentials, names[*name], *shape),
                }
            }
            let mut seen = std::collections::HashSet::new();
            let users: Vec<String> = users
                .iter()
                .filter(|u| seen.insert(**u))
                .map(|u| names[*u].to_string())
                .collect();
            let before = crate::edits::tests::load(&config, &credentials);
            let mut one_by_one = before.clone();
            let mut expected = Vec::new();
            for user in &users {
                expected.extend(set_everywhere(&mut one_by_one, user, "source_profile", "new", FileKind::Config));
            }
            let mut together = before.clone();
            let changes = set_everywhere_for_each(&mut together, &users, "source_profile", "new", FileKind::Config);
            proptest::prop_assert_eq!(format!("{changes:?}"), format!("{expected:?}"));
            for kind in [FileKind::Config, FileKind::Credentials] {
                proptest::prop_assert_eq!(
                    together.file(kind).document().to_string(),
                    one_by_one.file(kind).document().to_string()
                );
            }
        }
    }
}
