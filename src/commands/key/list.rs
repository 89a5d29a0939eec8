//! `awsprof key list [NAME] [--max-age DAYS]`: the IAM user's keys behind
//! a profile, their age and last use, and which profiles hold each.

use super::{admin_caller, admin_hint, user_of};
use crate::aws::iam::Iam;
use crate::aws::resolve_settings;
use crate::cli::AwsArgs;
use crate::commands::{print_json, runtime, selected_profile, Context};
use crate::edits::holders;
use crate::error::{exit, Error, Result};
use crate::operations::vault::{long_term_keys, vault_holders};
use crate::secret::mask_key_id;
use serde_json::json;
use std::time::SystemTime;

const DAY: u64 = 24 * 60 * 60;

fn date(t: Option<SystemTime>) -> String {
    t.map(crate::isotime::format)
        .map(|s| s[..10].to_string())
        .unwrap_or_else(|| "-".to_string())
}

/// The time keys' ages are measured at: the clock, or for tests the time
/// in `AWSPROF_TEST_NOW` (as `isotime` writes it), since IAM dates a
/// key's creation and no test can wait for a key to age.
fn now() -> SystemTime {
    std::env::var("AWSPROF_TEST_NOW")
        .ok()
        .and_then(|t| crate::isotime::parse(&t))
        .unwrap_or_else(SystemTime::now)
}

pub fn run(
    ctx: &Context,
    name: Option<String>,
    max_age: Option<u64>,
    admin: Option<String>,
    args: &AwsArgs,
) -> Result<i32> {
    let profile = selected_profile(name);
    let files = ctx.load()?;
    let creds = long_term_keys(&files, &profile)?;
    let admin = admin_caller(ctx, admin, args)?;
    let settings = resolve_settings(&args.into(), &files.set, &profile);
    crate::aws::cache::check_dir(&settings)?;
    let rt = runtime()?;
    let (user, keys) = rt.block_on(async {
        let (user, _) = user_of(&creds, &settings, &profile).await?;
        let iam = Iam::new(admin.as_ref().unwrap_or(&creds), &settings);
        let refused = |e: crate::aws::iam::IamError| {
            Error::Aws(format!("{profile}: {e}{}", admin_hint(&e, admin.is_some())))
        };
        let mut keys = Vec::new();
        for key in iam.list_access_keys(&user).await.map_err(refused)? {
            let used = iam.last_used(&key.id).await.map_err(refused)?;
            keys.push((key, used));
        }
        Ok::<_, Error>((user, keys))
    })?;
    let now = now();
    let age = |t: Option<SystemTime>| {
        t.and_then(|t| now.duration_since(t).ok())
            .map(|d| d.as_secs() / DAY)
    };
    let too_old = |days: Option<u64>| matches!((days, max_age), (Some(d), Some(max)) if d > max);
    let rows: Vec<_> = keys
        .iter()
        .map(|(key, used)| {
            let days = age(key.created);
            let mut held = holders(&files, &key.id);
            held.extend(vault_holders(&files, &key.id));
            (key, used, days, held, too_old(days))
        })
        .collect();
    let failing = rows.iter().any(|r| r.4);
    if ctx.json() {
        let list: Vec<_> = rows
            .iter()
            .map(|(key, used, days, held, old)| {
                json!({
                    "access_key_id": mask_key_id(&key.id),
                    "status": if key.active { "Active" } else { "Inactive" },
                    "created": key.created.map(crate::isotime::format),
                    "age_days": days,
                    "last_used": used.as_ref().and_then(|u| u.date).map(crate::isotime::format),
                    "last_used_service": used.as_ref().map(|u| u.service.clone()),
                    "last_used_region": used.as_ref().map(|u| u.region.clone()),
                    "profiles": held,
                    "too_old": old,
                })
            })
            .collect();
        print_json(
            &json!({"user": user, "keys": list, "max_age_days": max_age, "passed": !failing}),
        );
    } else {
        let mut table = vec![[
            "KEY",
            "STATUS",
            "CREATED",
            "AGE",
            "LAST USED",
            "SERVICE",
            "REGION",
            "PROFILES",
            "",
        ]
        .map(String::from)
        .to_vec()];
        for (key, used, days, held, old) in &rows {
            let used_field = |f: fn(&crate::aws::iam::LastUsed) -> String| {
                used.as_ref()
                    .map(f)
                    .filter(|s| !s.is_empty() && s != "N/A")
                    .unwrap_or_else(|| "-".into())
            };
            table.push(vec![
                mask_key_id(&key.id),
                if key.active { "Active" } else { "Inactive" }.to_string(),
                date(key.created),
                days.map_or("?".to_string(), |d| format!("{d}d")),
                date(used.as_ref().and_then(|u| u.date)),
                used_field(|u| u.service.clone()),
                used_field(|u| u.region.clone()),
                if held.is_empty() {
                    "-".to_string()
                } else {
                    held.join(", ")
                },
                if *old { "(older than --max-age)" } else { "" }.to_string(),
            ]);
        }
        let out = format!("IAM user {user}\n{}", crate::commands::table(&table));
        crate::out!("{out}");
    }
    crate::commands::leave_to_exit(files);
    Ok(if failing { exit::FAILED } else { exit::OK })
}
