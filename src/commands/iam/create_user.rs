//! `awsprof iam create-user USER --admin ADMIN [--into-profile NAME]`: the
//! protocol in `operations::iam::create_user`; the secret never appears
//! on screen.

use super::{reach, report};
use crate::cli::CreateUserArgs;
use crate::commands::{report::backup_line, Context};
use crate::error::Result;
use crate::operations::iam::create_user::{create_user_into_profile, CreateUserRequest};
use crate::secret::mask_key_id;
use serde_json::json;

pub fn run(ctx: &Context, args: CreateUserArgs) -> Result<()> {
    let request = CreateUserRequest {
        profile: args
            .into_profile
            .clone()
            .unwrap_or_else(|| args.user.clone()),
        user: args.user,
        force: args.force,
        dry_run: args.dry_run,
    };
    request.check(&ctx.locations)?;
    let (admin, rt) = reach(ctx, &args.admin)?;
    let store = ctx.store();
    let done = rt.block_on(create_user_into_profile(
        &admin,
        &request,
        &store,
        &ctx.locations,
    ))?;
    let (user, profile) = (&request.user, &request.profile);
    let credentials = ctx.locations.credentials.display();
    let Some(key_id) = &done.key_id else {
        let fields =
            json!({"user": user, "arn": done.user_arn, "profile": profile, "dry_run": true});
        let line = format!("(dry run: nothing was created; the key would be written to [{profile}] in {credentials})");
        report(ctx, &done.steps, fields, &[line]);
        return Ok(());
    };
    let backup = done.backup.as_deref();
    let fields = json!({"user": user, "arn": done.user_arn, "profile": profile, "access_key_id": key_id, "backup": backup, "vault": done.stored_in_vault});
    let arn = done.user_arn.as_deref().unwrap_or("?");
    let written = match &done.stored_in_vault {
        Some(vault) => format!("User {user} ({arn}): {vault}"),
        None => format!(
            "User {user} ({arn}): access key {} written to [{profile}] in {credentials}",
            mask_key_id(key_id)
        ),
    };
    let lines = [written, backup_line(backup).trim_end().to_string()];
    report(ctx, &done.steps, fields, &lines);
    Ok(())
}
