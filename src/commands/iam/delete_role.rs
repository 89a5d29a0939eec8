//! `awsprof iam delete-role ROLE`: the protocol in
//! `operations::iam::delete_role`.

use super::delete::{last_line, notes};
use super::{reach, report};
use crate::cli::DeleteRoleArgs;
use crate::commands::Context;
use crate::error::Result;
use crate::operations::iam::delete_role::{delete_role, DeleteRoleRequest};
use serde_json::json;

pub fn run(ctx: &Context, args: DeleteRoleArgs) -> Result<()> {
    let request = DeleteRoleRequest {
        role: args.role,
        force: args.force,
        dry_run: args.dry_run,
    };
    let (admin, rt) = reach(ctx, &args.admin)?;
    let done = rt.block_on(delete_role(&admin, &request))?;
    let mut lines = Vec::new();
    notes(&mut lines, &done.detached_not_ours, &done.forced);
    lines.push(last_line(
        request.dry_run,
        &format!("Role {}", request.role),
    ));
    let fields = json!({"role": request.role, "dry_run": request.dry_run, "detached_not_deleted": done.detached_not_ours, "forced": done.forced});
    report(ctx, &done.steps, fields, &lines);
    Ok(())
}
