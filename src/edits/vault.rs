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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::tests::{load, text};

    const ID: &str = "AKIAOLDOLDOLDOLDOLD0";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";

    fn keys(name: &str) -> String {
        format!("[{name}]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n")
    }

    fn line(item: &str) -> String {
        crate::profiles::command_line::vault_line("awsprof", item, "file")
    }

    #[test]
    fn only_long_term_keys_of_the_credentials_file_are_planned_for_the_vault() {
        let refused = |config: &str, credentials: &str| {
            plan_move_in(&load(config, credentials), "tanaka")
                .unwrap_err()
                .to_string()
        };
        assert!(refused("", "").starts_with("profile `tanaka` not found"));
        assert!(refused("[profile tanaka]\ncredential_process = x\n", "")
            .contains("already gets its credentials from credential_process"));
        assert!(
            refused("", &format!("{}aws_session_token = t\n", keys("tanaka")))
                .contains("holds temporary keys")
        );
        assert!(
            refused("", &format!("{}aws_security_token = t\n", keys("tanaka")))
                .contains("holds temporary keys")
        );
        assert!(
            refused("", &format!("[tanaka]\naws_access_key_id = {ID}\n"))
                .contains("holds no access key of its own")
        );
        assert!(
            refused("", &format!("[tanaka]\naws_secret_access_key = {SECRET}\n"))
                .contains("holds no access key of its own")
        );
        let in_config = format!("[profile tanaka]\naws_access_key_id = {ID}\n");
        let split_between = format!("[tanaka]\naws_secret_access_key = {SECRET}\n");
        assert!(refused(&in_config, &split_between).contains("keeps its keys in the config file"));
        let secret_in_config = format!("[profile tanaka]\naws_secret_access_key = {SECRET}\n");
        let id_in_credentials = format!("[tanaka]\naws_access_key_id = {ID}\n");
        assert!(refused(&secret_in_config, &id_in_credentials)
            .contains("keeps its keys in the config file"));
        let own_source = format!(
            "{}role_arn = {ROLE}\nsource_profile = tanaka\n",
            keys("tanaka")
        );
        assert!(refused("[profile tanaka-keys]\nregion = a\n", &own_source)
            .contains("but `tanaka-keys` exists already"));
    }

    #[test]
    fn a_plan_names_the_item_and_splits_a_profile_that_is_its_own_source() {
        let (plan, secret) = plan_move_in(&load("", &keys("tanaka")), "tanaka").unwrap();
        assert_eq!(
            plan,
            VaultPlan {
                profile: "tanaka".into(),
                item: "tanaka".into(),
                split: false,
                access_key_id: ID.into(),
            }
        );
        assert_eq!(secret, SECRET);
        let own_source = format!(
            "{}role_arn = {ROLE}\nsource_profile = tanaka\n",
            keys("tanaka")
        );
        let (plan, _) = plan_move_in(&load("", &own_source), "tanaka").unwrap();
        assert!(plan.split);
        assert_eq!(plan.item, "tanaka-keys");
        // A role from another source keeps the keys where they are.
        let other_source = format!(
            "{}role_arn = {ROLE}\nsource_profile = base\n",
            keys("tanaka")
        );
        let files = load("", &format!("{other_source}\n{}", keys("base")));
        assert!(!plan_move_in(&files, "tanaka").unwrap().0.split);
    }

    #[test]
    fn a_move_in_and_out_gives_back_the_same_bytes() {
        for credentials in [
            keys("tanaka"),
            format!(
                "{}role_arn = {ROLE}\nsource_profile = tanaka\n",
                keys("tanaka")
            ),
        ] {
            let mut files = load("", &credentials);
            let (plan, secret) = plan_move_in(&files, "tanaka").unwrap();
            move_in(&mut files, &plan, &line(&plan.item)).unwrap();
            let credentials_after = text(&files, FileKind::Credentials);
            assert!(!credentials_after.contains(ID), "{credentials_after}");
            assert!(!credentials_after.contains(SECRET));
            assert_eq!(
                vault_item_of(&files, "tanaka"),
                Some((plan.item.clone(), Some("file".into()), plan.split))
            );
            if plan.split {
                assert_eq!(
                    files.set.profile("tanaka").unwrap().get(SOURCE_PROFILE),
                    Some("tanaka-keys")
                );
            }
            let result = move_out(&mut files, "tanaka", ID, &secret).unwrap();
            assert!(result.warnings.is_empty(), "{:?}", result.warnings);
            assert_eq!(text(&files, FileKind::Credentials), credentials);
            assert_eq!(text(&files, FileKind::Config), "");
            assert_eq!(vault_item_of(&files, "tanaka"), None);
        }
    }

    #[test]
    fn a_move_in_is_refused_when_the_key_changed_since_the_plan() {
        let mut files = load("", &keys("tanaka"));
        let (mut plan, _) = plan_move_in(&files, "tanaka").unwrap();
        plan.access_key_id = "AKIANEWNEWNEWNEWNEW0".into();
        let refused = move_in(&mut files, &plan, &line("tanaka")).unwrap_err();
        assert!(refused
            .to_string()
            .contains("no longer holds the key that was stored"));
        assert_eq!(text(&files, FileKind::Credentials), keys("tanaka"));
    }

    #[test]
    fn only_awsprofs_own_vault_lines_and_splits_name_an_item() {
        let not_vault = load("[profile tanaka]\ncredential_process = /bin/creds\n", "");
        assert_eq!(vault_item_of(&not_vault, "tanaka"), None);
        assert_eq!(vault_item_of(&not_vault, "nobody"), None);
        let err = move_out(&mut load("", &keys("tanaka")), "tanaka", ID, SECRET).unwrap_err();
        assert!(err
            .to_string()
            .contains("does not take its keys from awsprof's vault"));
        // A source that is a vault line but not this profile's split.
        let other = format!(
            "[profile tanaka]\nrole_arn = {ROLE}\nsource_profile = shared\n\n[profile shared]\ncredential_process = {}\n",
            line("shared")
        );
        assert_eq!(vault_item_of(&load(&other, ""), "tanaka"), None);
        let mismatched = format!(
            "[profile tanaka]\nrole_arn = {ROLE}\nsource_profile = tanaka-keys\n\n[profile tanaka-keys]\ncredential_process = {}\n",
            line("elsewhere")
        );
        assert_eq!(vault_item_of(&load(&mismatched, ""), "tanaka"), None);
    }
}
