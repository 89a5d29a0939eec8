//! `awsprof iam delete-role ROLE` and `awsprof iam delete-user USER`.

use super::create_role::{grant_name, POLICY_PATH};
use super::{report, Admin, Status, Steps};
use crate::aws::policy::{check_iam_name, Principal};
use crate::cli::{DeleteRoleArgs, DeleteUserArgs};
use crate::commands::{apply, report::backup_line, Context};
use crate::edits::{remove_keys, require_profile};
use crate::error::{Error, Result};
use crate::profiles::keys::AWS_ACCESS_KEY_ID;
use serde_json::json;

pub fn role(ctx: &Context, args: DeleteRoleArgs) -> Result<()> {
    check_iam_name(&args.role, "role").map_err(Error::Usage)?;
    let (admin, rt) = Admin::reach(ctx, &args.admin)?;
    let mut steps = Steps::default();
    rt.block_on(async {
        let refused = |steps: &Steps, e| steps.refused(e, &admin.who);
        let iam = &admin.iam;
        let Some(found) = iam
            .get_role(&args.role)
            .await
            .map_err(|e| refused(&steps, e))?
        else {
            return Err(Error::Usage(format!(
                "no IAM role `{}` in account {}",
                args.role, admin.account
            )));
        };
        let attached = iam
            .attached_role_policies(&args.role)
            .await
            .map_err(|e| refused(&steps, e))?;
        for (_, arn) in &attached {
            steps
                .change(
                    args.dry_run,
                    "iam:DetachRolePolicy",
                    arn,
                    &admin.who,
                    iam.detach_role_policy(&args.role, arn),
                )
                .await?;
        }
        // awsprof's own policies go too, once nothing else uses them.
        for (_, arn) in attached
            .iter()
            .filter(|(_, arn)| arn.contains(&format!(":policy{POLICY_PATH}")))
        {
            let others = iam
                .policy_attachments(arn)
                .await
                .map_err(|e| refused(&steps, e))?;
            let others = if args.dry_run {
                others.saturating_sub(1)
            } else {
                others
            };
            if others > 0 {
                steps.push(
                    "iam:DeletePolicy",
                    format!("{arn} (still attached elsewhere)"),
                    Status::Unchanged,
                );
                continue;
            }
            steps
                .change(
                    args.dry_run,
                    "iam:DeletePolicy",
                    arn,
                    &admin.who,
                    iam.delete_policy(arn),
                )
                .await?;
        }
        for name in iam
            .role_inline_policies(&args.role)
            .await
            .map_err(|e| refused(&steps, e))?
        {
            steps
                .change(
                    args.dry_run,
                    "iam:DeleteRolePolicy",
                    &name,
                    &admin.who,
                    iam.delete_role_policy(&args.role, &name),
                )
                .await?;
        }
        // The grant `create-role --grant-assume` gave the trusted user.
        let trusted = found.trust["Statement"][0]["Principal"]["AWS"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(user) = Principal::Arn(trusted.clone()).user_name(&trusted) {
            let grant = grant_name(&args.role);
            if iam
                .user_policy(&user, &grant)
                .await
                .map_err(|e| refused(&steps, e))?
                .is_some()
            {
                steps
                    .change(
                        args.dry_run,
                        "iam:DeleteUserPolicy",
                        format!("{user}/{grant}"),
                        &admin.who,
                        iam.delete_user_policy(&user, &grant),
                    )
                    .await?;
            }
        }
        steps
            .change(
                args.dry_run,
                "iam:DeleteRole",
                &found.arn,
                &admin.who,
                iam.delete_role(&args.role),
            )
            .await?;
        Ok::<_, Error>(())
    })?;
    let last = if args.dry_run {
        "(dry run: nothing was changed)".to_string()
    } else {
        format!("Role {} deleted.", args.role)
    };
    report(
        ctx,
        &steps,
        json!({"role": args.role, "dry_run": args.dry_run}),
        &[last],
    );
    Ok(())
}

pub fn user(ctx: &Context, args: DeleteUserArgs) -> Result<()> {
    check_iam_name(&args.user, "user").map_err(Error::Usage)?;
    // The profile is checked before any call.
    let held = match &args.from_profile {
        Some(name) => {
            let files = ctx.load()?;
            let p = require_profile(&files, name)?;
            // Every profile whose chain stands on these keys breaks with
            // them: said before any IAM call, and refused unless --force.
            let mut broken = crate::edits::standing_on(&files, name);
            if p.get(crate::profiles::keys::ROLE_ARN).is_some() {
                broken.insert(0, name.clone());
            }
            if !broken.is_empty() {
                let list = crate::edits::name_list(&broken);
                if !args.force {
                    return Err(Error::Usage(format!(
                        "profiles {list} stand on the keys in [{name}] and would no longer resolve once user {} is deleted; change them first, or pass --force. Nothing was changed",
                        args.user
                    )));
                }
                crate::errln!(
                    "awsprof: warning: these profiles stand on the keys in [{name}] and will no longer resolve: {list}"
                );
            }
            p.get(AWS_ACCESS_KEY_ID).map(String::from)
        }
        None => None,
    };
    let (admin, rt) = Admin::reach(ctx, &args.admin)?;
    let mut steps = Steps::default();
    let key_ids = rt.block_on(async {
        let refused = |steps: &Steps, e| steps.refused(e, &admin.who);
        let iam = &admin.iam;
        if iam
            .get_user(&args.user)
            .await
            .map_err(|e| refused(&steps, e))?
            .is_none()
        {
            return Err(Error::Usage(format!(
                "no IAM user `{}` in account {}",
                args.user, admin.account
            )));
        }
        let keys = iam
            .list_access_keys(&args.user)
            .await
            .map_err(|e| refused(&steps, e))?;
        for key in &keys {
            steps
                .change(
                    args.dry_run,
                    "iam:DeleteAccessKey",
                    crate::secret::mask_key_id(&key.id),
                    &admin.who,
                    iam.delete_access_key(&args.user, &key.id),
                )
                .await?;
        }
        for name in iam
            .user_inline_policies(&args.user)
            .await
            .map_err(|e| refused(&steps, e))?
        {
            steps
                .change(
                    args.dry_run,
                    "iam:DeleteUserPolicy",
                    &name,
                    &admin.who,
                    iam.delete_user_policy(&args.user, &name),
                )
                .await?;
        }
        for arn in iam
            .attached_user_policies(&args.user)
            .await
            .map_err(|e| refused(&steps, e))?
        {
            steps
                .change(
                    args.dry_run,
                    "iam:DetachUserPolicy",
                    &arn,
                    &admin.who,
                    iam.detach_user_policy(&args.user, &arn),
                )
                .await?;
        }
        steps
            .change(
                args.dry_run,
                "iam:DeleteUser",
                &args.user,
                &admin.who,
                iam.delete_user(&args.user),
            )
            .await?;
        Ok::<_, Error>(keys.into_iter().map(|k| k.id).collect::<Vec<_>>())
    })?;
    let mut lines = Vec::new();
    let mut backup = None;
    if let Some(profile) = &args.from_profile {
        match &held {
            Some(id) if key_ids.contains(id) => {
                let applied = apply(ctx, args.dry_run, Some(&[profile.as_str()]), |files| {
                    remove_keys(files, profile)
                })?;
                backup = applied.written.backup.map(|m| m.id);
                lines.push(format!(
                    "{} the user's keys from [{profile}]",
                    if args.dry_run {
                        "Would remove"
                    } else {
                        "Removed"
                    }
                ));
                lines.extend(applied.diffs);
            }
            _ => lines.push(format!(
                "Profile [{profile}] holds no key of user {}; it was left as it is.",
                args.user
            )),
        }
    }
    let mut holding = Vec::new();
    if !args.dry_run {
        for id in &key_ids {
            holding.extend(ctx.backups().mark_retired(id)?);
        }
        holding.sort();
        holding.dedup();
    }
    match backup.as_deref() {
        Some(id) if holding.iter().any(|b| b == id) => lines.push(format!(
            "Backup: {id} (it holds the deleted user's key: restoring it would put a dead key back, so `backup restore` asks for --force)"
        )),
        other => lines.push(backup_line(other).trim_end().to_string()),
    }
    lines.push(if args.dry_run {
        "(dry run: nothing was changed)".to_string()
    } else {
        format!("User {} deleted.", args.user)
    });
    report(
        ctx,
        &steps,
        json!({"user": args.user, "dry_run": args.dry_run, "backup": backup, "backups_holding_deleted_keys": holding}),
        &lines,
    );
    Ok(())
}
