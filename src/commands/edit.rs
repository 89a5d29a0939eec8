//! `profile set`, `profile unset`, `profile remove-role`, and the report
//! every editing command prints.

use super::{apply, chain_error, print_json, require_profile, Applied, Context};
use crate::chain::resolve;
use crate::cli::FileArg;
use crate::error::{Error, Result};
use crate::profiles::{is_identifier, is_secret_key, rules, FileKind, ProfileFiles};
use crate::secret::MASK;
use serde_json::json;
use std::io::Read;

/// The keys `add-role` writes and `remove-role` removes. `region`, which
/// add-role can also set, is shared with everything else and stays.
pub const ROLE_KEYS: &[&str] = &[
    "role_arn",
    "source_profile",
    "credential_source",
    "mfa_serial",
    "external_id",
    "role_session_name",
    "duration_seconds",
];

/// Keys the AWS CLI keeps in the credentials file.
const CREDENTIAL_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

impl From<FileArg> for FileKind {
    fn from(f: FileArg) -> FileKind {
        match f {
            FileArg::Config => FileKind::Config,
            FileArg::Credentials => FileKind::Credentials,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Added,
    Replaced,
    Removed,
}

#[derive(Debug, Clone)]
pub struct Change {
    pub file: FileKind,
    pub key: String,
    pub value: Option<String>,
    pub action: Action,
}

/// The result of an edit, before it is written.
#[derive(Debug, Default)]
pub struct EditResult {
    pub changes: Vec<Change>,
    /// Said instead of a change list when nothing needed doing.
    pub unchanged_because: Option<String>,
    pub warnings: Vec<String>,
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
        if files.file(kind).document().lines()[line].value() != Some(value) {
            files.replace_value_at(kind, line, value);
            changes.push(change(kind, Action::Replaced));
        }
    }
    changes
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
        Ok(warnings) if warnings.is_empty() => Ok(warnings),
        // Read everything again, so that what is reported names the
        // lines as they are after the edit.
        _ => {
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
                got.map(|v| if is_secret_key(key) { MASK } else { v }),
                value.map(|v| if is_secret_key(key) { MASK } else { v }),
            )));
        }
    }
    let mut warnings = Vec::new();
    if let Err(e) = resolve(&files.set, profile) {
        if must_resolve {
            return Err(Error::Config(format!(
                "after the edit, profile `{profile}` would not resolve: {}; nothing was written",
                chain_error(files, e)
            )));
        }
        warnings.push(format!(
            "profile `{profile}` does not resolve to credentials: {e}"
        ));
    }
    Ok(warnings)
}

pub fn report(ctx: &Context, profile: &str, applied: &Applied<EditResult>, dry_run: bool) {
    let result = &applied.value;
    let shown = |c: &Change| {
        c.value.as_deref().map(|v| {
            if is_secret_key(&c.key) {
                MASK.to_string()
            } else {
                v.to_string()
            }
        })
    };
    let path = |kind: FileKind| match kind {
        FileKind::Config => ctx.locations.config.display().to_string(),
        FileKind::Credentials => ctx.locations.credentials.display().to_string(),
    };
    for w in &result.warnings {
        eprintln!("awsprof: warning: {w}");
    }
    let backup = applied.written.backup.as_ref().map(|m| m.id.clone());
    if ctx.json() {
        let changes: Vec<_> = result
            .changes
            .iter()
            .map(|c| {
                json!({
                    "file": path(c.file),
                    "key": c.key,
                    "value": shown(c),
                    "action": match c.action { Action::Added => "added", Action::Replaced => "replaced", Action::Removed => "removed" },
                })
            })
            .collect();
        print_json(&json!({
            "profile": profile,
            "status": if result.changes.is_empty() { "unchanged" } else if dry_run { "dry-run" } else { "changed" },
            "message": result.unchanged_because,
            "changes": changes,
            "backup": backup,
            "diff": applied.diffs.join(""),
        }));
        return;
    }
    if let Some(why) = &result.unchanged_because {
        println!("{why}; nothing to change.");
        return;
    }
    if dry_run {
        print!("{}", applied.diffs.join(""));
        println!("(dry run: nothing was written)");
        return;
    }
    let mut out = String::new();
    for kind in [FileKind::Config, FileKind::Credentials] {
        let here: Vec<&Change> = result.changes.iter().filter(|c| c.file == kind).collect();
        if here.is_empty() {
            continue;
        }
        out.push_str(&format!("Updated {}, profile [{profile}]:\n", path(kind)));
        for c in here {
            match (&c.action, shown(c)) {
                (Action::Removed, _) => out.push_str(&format!("  - {}\n", c.key)),
                (Action::Added, Some(v)) => out.push_str(&format!("  + {} = {v}\n", c.key)),
                (_, v) => out.push_str(&format!("  ~ {} = {}\n", c.key, v.unwrap_or_default())),
            }
        }
    }
    if let Some(id) = backup {
        out.push_str(&format!(
            "Backup: {id} (undo with `awsprof backup restore {id}`)\n"
        ));
    }
    print!("{out}");
}

fn read_value(value: &str) -> Result<String> {
    if value != "-" {
        return Ok(value.to_string());
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Error::Usage(format!("cannot read the value from standard input: {e}")))?;
    Ok(input.trim_end_matches(['\n', '\r']).to_string())
}

/// Checks that apply to a value whatever command writes it.
pub fn check_value(key: &str, value: &str) -> std::result::Result<(), String> {
    rules::check_writable_value(value)?;
    match key {
        "role_arn" => rules::check_role_arn(value),
        "duration_seconds" => value
            .parse::<u32>()
            .map_err(|_| format!("duration_seconds `{value}` is not a whole number of seconds"))
            .and_then(rules::check_duration),
        "role_session_name" => rules::check_session_name(value),
        "mfa_serial" => rules::check_mfa_serial(value),
        "external_id" => rules::check_external_id(value),
        "region" => rules::check_region(value),
        "credential_source" => crate::chain::NamedSource::parse(value)
            .map(|_| ())
            .ok_or_else(|| format!("credential_source `{value}` is not one of Environment, Ec2InstanceMetadata, EcsContainer")),
        _ => Ok(()),
    }
}

fn check_names(profile: &str, key: &str) -> Result<()> {
    if profile.is_empty() || !is_identifier(profile) {
        return Err(Error::Usage(format!(
            "`{profile}` is not a valid profile name; use letters, digits and _ - / . % @ : +"
        )));
    }
    if key.is_empty() || !is_identifier(key) {
        return Err(Error::Usage(format!(
            "`{key}` is not a valid key; use letters, digits and _ - / . % @ : +"
        )));
    }
    Ok(())
}

pub fn set(
    ctx: &Context,
    profile: &str,
    key: &str,
    value: &str,
    file: Option<FileArg>,
    dry_run: bool,
) -> Result<()> {
    check_names(profile, key)?;
    let key = key.to_ascii_lowercase();
    let value = read_value(value)?;
    check_value(&key, &value).map_err(Error::Usage)?;
    let target = file
        .map(FileKind::from)
        .unwrap_or(if CREDENTIAL_KEYS.contains(&key.as_str()) {
            FileKind::Credentials
        } else {
            FileKind::Config
        });
    let mut profiles = vec![profile];
    if key == "source_profile" {
        profiles.push(&value);
    }
    let applied = apply(ctx, dry_run, &profiles, |files| {
        if key == "source_profile" && value != profile && files.set.profile(&value).is_none() {
            return Err(Error::Usage(format!(
                "source profile `{value}` does not exist; create it first or pick one from `awsprof profile list`"
            )));
        }
        let resolved_before = resolve(&files.set, profile).is_ok();
        let changes = set_everywhere(files, profile, &key, &value, target);
        if changes.is_empty() {
            return Ok(EditResult::unchanged(format!(
                "{key} of profile `{profile}` is already set to that value"
            )));
        }
        let warnings = check_result(files, profile, &[(&key, Some(&value))], resolved_before)?;
        Ok(EditResult::changed(changes, warnings))
    })?;
    report(ctx, profile, &applied, dry_run);
    Ok(())
}

pub fn unset(ctx: &Context, profile: &str, key: &str, dry_run: bool) -> Result<()> {
    check_names(profile, key)?;
    let key = key.to_ascii_lowercase();
    let applied = apply(ctx, dry_run, &[profile], |files| {
        require_profile(files, profile)?;
        let changes = unset_everywhere(files, profile, &key);
        if changes.is_empty() {
            return Ok(EditResult::unchanged(format!(
                "{key} is not set in profile `{profile}`"
            )));
        }
        let warnings = check_result(files, profile, &[(&key, None)], false)?;
        Ok(EditResult::changed(changes, warnings))
    })?;
    report(ctx, profile, &applied, dry_run);
    Ok(())
}

pub fn remove_role(ctx: &Context, profile: &str, dry_run: bool) -> Result<()> {
    let applied = apply(ctx, dry_run, &[profile], |files| {
        require_profile(files, profile)?;
        let changes: Vec<Change> = ROLE_KEYS
            .iter()
            .flat_map(|key| unset_everywhere(files, profile, key))
            .collect();
        if changes.is_empty() {
            return Ok(EditResult::unchanged(format!(
                "profile `{profile}` has no role settings"
            )));
        }
        let expected: Vec<(&str, Option<&str>)> = ROLE_KEYS.iter().map(|k| (*k, None)).collect();
        let warnings = check_result(files, profile, &expected, false)?;
        Ok(EditResult::changed(changes, warnings))
    })?;
    report(ctx, profile, &applied, dry_run);
    Ok(())
}
