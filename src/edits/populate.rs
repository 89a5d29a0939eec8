//! `sso populate`'s edit: one config profile per account and role the
//! portal lists, named by a template, each marked as populate's by its
//! first line so that a later run can update or prune it; a profile the
//! user wrote is never touched.

use super::change::{Action, Change, EditResult};
use crate::error::{Error, Result};
use crate::profiles::{keys, FileKind, ProfileFiles, Section};

/// One account and role, as the portal lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub account_id: String,
    pub account_name: String,
    pub role_name: String,
}

/// What to write.
#[derive(Debug, Clone)]
pub struct Populate {
    pub session: String,
    /// `{account_name}`, `{account_id}` and `{role_name}` are replaced.
    pub template: String,
    pub region: Option<String>,
    /// Remove populate's profiles whose account and role are gone.
    pub prune: bool,
}

pub const DEFAULT_TEMPLATE: &str = "{account_name}-{role_name}";

/// The first line of every profile populate writes for `session`.
pub fn marker(session: &str) -> String {
    format!("# written by awsprof sso populate --sso-session {session}; it updates or prunes this profile")
}

/// The template filled in and made a valid profile name: characters a
/// name may not hold become `-`, runs of `-` one.
pub fn profile_name(template: &str, a: &Assignment) -> String {
    let filled = template
        .replace("{account_name}", &a.account_name)
        .replace("{account_id}", &a.account_id)
        .replace("{role_name}", &a.role_name);
    let mut name = String::new();
    for c in filled.chars() {
        let c = if c.is_ascii_alphanumeric() || "_-.@+".contains(c) {
            c
        } else {
            '-'
        };
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    name.trim_matches('-').to_string()
}

/// The template must name the role and tell accounts apart.
pub fn check_template(template: &str) -> Result<()> {
    let names_account = template.contains("{account_name}") || template.contains("{account_id}");
    if template.contains("{role_name}") && names_account {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "--template `{template}` must hold {{role_name}} and {{account_name}} or {{account_id}}, or two profiles would get one name"
        )))
    }
}

/// Whether `section` is one populate wrote for `session`.
fn is_populated(files: &ProfileFiles, section: &Section, session: &str) -> bool {
    let Some(header) = section.headers.iter().find(|h| h.file == FileKind::Config) else {
        return false;
    };
    files
        .file(FileKind::Config)
        .document()
        .get_line(header.line as usize)
        .is_some_and(|next| next.text() == marker(session))
}

/// Populate's profiles of `session` whose account and role the portal no
/// longer lists: what `--prune` removes.
pub fn stale(files: &ProfileFiles, plan: &Populate, listed: &[Assignment]) -> Vec<String> {
    files
        .set
        .profiles
        .iter()
        .filter(|(_, p)| is_populated(files, p, &plan.session))
        .filter(|(_, p)| {
            !listed.iter().any(|a| {
                p.get(keys::SSO_ACCOUNT_ID) == Some(a.account_id.as_str())
                    && p.get(keys::SSO_ROLE_NAME) == Some(a.role_name.as_str())
            })
        })
        .map(|(name, _)| name.to_string())
        .collect()
}

fn header_line(files: &ProfileFiles, name: &str) -> Option<usize> {
    let section = files.set.profile(name)?;
    let header = section
        .headers
        .iter()
        .find(|h| h.file == FileKind::Config)?;
    Some(header.line as usize - 1)
}

pub fn populate(
    files: &mut ProfileFiles,
    plan: &Populate,
    listed: &[Assignment],
) -> Result<EditResult> {
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let mut taken = std::collections::BTreeSet::new();
    for a in listed {
        // What the portal says goes into the file: only values of the
        // shape AWS gives them (no line breaks, no brackets).
        let shaped = a.account_id.len() == 12
            && a.account_id.bytes().all(|b| b.is_ascii_digit())
            && !a.role_name.is_empty()
            && a.role_name.len() <= 64
            && a.role_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
        if !shaped {
            warnings.push(format!(
                "the portal listed account `{}` role `{}`, which are not an AWS account id and role name: skipped",
                a.account_id.escape_default(),
                a.role_name.escape_default()
            ));
            continue;
        }
        let name = profile_name(&plan.template, a);
        if name.is_empty() || !taken.insert(name.clone()) {
            warnings.push(format!(
                "account {} role {} gets no profile: the template gives it the name `{name}`, which another takes",
                a.account_id, a.role_name
            ));
            continue;
        }
        let mut wanted = vec![
            (keys::SSO_SESSION, plan.session.clone()),
            (keys::SSO_ACCOUNT_ID, a.account_id.clone()),
            (keys::SSO_ROLE_NAME, a.role_name.clone()),
        ];
        if let Some(region) = &plan.region {
            wanted.push((keys::REGION, region.clone()));
        }
        match files.set.profile(&name) {
            None => {
                let mut body = vec![marker(&plan.session)];
                body.extend(wanted.iter().map(|(k, v)| format!("{k} = {v}")));
                files
                    .document_mut(FileKind::Config)
                    .append_section_lines(&format!("profile {name}"), body);
                changes.push(Change {
                    file: FileKind::Config,
                    key: format!("[profile {name}]"),
                    value: None,
                    action: Action::Added,
                });
                files.reparse()?;
            }
            Some(section) if is_populated(files, section, &plan.session) => {
                let differing: Vec<(&str, String)> = wanted
                    .iter()
                    .filter(|(k, v)| section.get(k) != Some(v.as_str()))
                    .cloned()
                    .collect();
                for (key, value) in differing {
                    let header = header_line(files, &name).expect("the profile is in the config");
                    files.document_mut(FileKind::Config).set(header, key, &value);
                    changes.push(Change {
                        file: FileKind::Config,
                        key: format!("{name}.{key}"),
                        value: Some(value),
                        action: Action::Replaced,
                    });
                    files.reparse()?;
                }
            }
            Some(_) => warnings.push(format!(
                "profile `{name}` exists and was not written by populate: kept as it is (account {} role {} gets no profile; choose another --template)",
                a.account_id, a.role_name
            )),
        }
    }
    let gone = stale(files, plan, listed);
    if plan.prune {
        let mut headers: Vec<usize> = gone
            .iter()
            .filter_map(|name| header_line(files, name))
            .collect();
        headers.sort_unstable();
        for header in headers.into_iter().rev() {
            let inner = files
                .file(FileKind::Config)
                .document()
                .line(header)
                .header_name()
                .unwrap_or_default()
                .to_string();
            files
                .document_mut(FileKind::Config)
                .remove_section_whole(header);
            changes.push(Change {
                file: FileKind::Config,
                key: format!("[{inner}]"),
                value: None,
                action: Action::Removed,
            });
        }
        files.reparse()?;
    } else if !gone.is_empty() {
        warnings.push(format!(
            "the portal no longer lists these populated profiles: {}; --prune removes them",
            gone.join(", ")
        ));
    }
    if changes.is_empty() {
        let mut result = EditResult::unchanged(format!(
            "every profile of sso-session {} is as populate would write it",
            plan.session
        ));
        result.warnings = warnings;
        return Ok(result);
    }
    Ok(EditResult::changed(changes, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(id: &str, name: &str, role: &str) -> Assignment {
        Assignment {
            account_id: id.into(),
            account_name: name.into(),
            role_name: role.into(),
        }
    }

    #[test]
    fn names_are_valid_profile_names() {
        let x = a("111111111111", "Prod Account (EU)", "AdministratorAccess");
        assert_eq!(
            profile_name(DEFAULT_TEMPLATE, &x),
            "Prod-Account-EU-AdministratorAccess"
        );
        assert_eq!(
            profile_name("{account_id}.{role_name}", &x),
            "111111111111.AdministratorAccess"
        );
        assert!(check_template("{role_name}").is_err());
        assert!(check_template("{account_id}").is_err());
        assert!(check_template(DEFAULT_TEMPLATE).is_ok());
    }

    #[test]
    fn what_the_portal_lists_is_checked_before_it_reaches_the_file() {
        use crate::profiles::SourceFile;
        let config = "[sso-session corp]\nsso_start_url = https://x\nsso_region = us-east-1\n";
        let source = |kind, text: &str| {
            SourceFile::from_bytes(kind, std::path::Path::new("f"), text.as_bytes()).unwrap()
        };
        let mut files = ProfileFiles::from_sources(
            source(FileKind::Config, config),
            source(FileKind::Credentials, ""),
        )
        .unwrap();
        let plan = Populate {
            session: "corp".into(),
            template: DEFAULT_TEMPLATE.into(),
            region: None,
            prune: false,
        };
        let listed = [
            a(
                "111111111111",
                "Dev",
                "Admin\n[profile evil]\ncredential_process = sh",
            ),
            a("11111111111x", "Dev", "Admin"),
            a("222222222222", "Prod", "Admin"),
        ];
        let result = populate(&mut files, &plan, &listed).unwrap();
        assert_eq!(result.warnings.len(), 2, "{:?}", result.warnings);
        let text = files.file(FileKind::Config).document().to_string();
        assert!(!text.contains("evil"), "{text}");
        assert!(text.contains("[profile Prod-Admin]"), "{text}");
    }

    const SESSION: &str = "[sso-session corp]\nsso_start_url = https://x\nsso_region = us-east-1\n";

    fn plan(prune: bool, region: Option<&str>) -> Populate {
        Populate {
            session: "corp".into(),
            template: DEFAULT_TEMPLATE.into(),
            region: region.map(str::to_string),
            prune,
        }
    }

    fn config(files: &ProfileFiles) -> String {
        files.file(FileKind::Config).document().to_string()
    }

    fn summary(result: &EditResult) -> Vec<String> {
        result
            .changes
            .iter()
            .map(|c| format!("{} {} {:?}", c.action.as_str(), c.key, c.value))
            .collect()
    }

    #[test]
    fn profiles_are_written_marked_and_a_second_run_changes_nothing() {
        let mut files = crate::edits::tests::load(SESSION, "");
        let listed = [
            a("111111111111", "Dev", "Admin"),
            a("222222222222", "Prod", "ReadOnly"),
        ];
        let first = populate(&mut files, &plan(false, Some("eu-west-1")), &listed).unwrap();
        assert_eq!(
            summary(&first),
            [
                "added [profile Dev-Admin] None",
                "added [profile Prod-ReadOnly] None"
            ]
        );
        assert!(first.warnings.is_empty(), "{:?}", first.warnings);
        let written = config(&files);
        assert_eq!(
            written,
            format!(
                "{SESSION}\n[profile Dev-Admin]\n{m}\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = eu-west-1\n\n[profile Prod-ReadOnly]\n{m}\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = ReadOnly\nregion = eu-west-1\n",
                m = marker("corp")
            )
        );
        let again = populate(&mut files, &plan(false, Some("eu-west-1")), &listed).unwrap();
        assert!(again.changes.is_empty());
        assert_eq!(
            again.unchanged_because.as_deref(),
            Some("every profile of sso-session corp is as populate would write it")
        );
        assert_eq!(config(&files), written);
    }

    #[test]
    fn a_populated_profile_is_updated_in_place_and_only_where_it_differs() {
        let mut files = crate::edits::tests::load(SESSION, "");
        let listed = [a("111111111111", "Dev", "Admin")];
        populate(&mut files, &plan(false, Some("eu-west-1")), &listed).unwrap();
        let updated = populate(&mut files, &plan(false, Some("us-east-2")), &listed).unwrap();
        assert_eq!(
            summary(&updated),
            ["replaced Dev-Admin.region Some(\"us-east-2\")"]
        );
        let text = config(&files);
        assert!(
            text.ends_with("sso_role_name = Admin\nregion = us-east-2\n"),
            "{text}"
        );
        assert_eq!(text.matches("[profile Dev-Admin]").count(), 1, "{text}");
    }

    #[test]
    fn a_profile_the_user_wrote_is_never_touched() {
        let mine = "[profile Dev-Admin]\nsso_session = corp\nsso_account_id = 999999999999\nsso_role_name = Admin\n";
        let original = format!("{SESSION}{mine}");
        let mut files = crate::edits::tests::load(&original, "");
        // Marked for another session: not populate's for this one either.
        let listed = [a("111111111111", "Dev", "Admin")];
        let result = populate(&mut files, &plan(true, None), &listed).unwrap();
        assert!(result.changes.is_empty());
        assert_eq!(result.warnings.len(), 1, "{:?}", result.warnings);
        assert!(
            result.warnings[0]
                .starts_with("profile `Dev-Admin` exists and was not written by populate"),
            "{:?}",
            result.warnings
        );
        assert_eq!(config(&files), original);

        let other = format!(
            "{SESSION}[profile Dev-Admin]\n{}\nsso_session = other\nsso_account_id = 999999999999\nsso_role_name = Admin\n",
            marker("other")
        );
        let mut files = crate::edits::tests::load(&other, "");
        let result = populate(&mut files, &plan(true, None), &listed).unwrap();
        assert!(result.changes.is_empty());
        assert_eq!(config(&files), other);
    }

    #[test]
    fn gone_assignments_are_reported_and_removed_only_with_prune() {
        let mut files = crate::edits::tests::load(SESSION, "[default]\nregion = x\n");
        let both = [
            a("111111111111", "Dev", "Admin"),
            a("222222222222", "Prod", "ReadOnly"),
            a("333333333333", "Test", "Admin"),
        ];
        populate(&mut files, &plan(false, None), &both).unwrap();
        let left = [a("222222222222", "Prod", "ReadOnly")];
        assert_eq!(
            stale(&files, &plan(false, None), &left),
            ["Dev-Admin", "Test-Admin"]
        );
        // Same account, other role: still gone.
        assert_eq!(
            stale(
                &files,
                &plan(false, None),
                &[a("111111111111", "Dev", "ReadOnly")]
            ),
            ["Dev-Admin", "Prod-ReadOnly", "Test-Admin"]
        );
        let before = config(&files);
        let kept = populate(&mut files, &plan(false, None), &left).unwrap();
        assert!(kept.changes.is_empty());
        assert_eq!(
            kept.warnings,
            ["the portal no longer lists these populated profiles: Dev-Admin, Test-Admin; --prune removes them"]
        );
        assert_eq!(config(&files), before);

        let pruned = populate(&mut files, &plan(true, None), &left).unwrap();
        assert_eq!(
            summary(&pruned),
            [
                "removed [profile Test-Admin] None",
                "removed [profile Dev-Admin] None"
            ]
        );
        assert!(pruned.warnings.is_empty(), "{:?}", pruned.warnings);
        assert_eq!(
            config(&files),
            format!(
                "{SESSION}\n[profile Prod-ReadOnly]\n{}\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = ReadOnly\n",
                marker("corp")
            )
        );
        assert!(files.set.profile("Dev-Admin").is_none());
        assert!(files.set.profile("Prod-ReadOnly").is_some());
    }

    #[test]
    fn two_assignments_the_template_names_alike_get_one_profile_and_a_warning() {
        let mut files = crate::edits::tests::load(SESSION, "");
        let listed = [
            a("111111111111", "Dev", "Admin"),
            a("222222222222", "Dev", "Admin"),
            a("333333333333", "!!!", "Admin"),
        ];
        let mut by_name = plan(false, None);
        by_name.template = "{account_name}".into();
        let result = populate(&mut files, &by_name, &listed).unwrap();
        assert_eq!(summary(&result), ["added [profile Dev] None"]);
        assert_eq!(
            result.warnings,
            [
                "account 222222222222 role Admin gets no profile: the template gives it the name `Dev`, which another takes",
                "account 333333333333 role Admin gets no profile: the template gives it the name ``, which another takes",
            ]
        );
        assert_eq!(
            files.set.profile("Dev").unwrap().get(keys::SSO_ACCOUNT_ID),
            Some("111111111111")
        );
    }

    #[test]
    fn role_names_are_checked_against_the_iam_shape() {
        let mut files = crate::edits::tests::load(SESSION, "");
        let long = "R".repeat(64);
        let too_long = "R".repeat(65);
        let listed = [
            a("111111111111", "A", &long),
            a("222222222222", "B", &too_long),
            a("333333333333", "C", ""),
            a("444444444444", "D", "Role_+=,.@-x"),
            a("555555555555", "E", "Role/x"),
            a("6666666666666", "F", "Admin"),
        ];
        let result = populate(&mut files, &plan(false, None), &listed).unwrap();
        assert_eq!(
            summary(&result),
            [
                format!("added [profile A-{long}] None"),
                "added [profile D-Role_+-.@-x] None".to_string()
            ]
        );
        assert_eq!(result.warnings.len(), 4, "{:?}", result.warnings);
    }

    #[test]
    fn a_marker_must_be_the_line_right_after_the_header() {
        let text = format!(
            "{SESSION}[profile Dev-Admin]\nsso_session = corp\n{}\nsso_account_id = 111111111111\nsso_role_name = Admin\n",
            marker("corp")
        );
        let files = crate::edits::tests::load(&text, "");
        assert!(stale(&files, &plan(false, None), &[]).is_empty());
        let marked = format!(
            "{SESSION}[profile Dev-Admin]\n{}\nsso_session = corp\n",
            marker("corp")
        );
        let files = crate::edits::tests::load(&marked, "[Dev-Admin]\nregion = x\n");
        assert_eq!(stale(&files, &plan(false, None), &[]), ["Dev-Admin"]);
        let only_credentials =
            crate::edits::tests::load(SESSION, &format!("[Dev-Admin]\n{}\n", marker("corp")));
        assert!(stale(&only_credentials, &plan(false, None), &[]).is_empty());
    }
}
