//! `add-role`: the walkthrough's edit.

use super::{check_profile_name, check_result, set_everywhere, unset_everywhere, EditResult};
use crate::error::{Error, Result};
use crate::profiles::keys::{self, check_value};
use crate::profiles::{FileKind, ProfileFiles};

/// What to add, as plain values.
#[derive(Debug, Clone, Default)]
pub struct AddRole {
    pub name: String,
    pub role_arn: String,
    pub source_profile: Option<String>,
    pub credential_source: Option<String>,
    /// Which file to edit (default: where the profile is defined; the
    /// config file when both or neither).
    pub file: Option<FileKind>,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<u32>,
    pub region: Option<String>,
    /// Replace a different role setting that is already there.
    pub force: bool,
    /// Make a new profile even though one of a close name exists.
    pub create: bool,
}

impl AddRole {
    /// Checks every value before any file is read.
    pub fn check(&self) -> Result<()> {
        check_profile_name(&self.name)?;
        let duration = self.duration_seconds.map(|d| d.to_string());
        let given = [
            (keys::ROLE_ARN, Some(&self.role_arn)),
            (keys::CREDENTIAL_SOURCE, self.credential_source.as_ref()),
            (keys::MFA_SERIAL, self.mfa_serial.as_ref()),
            (keys::EXTERNAL_ID, self.external_id.as_ref()),
            (keys::ROLE_SESSION_NAME, self.role_session_name.as_ref()),
            (keys::DURATION_SECONDS, duration.as_ref()),
            (keys::REGION, self.region.as_ref()),
        ];
        for (key, value) in given {
            if let Some(v) = value {
                check_value(key, v).map_err(Error::Usage)?;
            }
        }
        Ok(())
    }

    /// The profiles the edit reads by name.
    pub fn profiles(&self) -> Vec<&str> {
        let mut out = vec![self.name.as_str()];
        out.extend(self.source_profile.as_deref());
        out
    }

    /// The settings add-role writes, in the order it writes them.
    fn desired(&self, source: (&'static str, String)) -> Vec<(&'static str, String)> {
        let mut out = vec![(keys::ROLE_ARN, self.role_arn.clone()), source];
        let optional = [
            (keys::MFA_SERIAL, self.mfa_serial.clone()),
            (keys::EXTERNAL_ID, self.external_id.clone()),
            (keys::ROLE_SESSION_NAME, self.role_session_name.clone()),
            (
                keys::DURATION_SECONDS,
                self.duration_seconds.map(|d| d.to_string()),
            ),
            (keys::REGION, self.region.clone()),
        ];
        out.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
        out
    }
}

fn has_static_keys(files: &ProfileFiles, name: &str) -> bool {
    files.set.profile(name).is_some_and(|p| {
        p.get(keys::AWS_ACCESS_KEY_ID).is_some() && p.get(keys::AWS_SECRET_ACCESS_KEY).is_some()
    })
}

/// Adds the role to `args.name`; `args` is checked with
/// [`AddRole::check`] first.
pub fn add_role(files: &mut ProfileFiles, args: &AddRole) -> Result<EditResult> {
    super::check_not_only_quoted(files, &args.name)?;
    let new_profile = super::gate_new_profile(files, &args.name, args.create)?;
    let mut result = add_role_to(files, args)?;
    result.notes.extend(new_profile);
    Ok(result)
}

fn add_role_to(files: &mut ProfileFiles, args: &AddRole) -> Result<EditResult> {
    let name = args.name.as_str();
    let existing = files.set.profile(name);
    let target = match (args.file, existing) {
        (Some(f), _) => f,
        (None, Some(p))
            if p.defined_in(FileKind::Credentials) && !p.defined_in(FileKind::Config) =>
        {
            FileKind::Credentials
        }
        _ => FileKind::Config,
    };
    let source: (&'static str, String) = match (&args.source_profile, &args.credential_source) {
        (Some(profile), _) => {
            if profile != name && files.set.profile(profile).is_none() {
                return Err(match Error::unknown_profile(files, profile) {
                    Error::Usage(m) => Error::Usage(format!("source {m}")),
                    e => e,
                });
            }
            (keys::SOURCE_PROFILE, profile.clone())
        }
        (None, Some(source)) => (keys::CREDENTIAL_SOURCE, source.clone()),
        (None, None) if has_static_keys(files, name) => (keys::SOURCE_PROFILE, name.to_string()),
        (None, None) => {
            return Err(Error::Usage(format!(
                "profile `{name}` holds no static keys to assume the role with; pass --source-profile PROFILE (a profile with credentials) or --credential-source Environment|Ec2InstanceMetadata|EcsContainer"
            )))
        }
    };
    let other_source = if source.0 == keys::SOURCE_PROFILE {
        keys::CREDENTIAL_SOURCE
    } else {
        keys::SOURCE_PROFILE
    };
    let desired = args.desired(source);

    let conflicts: Vec<String> = existing
        .map(|p| {
            desired
                .iter()
                .filter_map(|(k, v)| {
                    p.property(k)
                        .filter(|cur| cur.value.as_str() != v.as_str())
                        .map(|cur| (k, cur))
                })
                .map(|(k, cur)| format!("{k} = {} ({})", cur.value, files.origin_path(cur.origin)))
                .chain(p.property(other_source).map(|cur| {
                    format!(
                        "{other_source} = {} ({})",
                        cur.value,
                        files.origin_path(cur.origin)
                    )
                }))
                .collect()
        })
        .unwrap_or_default();
    if !conflicts.is_empty() && !args.force {
        return Err(Error::Usage(format!(
            "profile `{name}` already has {}; pass --force to replace it",
            conflicts.join(", ")
        )));
    }
    let already =
        existing.is_some_and(|p| desired.iter().all(|(k, v)| p.get(k) == Some(v.as_str())));
    if already && conflicts.is_empty() {
        return Ok(EditResult::unchanged(format!(
            "profile `{name}` is already configured with role {}",
            args.role_arn
        )));
    }

    let mut changes = Vec::new();
    for (key, value) in &desired {
        changes.extend(set_everywhere(files, name, key, value, target));
    }
    changes.extend(unset_everywhere(files, name, other_source));
    let mut expected: Vec<(&str, Option<&str>)> = desired
        .iter()
        .map(|(k, v)| (*k, Some(v.as_str())))
        .collect();
    expected.push((other_source, None));
    // A role that does not resolve is never written.
    let warnings = check_result(files, name, &expected, true)?;
    Ok(EditResult::changed(changes, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::tests::{load, KEYS};

    const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";

    fn args(name: &str) -> AddRole {
        AddRole {
            name: name.into(),
            role_arn: ROLE.into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_value_is_checked_before_a_file_is_read() {
        assert!(args("toy").check().is_ok());
        let bad_name = args("two words").check().unwrap_err();
        assert!(
            bad_name.to_string().contains("is not a valid profile name"),
            "{bad_name}"
        );
        let mut bad_arn = args("toy");
        bad_arn.role_arn = "toy-role".into();
        assert!(matches!(bad_arn.check().unwrap_err(), Error::Usage(_)));
        let mut bad_duration = args("toy");
        bad_duration.duration_seconds = Some(60);
        let refused = bad_duration.check().unwrap_err();
        assert!(matches!(refused, Error::Usage(_)));
        assert!(refused.to_string().contains("900"), "{refused}");
        let mut bad_region = args("toy");
        bad_region.region = Some("eu west 1".into());
        assert!(matches!(bad_region.check().unwrap_err(), Error::Usage(_)));
    }

    #[test]
    fn the_edit_reads_the_profile_and_its_source_by_name() {
        assert_eq!(args("toy").profiles(), ["toy"]);
        let mut sourced = args("toy");
        sourced.source_profile = Some("tanaka".into());
        assert_eq!(sourced.profiles(), ["toy", "tanaka"]);
    }

    #[test]
    fn the_role_goes_where_the_profile_is_and_to_config_when_it_is_in_both() {
        let mut a = args("toy");
        a.source_profile = Some("tanaka".into());
        a.create = true;
        for (config, credentials, expected) in [
            (
                "[profile toy]\nregion = eu-west-1\n",
                KEYS.to_string(),
                FileKind::Config,
            ),
            (
                "[profile toy]\nregion = eu-west-1\n",
                format!("{KEYS}[toy]\nregion = eu-west-1\n"),
                FileKind::Config,
            ),
            (
                "",
                format!("{KEYS}[toy]\nregion = eu-west-1\n"),
                FileKind::Credentials,
            ),
            ("", KEYS.to_string(), FileKind::Config),
        ] {
            let mut files = load(config, &credentials);
            let result = add_role(&mut files, &a).unwrap();
            assert!(!result.changes.is_empty());
            assert!(
                result.changes.iter().all(|c| c.file == expected),
                "{config:?} {credentials:?}: {:?}",
                result.changes
            );
        }
    }

    #[test]
    fn a_different_role_already_there_is_replaced_only_with_force() {
        let other = "arn:aws:iam::123456789012:role/other";
        let config = format!("[profile toy]\nrole_arn = {other}\nsource_profile = tanaka\n");
        let mut files = load(&config, KEYS);
        let mut a = args("toy");
        a.source_profile = Some("tanaka".into());
        let refused = add_role(&mut files, &a).unwrap_err();
        assert!(matches!(refused, Error::Usage(_)));
        assert!(
            refused.to_string().starts_with(&format!(
                "profile `toy` already has role_arn = {other} (config"
            )),
            "{refused}"
        );
        assert!(
            !refused.to_string().contains("source_profile = tanaka"),
            "the same value is no conflict: {refused}"
        );
        assert_eq!(files.file(FileKind::Config).document().to_string(), config);
        a.force = true;
        add_role(&mut files, &a).unwrap();
        assert_eq!(
            files.file(FileKind::Config).document().to_string(),
            format!("[profile toy]\nrole_arn = {ROLE}\nsource_profile = tanaka\n")
        );
    }

    #[test]
    fn without_a_source_the_profiles_own_keys_are_the_source_when_it_has_both() {
        let mut files = load("", KEYS);
        add_role(&mut files, &args("tanaka")).unwrap();
        assert_eq!(
            files.file(FileKind::Credentials).document().to_string(),
            format!("{KEYS}role_arn = {ROLE}\nsource_profile = tanaka\n")
        );

        let half = "[tanaka]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\n";
        let mut files = load("", half);
        let refused = add_role(&mut files, &args("tanaka")).unwrap_err();
        assert!(matches!(refused, Error::Usage(_)), "{refused:?}");
        assert!(
            refused.to_string().contains("holds no static keys"),
            "{refused}"
        );
        assert_eq!(
            files.file(FileKind::Credentials).document().to_string(),
            half
        );
    }

    #[test]
    fn the_file_asked_for_wins_over_where_the_profile_is() {
        let mut files = load("[profile tanaka]\nregion = eu-west-1\n", KEYS);
        let mut into_credentials = args("tanaka");
        into_credentials.file = Some(FileKind::Credentials);
        into_credentials.source_profile = Some("tanaka".into());
        let result = add_role(&mut files, &into_credentials).unwrap();
        assert!(result
            .changes
            .iter()
            .all(|c| c.file == FileKind::Credentials));
        assert_eq!(
            files.file(FileKind::Config).document().to_string(),
            "[profile tanaka]\nregion = eu-west-1\n"
        );
    }

    #[test]
    fn an_unknown_source_profile_is_a_usage_error_naming_it() {
        let mut files = load("", KEYS);
        let mut other = args("toy");
        other.source_profile = Some("tanak".into());
        other.create = true;
        let refused = add_role(&mut files, &other).unwrap_err();
        assert!(matches!(refused, Error::Usage(_)), "{refused:?}");
        assert!(
            refused
                .to_string()
                .starts_with("source profile `tanak` not found"),
            "{refused}"
        );
        assert!(
            refused.to_string().contains("did you mean tanaka?"),
            "{refused}"
        );
        other.source_profile = Some("tanaka".into());
        add_role(&mut files, &other).unwrap();
        assert_eq!(
            files.set.profile("toy").unwrap().get(keys::SOURCE_PROFILE),
            Some("tanaka")
        );
    }
}
