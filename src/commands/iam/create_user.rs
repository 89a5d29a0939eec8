//! `awsprof iam create-user USER --admin ADMIN [--into-profile NAME]`:
//! the user (created or found), a new access key, and the key written
//! straight into the profile: the secret never appears on screen.

use super::{report, Admin, Status, Steps};
use crate::aws::policy::check_iam_name;
use crate::cli::CreateUserArgs;
use crate::commands::{apply, report::backup_line, Context};
use crate::edits::{check_profile_name, store_key};
use crate::error::{Error, Result};
use crate::profiles::keys::AWS_ACCESS_KEY_ID;
use crate::secret::mask_key_id;
use crate::store::Journal;
use serde_json::json;

pub fn run(ctx: &Context, args: CreateUserArgs) -> Result<()> {
    check_iam_name(&args.user, "user").map_err(Error::Usage)?;
    let profile = args
        .into_profile
        .clone()
        .unwrap_or_else(|| args.user.clone());
    check_profile_name(&profile)?;
    // Refused before any call: the profile must not lose the keys it has.
    let files = ctx.load()?;
    if let Some(held) = files
        .set
        .profile(&profile)
        .and_then(|p| p.get(AWS_ACCESS_KEY_ID))
    {
        if !args.force {
            return Err(Error::Usage(format!(
                "profile `{profile}` already holds access key {}; pass --force to replace it, or --into-profile NAME",
                mask_key_id(held)
            )));
        }
    }
    let (admin, rt) = Admin::reach(ctx, &args.admin)?;
    let mut steps = Steps::default();
    let planned = if args.dry_run {
        Status::WouldRun
    } else {
        Status::Done
    };
    let (user, key) = rt.block_on(async {
        let refused = |steps: &Steps, e| steps.refused(e, &admin.who);
        let user = match admin.iam.get_user(&args.user).await.map_err(|e| refused(&steps, e))? {
            Some(user) => {
                steps.push("iam:CreateUser", &args.user, Status::Unchanged);
                Some(user)
            }
            None if args.dry_run => {
                steps.push("iam:CreateUser", &args.user, Status::WouldRun);
                None
            }
            None => {
                let user = admin
                    .iam
                    .create_user(&args.user)
                    .await
                    .map_err(|e| refused(&steps, e))?;
                steps.push("iam:CreateUser", &args.user, Status::Done);
                Some(user)
            }
        };
        if user.is_some() {
            let keys = admin
                .iam
                .list_access_keys(&args.user)
                .await
                .map_err(|e| refused(&steps, e))?;
            if keys.len() >= 2 {
                let ids: Vec<String> = keys.iter().map(|k| mask_key_id(&k.id)).collect();
                return Err(Error::Usage(format!(
                    "user {} already has two access keys ({}), the most IAM allows; delete one first (`aws iam delete-access-key --user-name {} --access-key-id ID`)",
                    args.user,
                    ids.join(", "),
                    args.user
                )));
            }
        }
        if args.dry_run {
            steps.push("iam:CreateAccessKey", &args.user, planned);
            return Ok((user, None));
        }
        let key = admin
            .iam
            .create_access_key(&args.user)
            .await
            .map_err(|e| refused(&steps, e))?;
        steps.push("iam:CreateAccessKey", mask_key_id(&key.id), Status::Done);
        Ok::<_, Error>((user, Some(key)))
    })?;
    let user_arn = user.map(|u| u.arn);
    let Some(key) = key else {
        report(
            ctx,
            &steps,
            json!({"user": args.user, "arn": user_arn, "profile": profile, "dry_run": true}),
            &[format!(
                "(dry run: nothing was created; the key would be written to [{profile}] in {})",
                ctx.locations.credentials.display()
            )],
        );
        return Ok(());
    };
    // The secret exists only in memory now: record it before the write,
    // in the shape `aws iam create-access-key` prints, so that a failed
    // write loses nothing (`awsprof key import NAME FILE` reads it).
    let journal = Journal::locate();
    let entry = format!("new-key-{}-{}", args.user, key.id);
    let kept = journal.write(
        &entry,
        &json!({"AccessKey": {"UserName": args.user, "AccessKeyId": key.id, "SecretAccessKey": key.secret.expose(), "Status": "Active"}}),
    )?;
    let applied = apply(ctx, false, Some(&[profile.as_str()]), |files| {
        store_key(files, &profile, &key.id, key.secret.expose(), args.force)
    })
    .inspect_err(|_| {
        // The error keeps its own type (and so its exit code); where the
        // key is kept is said beside it.
        crate::errln!(
            "awsprof: the new key {} was not written; it is kept in {} (readable only by you): store it with `awsprof key import {profile} {}`",
            mask_key_id(&key.id),
            kept.display(),
            kept.display()
        );
    })?;
    journal.remove(&entry)?;
    let backup = applied.written.backup.as_ref().map(|m| m.id.as_str());
    report(
        ctx,
        &steps,
        json!({"user": args.user, "arn": user_arn, "profile": profile, "access_key_id": key.id, "backup": backup}),
        &[
            format!(
                "User {} ({}): access key {} written to [{profile}] in {}",
                args.user,
                user_arn.as_deref().unwrap_or("?"),
                mask_key_id(&key.id),
                ctx.locations.credentials.display()
            ),
            backup_line(backup).trim_end().to_string(),
        ],
    );
    Ok(())
}
