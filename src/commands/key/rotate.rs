//! `awsprof key rotate NAME`: the protocol in `operations::rotate` (check,
//! create and journal the new key, write it, prove it, retire the old
//! one); this prints what it did.

use super::admin_caller;
use crate::aws::resolve_settings;
use crate::cli::AwsArgs;
use crate::commands::{count, print_json, report, runtime, Context};
use crate::error::Result;
use crate::operations::rotate::{rotate, Retire, RotateOutcome, RotateRequest};
use crate::secret::mask_key_id;
use serde_json::json;

pub fn run(
    ctx: &Context,
    profile: &str,
    retire: Retire,
    dry_run: bool,
    admin: Option<String>,
    args: &AwsArgs,
) -> Result<()> {
    let admin = admin_caller(ctx, admin, args)?;
    let files = ctx.load()?;
    let settings = resolve_settings(&args.into(), &files.set, profile);
    crate::aws::cache::check_dir(&settings)?;
    let (store, locations) = (ctx.store(), &ctx.locations);
    let request = RotateRequest {
        profile,
        retire,
        dry_run,
        admin,
        settings: &settings,
        files,
        store: &store,
        locations,
    };
    let done = match rotate(&runtime()?, request)? {
        RotateOutcome::Planned { user, holders } => {
            let retire = retire.planned();
            match ctx.json() {
                true => print_json(&json!({"profile": profile, "user": user, "profiles": holders, "old_key": retire, "dry_run": true})),
                false => crate::outln!("Would create a new key for IAM user {user}, write it to profile(s) {}, prove it works, then {retire} the old key.\n(dry run: nothing was changed)", holders.join(", ")),
            }
            return Ok(());
        }
        RotateOutcome::Rotated(done) => done,
    };
    let (old, new) = (mask_key_id(&done.old_id), mask_key_id(&done.new_id));
    if ctx.json() {
        print_json(&json!({
            "profile": profile, "user": done.user, "old_key_id": old, "new_key_id": new,
            "profiles": done.written_to, "old_key": done.retired, "resumed": done.resumed,
            "backup": done.backup, "backups_holding_old_key": done.holding_old,
        }));
        return Ok(());
    }
    let mut out = String::new();
    if done.resumed {
        out.push_str(&format!(
            "Resumed the rotation recorded in {}\n",
            done.journal.display()
        ));
    }
    out.push_str(&format!(
        "Rotated the key of IAM user {}: {old} -> {new}\n",
        done.user
    ));
    match done.written_to.is_empty() {
        true => out.push_str("The files already held the new key.\n"),
        false => out.push_str(&format!(
            "Written to profile(s): {}\n",
            done.written_to.join(", ")
        )),
    }
    out.push_str(&format!("Old key {old}: {}\n", done.retired));
    match done.backup.as_deref() {
        Some(id) if done.holding_old.iter().any(|b| b == id) => out.push_str(&format!(
            "Backup: {id} (it holds the old key {old}, which is {}: restoring it would put a dead key back, so `backup restore` asks for --force)\n", done.retired
        )),
        other => out.push_str(&report::backup_line(other)),
    }
    if done.holding_old.len() > 1 {
        out.push_str(&format!(
            "{} hold the old key and are marked as such in `awsprof backup list`.\n",
            count(done.holding_old.len(), "backup", "backups")
        ));
    }
    crate::out!("{out}");
    Ok(())
}
