//! The operations that change profiles, as functions over both files:
//! each checks its input with the profiles layer's rules, edits the
//! documents, then checks the result (the merged view reads back what was
//! meant, and a chain that resolved still does). They do no I/O: the store
//! runs them inside a transaction, and commands only translate arguments.

mod add_role;
mod change;
mod keys;
pub mod populate;
mod sections;
mod set;
mod vault;

pub use add_role::{add_role, AddRole};
pub use change::{
    check_result, resolve_warnings, set_everywhere, set_everywhere_for_each, unset_everywhere,
    Action, Change, EditResult,
};
pub use keys::{check_key_shape, holders, import_key, remove_keys, replace_key, store_key};
pub use sections::{
    copy, delete, delete_sso_session, dependents, name_list, rename, rename_sso_session,
    standing_on,
};
pub use set::{
    check_set, check_unset, remove_role, set, set_checked, set_service, split_nested, unset,
    unset_service, Guard,
};
pub use vault::{move_in, move_out, plan_move_in, vault_item_of, VaultPlan};

use crate::error::{Error, Result};
use crate::profiles::{is_identifier, ProfileFiles, Section};

/// The profile, or a usage error naming the closest ones.
pub fn require_profile<'a>(files: &'a ProfileFiles, name: &str) -> Result<&'a Section> {
    files
        .set
        .profile(name)
        .ok_or_else(|| Error::unknown_profile(files, name))
}

/// Refuses to edit `profile` when it exists only as a quoted header
/// (`[profile "foo"]`): the AWS CLI reads that as `foo`, the SDKs ignore
/// it, and a second `[profile foo]` written beside it would hide its other
/// keys from the AWS CLI.
pub fn check_not_only_quoted(files: &ProfileFiles, profile: &str) -> Result<()> {
    if files.set.profile(profile).is_some() {
        return Ok(());
    }
    let quoted = format!("\"{profile}\"");
    for file in [&files.config, &files.credentials] {
        let doc = file.document();
        for idx in doc.section_starts() {
            let Some(header) = doc.line(idx).header_name() else {
                continue;
            };
            let name = crate::profiles::SectionName::parse(header);
            let names_it = name.name == quoted
                && match file.kind {
                    crate::profiles::FileKind::Config => name.prefix == Some("profile"),
                    crate::profiles::FileKind::Credentials => name.prefix.is_none(),
                };
            if names_it {
                return Err(Error::Usage(format!(
                    "{}:{}: [{header}] is read by the AWS CLI as profile `{profile}` but ignored by the SDKs, and a [profile {profile}] written beside it would hide its other keys from the AWS CLI; unquote it first (`awsprof lint --fix` does). Nothing was written",
                    file.path.display(),
                    idx + 1
                )));
            }
        }
    }
    Ok(())
}

/// Before an edit that would create `profile`: refused when a profile of
/// a close name exists (a typo), unless `create`; otherwise the note that
/// says a new profile is made. `None`: the profile exists.
pub fn gate_new_profile(
    files: &ProfileFiles,
    profile: &str,
    create: bool,
) -> Result<Option<String>> {
    if files.set.profile(profile).is_some() {
        return Ok(None);
    }
    let close: Vec<String> = files
        .closest_profiles(profile)
        .into_iter()
        .filter(|other| is_likely_typo(profile, other))
        .collect();
    if !close.is_empty() && !create {
        return Err(Error::Usage(format!(
            "profile `{profile}` does not exist; did you mean {}? Pass --create to make a new profile `{profile}`. Nothing was written",
            close.join(", ")
        )));
    }
    Ok(Some(format!("new profile [{profile}]")))
}

/// Whether `typed` is most likely a slip for `existing`: the same but for
/// case, one character left out or added, or two neighbours swapped. A
/// changed character is not counted (`dev1` beside `dev2`, `prod-eu`
/// beside `prod-us` are families of profiles, not typos).
pub fn is_likely_typo(typed: &str, existing: &str) -> bool {
    if typed == existing {
        return false;
    }
    if typed.eq_ignore_ascii_case(existing) {
        return true;
    }
    let (a, b) = (typed.to_ascii_lowercase(), existing.to_ascii_lowercase());
    if strsim::damerau_levenshtein(&a, &b) != 1 {
        return false;
    }
    let mut x: Vec<char> = a.chars().collect();
    let mut y: Vec<char> = b.chars().collect();
    if x.len() != y.len() {
        return true;
    }
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// Before writing `key`: a typo of a known key is refused unless
/// `force`; a key no AWS tool reads is written with a warning.
pub fn gate_key(key: &str, force: bool) -> Result<Option<String>> {
    use crate::profiles::keys::{closest_known, lookup};
    if lookup(key).is_some() {
        return Ok(None);
    }
    match closest_known(key) {
        Some(known) if !force => Err(Error::Usage(format!(
            "`{key}` is not a key AWS tools read; did you mean `{known}`? Pass --force to write `{key}` as it is. Nothing was written"
        ))),
        _ => Ok(Some(format!(
            "`{key}` is not a key the AWS CLI or SDKs read; written as asked"
        ))),
    }
}

/// A name the SDKs accept for a profile.
pub fn check_profile_name(name: &str) -> Result<()> {
    if name.is_empty() || !is_identifier(name) {
        return Err(Error::Usage(format!(
            "`{name}` is not a valid profile name; use letters, digits and _ - / . % @ : +"
        )));
    }
    Ok(())
}

/// A name the SDKs accept for a key.
pub fn check_key_name(key: &str) -> Result<()> {
    if key.is_empty() || !is_identifier(key) {
        return Err(Error::Usage(format!(
            "`{key}` is not a valid key; use letters, digits and _ - / . % @ : +"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::{FileKind, SourceFile};
    use std::path::Path;

    /// The walkthrough's user with a long-term key in the credentials file.
    pub(crate) const KEYS: &str =
        "[tanaka]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\n";

    /// One file's text as the edits leave it.
    pub(crate) fn text(files: &ProfileFiles, kind: FileKind) -> String {
        files.file(kind).document().to_string()
    }

    pub(crate) fn load(config: &str, credentials: &str) -> ProfileFiles {
        let file = |kind, name, text: &str| {
            SourceFile::from_bytes(kind, Path::new(name), text.as_bytes()).unwrap()
        };
        ProfileFiles::from_sources(
            file(FileKind::Config, "config", config),
            file(FileKind::Credentials, "credentials", credentials),
        )
        .unwrap()
    }

    #[test]
    fn a_new_profile_is_announced_and_a_likely_typo_needs_create() {
        let files = load("[profile tanaka]\nregion = eu-west-1\n", "");
        assert_eq!(gate_new_profile(&files, "tanaka", false).unwrap(), None);
        assert_eq!(
            gate_new_profile(&files, "suzuki", false)
                .unwrap()
                .as_deref(),
            Some("new profile [suzuki]")
        );
        let refused = gate_new_profile(&files, "tanak", false).unwrap_err();
        assert!(matches!(refused, Error::Usage(_)));
        assert!(
            refused.to_string().contains("did you mean tanaka?"),
            "{refused}"
        );
        assert_eq!(
            gate_new_profile(&files, "tanak", true).unwrap().as_deref(),
            Some("new profile [tanak]")
        );
    }

    #[test]
    fn names_are_checked_as_the_sdks_read_them() {
        for good in ["tanaka", "a/b.c%d@e:f+g_h-i"] {
            assert!(check_profile_name(good).is_ok(), "{good}");
            assert!(check_key_name(good).is_ok(), "{good}");
        }
        for bad in ["", "two words", "x]", "a=b", "#c"] {
            let profile = check_profile_name(bad).unwrap_err();
            assert!(matches!(profile, Error::Usage(_)), "{bad}");
            assert!(
                profile.to_string().contains("is not a valid profile name"),
                "{profile}"
            );
            let key = check_key_name(bad).unwrap_err();
            assert!(key.to_string().contains("is not a valid key"), "{key}");
        }
    }

    #[test]
    fn a_key_no_tool_reads_is_refused_when_it_looks_like_a_typo_and_noted_otherwise() {
        assert_eq!(gate_key("region", false).unwrap(), None);
        assert_eq!(gate_key("Region", true).unwrap(), None);
        let typo = gate_key("regoin", false).unwrap_err();
        assert!(matches!(typo, Error::Usage(_)));
        assert!(
            typo.to_string().contains("did you mean `region`?"),
            "{typo}"
        );
        let noted = "`regoin` is not a key the AWS CLI or SDKs read; written as asked";
        assert_eq!(gate_key("regoin", true).unwrap().as_deref(), Some(noted));
        assert_eq!(
            gate_key("team_tag", false).unwrap().as_deref(),
            Some("`team_tag` is not a key the AWS CLI or SDKs read; written as asked")
        );
    }

    #[test]
    fn a_profile_is_required_by_name_with_the_close_ones_suggested() {
        let files = load("[profile tanaka]\nregion = eu-west-1\n", "");
        let found = require_profile(&files, "tanaka").unwrap();
        assert_eq!(found.get("region"), Some("eu-west-1"));
        let missing = require_profile(&files, "tanak").unwrap_err();
        assert!(matches!(missing, Error::Usage(_)));
        assert!(missing.to_string().contains("tanaka"), "{missing}");
    }

    #[test]
    fn a_profile_only_quoted_is_refused_in_its_own_file_and_kind() {
        let config = "[profile \"team\"]\nregion = eu-west-1\n";
        let files = load(config, "");
        let refused = check_not_only_quoted(&files, "team").unwrap_err();
        assert!(matches!(refused, Error::Usage(_)));
        assert!(
            refused.to_string().starts_with(
                "config:1: [profile \"team\"] is read by the AWS CLI as profile `team`"
            ),
            "{refused}"
        );
        assert!(check_not_only_quoted(&files, "other").is_ok());
        let credentials = load("", "[x]\nregion = a\n\n[\"team\"]\nregion = b\n");
        let refused = check_not_only_quoted(&credentials, "team").unwrap_err();
        assert!(
            refused.to_string().starts_with("credentials:4: "),
            "{refused}"
        );
        // The wrong prefix for the file is another finding, not this one.
        for (config, credentials) in [
            ("[\"team\"]\nregion = a\n", ""),
            ("", "[profile \"team\"]\nregion = a\n"),
        ] {
            assert!(check_not_only_quoted(&load(config, credentials), "team").is_ok());
        }
        // An existing profile of that name is edited as it is.
        let both = load(
            "[profile \"team\"]\nregion = a\n[profile team]\nregion = b\n",
            "",
        );
        assert!(check_not_only_quoted(&both, "team").is_ok());
    }

    #[test]
    fn typos_are_slips_not_families() {
        use is_likely_typo as typo;
        assert!(typo("tanak", "tanaka"));
        assert!(typo("tanakaa", "tanaka"));
        assert!(typo("tnaaka", "tanaka"));
        assert!(typo("Tanaka", "tanaka"));
        assert!(!typo("team1", "team0"));
        assert!(!typo("prod-eu", "prod-us"));
        assert!(!typo("tanaka", "tanaka"));
        assert!(!typo("staging", "prod"));
    }
}
