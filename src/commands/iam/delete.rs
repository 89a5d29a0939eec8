//! What `iam delete-role` and `iam delete-user` say besides their steps.

/// What was kept or forced past, as lines.
pub fn notes(lines: &mut Vec<String>, detached: &[String], forced: &[String]) {
    if !detached.is_empty() {
        lines.push(format!(
            "Detached, not deleted (not made by awsprof): {}",
            detached.join(", ")
        ));
    }
    if !forced.is_empty() {
        lines.push(format!(
            "Deleted with --force, though awsprof did not make them: {}",
            forced.join(", ")
        ));
    }
}

pub fn last_line(dry_run: bool, what: &str) -> String {
    match dry_run {
        true => "(dry run: nothing was changed)".to_string(),
        false => format!("{what} deleted."),
    }
}
