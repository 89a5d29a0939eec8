//! `profile rename | copy | delete` and `sso-session rename | delete`:
//! whole sections, with every reference kept right, all files at once.

use super::{apply, report, Context};
use crate::cli::{ServicesCommand, SsoSessionCommand, WriteArgs};
use crate::edits;
use crate::error::Result;

pub fn rename(ctx: &Context, old: &str, new: &str, write: WriteArgs) -> Result<()> {
    edits::check_profile_name(new)?;
    let applied = apply(ctx, write.dry_run, None, |files| {
        edits::rename(files, old, new)
    })?;
    report::edit(ctx, old, &applied, write.dry_run);
    Ok(())
}

pub fn copy(
    ctx: &Context,
    src: &str,
    dst: &str,
    without_keys: bool,
    write: WriteArgs,
) -> Result<()> {
    edits::check_profile_name(dst)?;
    let applied = apply(ctx, write.dry_run, None, |files| {
        edits::copy(files, src, dst, without_keys)
    })?;
    report::edit(ctx, dst, &applied, write.dry_run);
    Ok(())
}

pub fn delete(ctx: &Context, name: &str, force: bool, write: WriteArgs) -> Result<()> {
    let applied = apply(ctx, write.dry_run, None, |files| {
        edits::delete(files, name, force)
    })?;
    report::edit(ctx, name, &applied, write.dry_run);
    Ok(())
}

pub fn sso_session(ctx: &Context, cmd: SsoSessionCommand) -> Result<()> {
    let (name, dry_run, applied) = match cmd {
        SsoSessionCommand::Rename { old, new, write } => {
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::rename_sso_session(files, &old, &new)
            })?;
            (old, write.dry_run, applied)
        }
        SsoSessionCommand::Delete { name, force, write } => {
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::delete_sso_session(files, &name, force)
            })?;
            (name, write.dry_run, applied)
        }
    };
    report::edit(ctx, &format!("sso-session {name}"), &applied, dry_run);
    Ok(())
}

pub fn services(ctx: &Context, cmd: ServicesCommand) -> Result<()> {
    let (name, dry_run, applied) = match cmd {
        ServicesCommand::Set {
            name,
            key,
            value,
            write,
        } => {
            let key = key.to_ascii_lowercase();
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::set_service(files, &name, &key, &value)
            })?;
            (name, write.dry_run, applied)
        }
        ServicesCommand::Unset { name, key, write } => {
            let key = key.to_ascii_lowercase();
            let applied = apply(ctx, write.dry_run, None, |files| {
                edits::unset_service(files, &name, &key)
            })?;
            (name, write.dry_run, applied)
        }
    };
    report::edit(ctx, &format!("services {name}"), &applied, dry_run);
    Ok(())
}
