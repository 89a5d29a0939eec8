//! `awsprof key rotate NAME`: a new key in place of the old one, without
//! ever leaving the user without a working key. In order: check, create
//! the new key and record it in a journal before anything else, write it
//! through the store, prove it works, retire the old key, drop the
//! journal. Run again after a crash at any step, it finishes from the
//! journal: no third key, the same new secret.

use super::{admin_caller, admin_hint, static_keys, user_of};
use crate::aws::iam::{Iam, IamError};
use crate::aws::retry::{not_yet_known, retry_while};
use crate::aws::{caller_identity, resolve_settings, Creds, Settings};
use crate::cli::AwsArgs;
use crate::commands::{apply, print_json, report, runtime, Context};
use crate::edits::{check_profile_name, holders, replace_key, EditResult};
use crate::error::{Error, Result};
use crate::profiles::keys::AWS_ACCESS_KEY_ID;
use crate::profiles::FileKind;
use crate::secret::{mask_key_id, Secret};
use crate::store::Journal;
use serde_json::{json, Value};
use std::time::Duration;

/// How long a new key may be refused while IAM catches up.
const PROVE_WITHIN: Duration = Duration::from_secs(30);

/// What becomes of the old key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retire {
    Delete,
    Deactivate,
    Keep,
}

impl Retire {
    pub fn from_flags(keep_old: bool, no_deactivate: bool) -> Retire {
        match (keep_old, no_deactivate) {
            (_, true) => Retire::Keep,
            (true, false) => Retire::Deactivate,
            (false, false) => Retire::Delete,
        }
    }
}

/// A rotation under way, as the journal holds it (the `AccessKey` part is
/// what `aws iam create-access-key` prints, so `key import` reads it).
struct Rotation {
    profile: String,
    /// The credentials file the rotation writes: a journal for another
    /// file is not resumed here.
    credentials_file: String,
    user: String,
    old_id: String,
    new_id: String,
    new_secret: Secret,
}

impl Rotation {
    fn to_json(&self) -> Value {
        json!({
            "profile": self.profile,
            "credentials_file": self.credentials_file,
            "user": self.user,
            "old_key_id": self.old_id,
            "AccessKey": {
                "UserName": self.user,
                "AccessKeyId": self.new_id,
                "SecretAccessKey": self.new_secret.expose(),
                "Status": "Active",
            },
        })
    }

    fn from_json(v: &Value) -> Option<Rotation> {
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(String::from);
        let rotation = Rotation {
            profile: s("/profile")?,
            credentials_file: s("/credentials_file")?,
            user: s("/user")?,
            old_id: s("/old_key_id")?,
            new_id: s("/AccessKey/AccessKeyId")?,
            new_secret: Secret::new(s("/AccessKey/SecretAccessKey")?),
        };
        let shaped = crate::profiles::values::check_access_key_id(&rotation.old_id).is_ok()
            && crate::profiles::values::check_access_key_id(&rotation.new_id).is_ok()
            && crate::profiles::values::check_secret_text(rotation.new_secret.expose()).is_ok();
        shaped.then_some(rotation)
    }

    fn new_creds(&self) -> Creds {
        Creds {
            access_key_id: self.new_id.clone(),
            secret_access_key: self.new_secret.clone(),
            session_token: None,
            expiration: None,
        }
    }
}

/// The journal entry for a profile's rotation.
fn entry(profile: &str) -> String {
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("rotate-{safe}")
}

/// A refusal, named by the step it stopped.
fn at_step(step: &str, e: impl std::fmt::Display, after: &str) -> Error {
    Error::Aws(format!("{step}: {e}{after}"))
}

/// Lets a test stop the process at a named point, as a crash would.
fn crash_point(name: &str) {
    if std::env::var("AWSPROF_TEST_KILL_AT").is_ok_and(|v| v == name) {
        // SAFETY: kill(2) on our own pid with a valid signal.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}

pub fn run(
    ctx: &Context,
    profile: &str,
    retire: Retire,
    dry_run: bool,
    admin: Option<String>,
    args: &AwsArgs,
) -> Result<()> {
    check_profile_name(profile)?;
    let admin = admin_caller(ctx, admin, args)?;
    let journal = Journal::locate();
    let entry = entry(profile);
    let files = ctx.load()?;
    let settings = resolve_settings(&args.into(), &files.set, profile);
    crate::aws::cache::check_dir(&settings)?;
    let rt = runtime()?;
    let pending = journal
        .read(&entry)?
        .map(|v| {
            Rotation::from_json(&v).ok_or_else(|| {
                Error::Config(format!(
                    "{}: not a rotation journal awsprof can read; move it away to start over",
                    journal.path(&entry).display()
                ))
            })
        })
        .transpose()?;
    if let Some(pending) = &pending {
        let today = ctx.locations.credentials.display().to_string();
        if pending.profile != profile || pending.credentials_file != today {
            return Err(Error::Config(format!(
                "{}: this rotation journal is for profile `{}` in {}, not `{profile}` in {today}; it is not resumed here. Finish it with the settings it was started with, or move it away to start over",
                journal.path(&entry).display(),
                crate::terminal::escape_controls(&pending.profile),
                crate::terminal::escape_controls(&pending.credentials_file),
            )));
        }
    }
    let resumed = pending.is_some();
    let rotation = match pending {
        Some(rotation) => rotation,
        None => {
            let creds = static_keys(&files, profile)?;
            let in_credentials = files
                .set
                .profile(profile)
                .and_then(|p| p.property(AWS_ACCESS_KEY_ID))
                .is_some_and(|p| p.origin.file == FileKind::Credentials);
            if !in_credentials {
                return Err(Error::Usage(format!(
                    "profile `{profile}` keeps its access key in the config file; move it to the credentials file first (`awsprof key import`)"
                )));
            }
            let plan = rt.block_on(check(&creds, admin.as_ref(), &settings, profile))?;
            if dry_run {
                print_plan(
                    ctx,
                    profile,
                    &plan,
                    &holders(&files, &creds.access_key_id),
                    retire,
                );
                return Ok(());
            }
            let new = rt
                .block_on(
                    Iam::new(admin.as_ref().unwrap_or(&creds), &settings)
                        .create_access_key(&plan.user),
                )
                .map_err(|e| at_step("step 2, create the new key", e, "; nothing was changed"))?;
            let rotation = Rotation {
                profile: profile.to_string(),
                credentials_file: ctx.locations.credentials.display().to_string(),
                user: plan.user,
                old_id: creds.access_key_id,
                new_id: new.id,
                new_secret: new.secret,
            };
            journal.write(&entry, &rotation.to_json())?;
            crash_point("created");
            rotation
        }
    };
    if dry_run {
        return Err(Error::Usage(format!(
            "a rotation of profile `{profile}` is under way ({}); run `awsprof key rotate {profile}` to finish it",
            journal.path(&entry).display()
        )));
    }
    crate::commands::leave_to_exit(files);
    let kept = journal.path(&entry);
    let still = format!(
        "; the new key {} is kept in {}, run `awsprof key rotate {profile}` again to finish",
        mask_key_id(&rotation.new_id),
        kept.display()
    );

    let applied = apply(ctx, false, None, |files| {
        write_new_key(files, &rotation, &kept)
    })
    .inspect_err(|_| {
        // The error keeps its own type (and so its exit code); what to do
        // next is said beside it.
        crate::errln!("awsprof: step 3, write the new key, failed{still}");
    })?;
    crash_point("written");

    let new_creds = rotation.new_creds();
    rt.block_on(retry_while(
        PROVE_WITHIN,
        Duration::from_millis(500),
        not_yet_known,
        || caller_identity(&new_creds, &settings),
    ))
    .map_err(|e| {
        at_step(
            "step 4, prove the new key works (sts:GetCallerIdentity)",
            e,
            &still,
        )
    })?;

    let iam = Iam::new(admin.as_ref().unwrap_or(&new_creds), &settings);
    let gone = |r: std::result::Result<(), IamError>| match r {
        Err(e) if e.not_found() => Ok(()),
        other => other,
    };
    let old = mask_key_id(&rotation.old_id);
    let retired = rt.block_on(async {
        if retire == Retire::Keep {
            return Ok("left Active (--no-deactivate)");
        }
        gone(
            iam.set_key_active(&rotation.user, &rotation.old_id, false)
                .await,
        )
        .map_err(|e| at_step("step 5, deactivate the old key", e, &still))?;
        if retire == Retire::Deactivate {
            return Ok("made Inactive (--keep-old)");
        }
        gone(
            iam.delete_access_key(&rotation.user, &rotation.old_id)
                .await,
        )
        .map_err(|e| {
            at_step(
                "step 5, delete the old key",
                e,
                &format!("; the old key {old} is Inactive and the file holds the new key{still}"),
            )
        })?;
        Ok::<_, Error>("deleted")
    })?;
    journal.remove(&entry)?;
    // Every backup that holds the old key now holds a dead (or disabled)
    // one: marked, so that a restore asks before putting it back.
    let holding_old = if retire == Retire::Keep {
        Vec::new()
    } else {
        ctx.backups().mark_retired(&rotation.old_id)?
    };

    let (result, profiles) = applied.value;
    let backup = applied.written.backup.as_ref().map(|m| m.id.clone());
    if ctx.json() {
        print_json(&json!({
            "profile": profile,
            "user": rotation.user,
            "old_key_id": old,
            "new_key_id": mask_key_id(&rotation.new_id),
            "profiles": profiles,
            "old_key": retired,
            "resumed": resumed,
            "backup": backup,
            "backups_holding_old_key": holding_old,
        }));
        return Ok(());
    }
    let mut out = String::new();
    if resumed {
        out.push_str(&format!(
            "Resumed the rotation recorded in {}\n",
            kept.display()
        ));
    }
    out.push_str(&format!(
        "Rotated the key of IAM user {}: {old} -> {}\n",
        rotation.user,
        mask_key_id(&rotation.new_id)
    ));
    if result.changes.is_empty() {
        out.push_str("The files already held the new key.\n");
    } else {
        out.push_str(&format!("Written to profile(s): {}\n", profiles.join(", ")));
    }
    out.push_str(&format!("Old key {old}: {retired}\n"));
    match backup.as_deref() {
        Some(id) if holding_old.iter().any(|b| b == id) => out.push_str(&format!(
            "Backup: {id} (it holds the old key {old}, which is {retired}: restoring it would put a dead key back, so `backup restore` asks for --force)\n"
        )),
        other => out.push_str(&report::backup_line(other)),
    }
    if holding_old.len() > 1 {
        out.push_str(&format!(
            "{} hold the old key and are marked as such in `awsprof backup list`.\n",
            crate::commands::count(holding_old.len(), "backup", "backups")
        ));
    }
    crate::out!("{out}");
    Ok(())
}

struct Plan {
    user: String,
}

/// Step 1: the keys belong to an IAM user who has a free key slot.
async fn check(
    creds: &Creds,
    admin: Option<&Creds>,
    settings: &Settings,
    profile: &str,
) -> Result<Plan> {
    let (user, _) = user_of(creds, settings, profile).await?;
    let keys = Iam::new(admin.unwrap_or(creds), settings)
        .list_access_keys(&user)
        .await
        .map_err(|e| {
            let after = format!("; nothing was changed{}", admin_hint(&e, admin.is_some()));
            at_step("step 1, check the user's keys", e, &after)
        })?;
    if keys.len() >= 2 {
        let other = keys
            .iter()
            .find(|k| k.id != creds.access_key_id)
            .map(|k| k.id.clone())
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "IAM user {user} already has two access keys, the most IAM allows: this one and {} ({}); delete the other first: `aws iam delete-access-key --user-name {user} --access-key-id {other}`. Nothing was changed",
            mask_key_id(&other),
            if keys.iter().any(|k| k.id == other && k.active) { "Active" } else { "Inactive" },
        )));
    }
    Ok(Plan { user })
}

fn print_plan(ctx: &Context, profile: &str, plan: &Plan, held: &[String], retire: Retire) {
    let retire = match retire {
        Retire::Delete => "deactivate, then delete",
        Retire::Deactivate => "deactivate",
        Retire::Keep => "leave Active",
    };
    if ctx.json() {
        print_json(
            &json!({"profile": profile, "user": plan.user, "profiles": held, "old_key": retire, "dry_run": true}),
        );
    } else {
        crate::outln!(
            "Would create a new key for IAM user {}, write it to profile(s) {}, prove it works, then {retire} the old key.\n(dry run: nothing was changed)",
            plan.user,
            held.join(", ")
        );
    }
}

/// Step 3: the new key in place of the old one, in every profile that
/// holds it; nothing to do when the files hold the new key already.
fn write_new_key(
    files: &mut crate::profiles::ProfileFiles,
    rotation: &Rotation,
    kept: &std::path::Path,
) -> Result<(EditResult, Vec<String>)> {
    if !holders(files, &rotation.old_id).is_empty() {
        return replace_key(
            files,
            &rotation.old_id,
            &rotation.new_id,
            rotation.new_secret.expose(),
        );
    }
    let with_new = holders(files, &rotation.new_id);
    if !with_new.is_empty() {
        return Ok((
            EditResult::unchanged("the files hold the new key already".into()),
            with_new,
        ));
    }
    Err(Error::Usage(format!(
        "neither the old key {} nor the new key {} is in the files any more; store the new one with `awsprof key import {} {}`",
        mask_key_id(&rotation.old_id),
        mask_key_id(&rotation.new_id),
        rotation.profile,
        kept.display()
    )))
}
