//! The report every editing command prints: what changed where, or the
//! dry run's diff, or why nothing needed doing.

use super::{print_json, Applied, Context};
use crate::edits::{Change, EditResult};
use crate::profiles::FileKind;
use serde_json::json;

pub fn edit(ctx: &Context, profile: &str, applied: &Applied<EditResult>, dry_run: bool) {
    let result = &applied.value;
    let path = |kind: FileKind| ctx.locations.path(kind).display().to_string();
    for w in &result.warnings {
        crate::errln!("awsprof: warning: {w}");
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
                    "value": c.shown_value(),
                    "action": c.action.as_str(),
                })
            })
            .collect();
        print_json(&json!({
            "profile": profile,
            "status": if result.unchanged_because.is_some() || (result.changes.is_empty() && result.notes.is_empty()) { "unchanged" } else if dry_run { "dry-run" } else { "changed" },
            "message": result.unchanged_because,
            "changes": changes,
            "notes": result.notes,
            "backup": backup,
            "diff": applied.diffs.join(""),
        }));
        return;
    }
    if let Some(why) = &result.unchanged_because {
        crate::outln!("{why}; nothing to change.");
        return;
    }
    if dry_run {
        crate::out!("{}", applied.diffs.join(""));
        crate::outln!("(dry run: nothing was written)");
        return;
    }
    let mut out: String = result.notes.iter().map(|n| format!("{n}\n")).collect();
    for kind in [FileKind::Config, FileKind::Credentials] {
        let here: Vec<&Change> = result.changes.iter().filter(|c| c.file == kind).collect();
        if here.is_empty() {
            continue;
        }
        let section = if profile.starts_with("sso-session ") || profile.starts_with("services ") {
            format!("[{profile}]")
        } else {
            format!("profile [{profile}]")
        };
        out.push_str(&format!("Updated {}, {section}:\n", path(kind)));
        for c in here {
            out.push_str(&change_line(c));
        }
    }
    out.push_str(&backup_line(backup.as_deref()));
    crate::out!("{out}");
}

fn change_line(c: &Change) -> String {
    match (&c.action, c.shown_value()) {
        (crate::edits::Action::Renamed, v) => {
            format!("  ~ {} -> {}\n", c.key, v.unwrap_or_default())
        }
        (crate::edits::Action::Removed, _) => format!("  - {}\n", c.key),
        (crate::edits::Action::Added, Some(v)) => format!("  + {} = {v}\n", c.key),
        (crate::edits::Action::Added, None) => format!("  + {}\n", c.key),
        (_, v) => format!("  ~ {} = {}\n", c.key, v.unwrap_or_default()),
    }
}

/// `Backup: ID (undo with ...)`, or nothing when no backup was taken.
pub fn backup_line(backup: Option<&str>) -> String {
    backup
        .map(|id| format!("Backup: {id} (undo with `awsprof backup restore {id}`)\n"))
        .unwrap_or_default()
}
