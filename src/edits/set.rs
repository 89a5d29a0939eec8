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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::tests::{load, text, KEYS};

    const ROLE: &str = "arn:aws:iam::123456789012:role/r";

    fn summary(result: &EditResult) -> Vec<(FileKind, String, &'static str)> {
        result
            .changes
            .iter()
            .map(|c| (c.file, c.key.clone(), c.action.as_str()))
            .collect()
    }

    #[test]
    fn a_nested_key_needs_both_halves() {
        assert_eq!(
            split_nested("s3.addressing_style"),
            Some(("s3", "addressing_style"))
        );
        assert_eq!(split_nested("region"), None);
        assert_eq!(split_nested(".x"), None);
        assert_eq!(split_nested("s3."), None);
    }

    #[test]
    fn input_is_checked_and_the_key_lowercased_before_a_file_is_read() {
        assert_eq!(
            check_set("tanaka", "Region", "eu-west-1").unwrap(),
            "region"
        );
        for (profile, key, value) in [
            ("two words", "region", "eu-west-1"),
            ("tanaka", "a=b", "x"),
            ("tanaka", "region", "eu west 1"),
        ] {
            let refused = check_set(profile, key, value).unwrap_err();
            assert!(matches!(refused, Error::Usage(_)), "{refused:?}");
        }
        assert!(check_unset("tanaka", "region").is_ok());
        assert!(matches!(
            check_unset("two words", "region"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(check_unset("tanaka", "a=b"), Err(Error::Usage(_))));
    }

    #[test]
    fn a_key_is_set_where_it_is_else_where_the_aws_cli_writes_it() {
        let mut files = load("[profile tanaka]\nregion = eu-west-1\n", KEYS);
        let result = set(&mut files, "tanaka", "region", "us-east-1", None).unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Config, "region".into(), "replaced")]
        );
        let result = set(&mut files, "tanaka", "aws_session_token", "tok", None).unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Credentials, "aws_session_token".into(), "added")]
        );
        let result = set(
            &mut files,
            "tanaka",
            "output",
            "json",
            Some(FileKind::Credentials),
        )
        .unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Credentials, "output".into(), "added")]
        );
        assert_eq!(
            text(&files, FileKind::Config),
            "[profile tanaka]\nregion = us-east-1\n"
        );
        assert_eq!(
            text(&files, FileKind::Credentials),
            format!("{KEYS}aws_session_token = tok\noutput = json\n")
        );
        let same = set(&mut files, "tanaka", "region", "us-east-1", None).unwrap();
        assert!(same.changes.is_empty());
        assert_eq!(
            same.unchanged_because.as_deref(),
            Some("region of profile `tanaka` is already set to that value")
        );
    }

    #[test]
    fn a_source_profile_must_exist_unless_it_is_the_profile_itself() {
        let mut files = load("", KEYS);
        let refused = set(&mut files, "toy", "source_profile", "nobody", None).unwrap_err();
        assert!(matches!(refused, Error::Usage(_)));
        assert!(refused
            .to_string()
            .starts_with("source profile `nobody` does not exist"));
        set(&mut files, "tanaka", "source_profile", "tanaka", None).unwrap();
        let result = set(&mut files, "toy", "source_profile", "tanaka", None).unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Config, "source_profile".into(), "added")]
        );
    }

    #[test]
    fn a_change_that_breaks_a_resolving_chain_is_refused_and_a_broken_one_only_warned() {
        let config = format!("[profile toy]\nrole_arn = {ROLE}\nsource_profile = tanaka\n");
        let mut files = load(&config, KEYS);
        let refused = set(&mut files, "toy", "source_profile", "toy", None).unwrap_err();
        assert!(
            refused.to_string().contains("would not resolve"),
            "{refused}"
        );
        let mut files = load(&format!("[profile toy]\nrole_arn = {ROLE}\n"), KEYS);
        let result = set(&mut files, "toy", "region", "eu-west-1", None).unwrap();
        assert_eq!(result.warnings.len(), 1, "{:?}", result.warnings);
        assert!(result.warnings[0].starts_with("profile `toy` does not resolve"));
        let refused = set(&mut files, "tanaka", "role_arn", ROLE, None).unwrap_err();
        assert!(
            refused.to_string().contains("would not resolve"),
            "{refused}"
        );
    }

    #[test]
    fn an_unknown_key_is_written_with_a_note_and_a_block_is_not_overwritten() {
        let mut files = load("[profile tanaka]\ns3 =\n  addressing_style = path\n", KEYS);
        let result = set(&mut files, "tanaka", "team_tag", "blue", None).unwrap();
        assert_eq!(
            result.warnings,
            ["`team_tag` is not a key the AWS CLI or SDKs read; written as asked"]
        );
        let refused = set(&mut files, "tanaka", "s3", "flat", None).unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("`s3` of profile `tanaka` holds sub-properties"),
            "{refused}"
        );
        let guarded = Guard {
            create: false,
            force: false,
        };
        let typo = set_checked(&mut files, "tanaka", "regoin", "x", None, &guarded).unwrap_err();
        assert!(
            typo.to_string().contains("did you mean `region`?"),
            "{typo}"
        );
    }

    #[test]
    fn sub_properties_are_set_and_unset_inside_their_block() {
        let config = "[profile tanaka]\ns3 =\n  addressing_style = path\n";
        let mut files = load(config, KEYS);
        let result = set(
            &mut files,
            "tanaka",
            "s3.max_concurrent_requests",
            "20",
            None,
        )
        .unwrap();
        assert_eq!(
            summary(&result),
            [(
                FileKind::Config,
                "s3.max_concurrent_requests".into(),
                "added"
            )]
        );
        let result = set(&mut files, "tanaka", "s3.addressing_style", "virtual", None).unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Config, "s3.addressing_style".into(), "replaced")]
        );
        assert_eq!(
            text(&files, FileKind::Config),
            "[profile tanaka]\ns3 =\n  addressing_style = virtual\n  max_concurrent_requests = 20\n"
        );
        let same = set(&mut files, "tanaka", "s3.addressing_style", "virtual", None).unwrap();
        assert_eq!(
            same.unchanged_because.as_deref(),
            Some("s3.addressing_style of profile `tanaka` is already set to that value")
        );
        let result = unset(&mut files, "tanaka", "S3.addressing_style").unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Config, "s3.addressing_style".into(), "removed")]
        );
        let absent = unset(&mut files, "tanaka", "s3.addressing_style").unwrap();
        assert_eq!(
            absent.unchanged_because.as_deref(),
            Some("s3.addressing_style is not set in profile `tanaka`")
        );
        // A block is extended in the file that holds it.
        let mut files = load("", &format!("{KEYS}s3 =\n    addressing_style = path\n"));
        let result = set(
            &mut files,
            "tanaka",
            "s3.use_accelerate_endpoint",
            "true",
            None,
        )
        .unwrap();
        assert_eq!(
            summary(&result),
            [(
                FileKind::Credentials,
                "s3.use_accelerate_endpoint".into(),
                "added"
            )]
        );
        // A new block goes where the file says.
        let mut files = load("", KEYS);
        set(
            &mut files,
            "tanaka",
            "s3.addressing_style",
            "path",
            Some(FileKind::Credentials),
        )
        .unwrap();
        assert!(
            text(&files, FileKind::Credentials).ends_with("s3 =\n    addressing_style = path\n")
        );
    }

    #[test]
    fn an_unset_removes_the_key_everywhere_and_a_section_it_empties() {
        let mut files = load(
            "[profile tanaka]\nregion = eu-west-1\n\n[profile other]\nregion = a\n",
            &format!("{KEYS}region = eu-west-1\n"),
        );
        let result = unset(&mut files, "tanaka", "Region").unwrap();
        assert_eq!(
            summary(&result),
            [
                (FileKind::Config, "region".into(), "removed"),
                (FileKind::Credentials, "region".into(), "removed"),
                (FileKind::Config, "[tanaka]".into(), "removed"),
            ]
        );
        assert_eq!(
            text(&files, FileKind::Config),
            "[profile other]\nregion = a\n"
        );
        assert_eq!(text(&files, FileKind::Credentials), KEYS);
        let absent = unset(&mut files, "tanaka", "region").unwrap();
        assert_eq!(
            absent.unchanged_because.as_deref(),
            Some("region is not set in profile `tanaka`")
        );
        assert!(matches!(
            unset(&mut files, "nobody", "region"),
            Err(Error::Usage(_))
        ));
        // The last key of a profile: its section goes, and nothing is
        // left to judge.
        let result = unset(&mut files, "other", "region").unwrap();
        assert!(result.warnings.is_empty());
        assert_eq!(text(&files, FileKind::Config), "");
    }

    #[test]
    fn remove_role_takes_the_role_keys_and_leaves_the_rest() {
        let config = format!(
            "[profile toy]\nrole_arn = {ROLE}\nsource_profile = tanaka\nexternal_id = x\nregion = eu-west-1\n"
        );
        let mut files = load(&config, KEYS);
        let result = remove_role(&mut files, "toy").unwrap();
        assert_eq!(
            summary(&result),
            [
                (FileKind::Config, "role_arn".into(), "removed"),
                (FileKind::Config, "source_profile".into(), "removed"),
                (FileKind::Config, "external_id".into(), "removed"),
            ]
        );
        assert_eq!(
            text(&files, FileKind::Config),
            "[profile toy]\nregion = eu-west-1\n"
        );
        let again = remove_role(&mut files, "toy").unwrap();
        assert_eq!(
            again.unchanged_because.as_deref(),
            Some("profile `toy` has no role settings")
        );
        assert!(matches!(
            remove_role(&mut files, "nobody"),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn a_services_section_holds_blocks_and_goes_with_its_last_setting() {
        let mut files = load("", "");
        let refused =
            set_service(&mut files, "local", "endpoint_url", "http://localhost:5000").unwrap_err();
        assert!(
            refused.to_string().contains("like s3.endpoint_url"),
            "{refused}"
        );
        let result = set_service(
            &mut files,
            "local",
            "s3.endpoint_url",
            "http://localhost:5000",
        )
        .unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Config, "s3.endpoint_url".into(), "added")]
        );
        let result = set_service(
            &mut files,
            "local",
            "s3.endpoint_url",
            "http://localhost:6000",
        )
        .unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Config, "s3.endpoint_url".into(), "replaced")]
        );
        set_service(
            &mut files,
            "local",
            "sts.endpoint_url",
            "http://localhost:6000",
        )
        .unwrap();
        assert_eq!(
            text(&files, FileKind::Config),
            "[services local]\ns3 =\n    endpoint_url = http://localhost:6000\nsts =\n    endpoint_url = http://localhost:6000\n"
        );
        assert!(unset_service(&mut files, "local", "s3").is_err());
        let missing = unset_service(&mut files, "locl", "s3.endpoint_url").unwrap_err();
        assert!(missing.to_string().contains("did you mean"), "{missing}");
        let absent = unset_service(&mut files, "local", "ec2.endpoint_url").unwrap();
        assert_eq!(
            absent.unchanged_because.as_deref(),
            Some("ec2.endpoint_url is not set in [services local]")
        );
        let result = unset_service(&mut files, "local", "s3.endpoint_url").unwrap();
        assert_eq!(
            summary(&result),
            [(FileKind::Config, "s3.endpoint_url".into(), "removed")]
        );
        let result = unset_service(&mut files, "local", "sts.endpoint_url").unwrap();
        assert_eq!(
            summary(&result),
            [
                (FileKind::Config, "sts.endpoint_url".into(), "removed"),
                (FileKind::Config, "[services local]".into(), "removed"),
            ]
        );
        assert_eq!(text(&files, FileKind::Config), "");
    }
}
