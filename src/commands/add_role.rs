//! `awsprof profile add-role`: the walkthrough's file edit.

use super::edit::{
    check_result, check_value, report, set_everywhere, unset_everywhere, EditResult,
};
use super::{apply, origin_path, unknown_profile, Context};
use crate::cli::AddRoleArgs;
use crate::error::{Error, Result};
use crate::profiles::{is_identifier, FileKind, ProfileFiles};

pub fn run(ctx: &Context, args: AddRoleArgs) -> Result<()> {
    check_flags(&args)?;
    let mut profiles = vec![args.name.as_str()];
    profiles.extend(args.source_profile.as_deref());
    let applied = apply(ctx, args.write.dry_run, &profiles, |files| {
        edit(files, &args)
    })?;
    report(ctx, &args.name, &applied, args.write.dry_run);
    Ok(())
}

fn check_flags(args: &AddRoleArgs) -> Result<()> {
    let usage = |r: std::result::Result<(), String>| r.map_err(Error::Usage);
    if !is_identifier(&args.name) || args.name.is_empty() {
        return Err(Error::Usage(format!(
            "`{}` is not a valid profile name; use letters, digits and _ - / . % @ : +",
            args.name
        )));
    }
    usage(check_value("role_arn", &args.role_arn))?;
    if let Some(v) = &args.mfa_serial {
        usage(check_value("mfa_serial", v))?;
    }
    if let Some(v) = &args.external_id {
        usage(check_value("external_id", v))?;
    }
    if let Some(v) = &args.role_session_name {
        usage(check_value("role_session_name", v))?;
    }
    if let Some(v) = args.duration_seconds {
        usage(check_value("duration_seconds", &v.to_string()))?;
    }
    if let Some(v) = &args.region {
        usage(check_value("region", v))?;
    }
    Ok(())
}

/// The settings add-role writes, in the order it writes them.
fn desired(args: &AddRoleArgs, source: (&'static str, String)) -> Vec<(&'static str, String)> {
    let mut out = vec![("role_arn", args.role_arn.clone()), source];
    let optional = [
        ("mfa_serial", args.mfa_serial.clone()),
        ("external_id", args.external_id.clone()),
        ("role_session_name", args.role_session_name.clone()),
        (
            "duration_seconds",
            args.duration_seconds.map(|d| d.to_string()),
        ),
        ("region", args.region.clone()),
    ];
    out.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    out
}

fn has_static_keys(files: &ProfileFiles, name: &str) -> bool {
    files.set.profile(name).is_some_and(|p| {
        p.get("aws_access_key_id").is_some() && p.get("aws_secret_access_key").is_some()
    })
}

fn edit(files: &mut ProfileFiles, args: &AddRoleArgs) -> Result<EditResult> {
    let name = args.name.as_str();
    let existing = files.set.profile(name);
    let target = match (args.file, existing) {
        (Some(f), _) => f.into(),
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
                return Err(match unknown_profile(files, profile) {
                    Error::Usage(m) => Error::Usage(format!("source {m}")),
                    e => e,
                });
            }
            ("source_profile", profile.clone())
        }
        (None, Some(source)) => ("credential_source", source.clone()),
        (None, None) if has_static_keys(files, name) => ("source_profile", name.to_string()),
        (None, None) => {
            return Err(Error::Usage(format!(
                "profile `{name}` holds no static keys to assume the role with; pass --source-profile PROFILE (a profile with credentials) or --credential-source Environment|Ec2InstanceMetadata|EcsContainer"
            )))
        }
    };
    let other_source = if source.0 == "source_profile" {
        "credential_source"
    } else {
        "source_profile"
    };
    let desired = desired(args, source);

    let conflicts: Vec<String> = existing
        .map(|p| {
            desired
                .iter()
                .filter_map(|(k, v)| {
                    p.property(k)
                        .filter(|cur| cur.value.as_str() != v.as_str())
                        .map(|cur| (k, cur))
                })
                .map(|(k, cur)| format!("{k} = {} ({})", cur.value, origin_path(files, cur.origin)))
                .chain(p.property(other_source).map(|cur| {
                    format!(
                        "{other_source} = {} ({})",
                        cur.value,
                        origin_path(files, cur.origin)
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
