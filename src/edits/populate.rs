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
    let lines = files.file(FileKind::Config).document().lines();
    lines
        .get(header.line as usize)
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
            let inner = files.file(FileKind::Config).document().lines()[header]
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
}
