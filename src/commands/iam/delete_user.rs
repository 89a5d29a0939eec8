//! `awsprof iam delete-user USER [--from-profile NAME]`: the protocol in
//! `operations::iam::delete_user`.

use super::delete::{last_line, notes};
use super::{reach, report};
use crate::cli::DeleteUserArgs;
use crate::commands::{report::backup_line, Context};
use crate::error::Result;
use crate::operations::iam::delete_user::{clean_up_files, delete_user, DeleteUserRequest};
use serde_json::json;

pub fn run(ctx: &Context, args: DeleteUserArgs) -> Result<()> {
    let request = DeleteUserRequest {
        user: args.user,
        from_profile: args.from_profile,
        force: args.force,
        dry_run: args.dry_run,
    };
    let (held, broken) = request.check(&ctx.locations)?;
    if !broken.is_empty() {
        let (list, name) = (
            crate::edits::name_list(&broken),
            request.from_profile.as_deref().unwrap_or_default(),
        );
        crate::errln!("awsprof: warning: these profiles stand on the keys in [{name}] and will no longer resolve: {list}");
    }
    let (admin, rt) = reach(ctx, &args.admin)?;
    let done = rt.block_on(delete_user(&admin, &request))?;
    let files = clean_up_files(
        &ctx.store(),
        &ctx.locations,
        &request,
        held.as_deref(),
        &done.key_ids,
    )?;
    let mut lines = Vec::new();
    notes(&mut lines, &done.detached_not_ours, &done.forced);
    if let Some(profile) = &request.from_profile {
        lines.push(match (files.removed, request.dry_run) {
            (true, true) => format!("Would remove the user's keys from [{profile}]"),
            (true, false) => format!("Removed the user's keys from [{profile}]"),
            (false, _) => format!(
                "Profile [{profile}] holds no key of user {}; it was left as it is.",
                request.user
            ),
        });
        lines.extend(files.diffs);
    }
    lines.push(match files.backup.as_deref() {
        Some(id) if files.holding.iter().any(|b| b == id) => format!(
            "Backup: {id} (it holds the deleted user's key: restoring it would put a dead key back, so `backup restore` asks for --force)"
        ),
        other => backup_line(other).trim_end().to_string(),
    });
    lines.push(last_line(
        request.dry_run,
        &format!("User {}", request.user),
    ));
    let fields = json!({"user": request.user, "dry_run": request.dry_run, "backup": files.backup, "backups_holding_deleted_keys": files.holding, "detached_not_deleted": done.detached_not_ours, "forced": done.forced});
    report(ctx, &done.steps, fields, &lines);
    Ok(())
}
