//! `awsprof key import | list | rotate`.

mod import;
mod list;
mod rotate;

use super::Context;
use crate::aws::{Creds, Settings};
use crate::cli::{AwsArgs, KeyCommand};
use crate::error::{Error, Result};
use crate::profiles::keys::{AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY};
use crate::profiles::ProfileFiles;
use crate::secret::Secret;

pub fn run(ctx: &Context, cmd: KeyCommand) -> Result<i32> {
    match cmd {
        KeyCommand::Import {
            name,
            input,
            force,
            region,
            output_format,
            write,
        } => import::run(ctx, &name, input, force, region, output_format, write).map(|()| 0),
        KeyCommand::List {
            name,
            max_age,
            admin,
            aws,
        } => list::run(ctx, name, max_age, admin, &aws),
        KeyCommand::Rotate {
            name,
            keep_old,
            no_deactivate,
            dry_run,
            admin,
            aws,
        } => rotate::run(
            ctx,
            &name,
            rotate::Retire::from_flags(keep_old, no_deactivate),
            dry_run,
            admin,
            &aws,
        )
        .map(|()| 0),
    }
}

/// The static keys a profile holds itself (not what its chain reaches).
pub fn static_keys(files: &ProfileFiles, profile: &str) -> Result<Creds> {
    let p = crate::edits::require_profile(files, profile)?;
    match (p.get(AWS_ACCESS_KEY_ID), p.get(AWS_SECRET_ACCESS_KEY)) {
        (Some(id), Some(secret)) => Ok(Creds {
            access_key_id: id.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: None,
            expiration: None,
        }),
        _ => Err(Error::Usage(format!(
            "profile `{profile}` holds no access key of its own (aws_access_key_id and aws_secret_access_key); `awsprof key import {profile}` stores one"
        ))),
    }
}

/// The IAM user name of `creds`, from GetCallerIdentity.
pub async fn user_of(
    creds: &Creds,
    settings: &Settings,
    profile: &str,
) -> Result<(String, String)> {
    let identity = crate::aws::caller_identity(creds, settings)
        .await
        .map_err(|e| Error::Aws(format!("{profile}: sts:GetCallerIdentity: {e}")))?;
    match identity.arn.split_once(":user/") {
        Some((_, path)) => Ok((
            path.rsplit('/').next().unwrap_or(path).to_string(),
            identity.arn.clone(),
        )),
        None => Err(Error::Usage(format!(
            "the keys of profile `{profile}` belong to {}, not an IAM user; only IAM users' keys can be listed or rotated",
            identity.arn
        ))),
    }
}

/// The credentials that make the IAM calls: the admin's (`--admin`), else
/// none (the profile's own keys are used).
pub fn admin_caller(ctx: &Context, admin: Option<String>, aws: &AwsArgs) -> Result<Option<Creds>> {
    admin
        .map(|profile| super::credentials::reach(ctx, &profile, aws).map(|(creds, _)| creds))
        .transpose()
}

/// The hint beside an IAM refusal of the profile's own keys.
pub fn admin_hint(e: &crate::aws::iam::IamError, admin: bool) -> &'static str {
    if e.denied() && !admin {
        "; the profile's own keys may not manage keys: pass --admin PROFILE to make the IAM calls as an admin"
    } else {
        ""
    }
}
