//! `awsprof key import | list | rotate`.

mod import;
mod list;
mod rotate;

use super::Context;
use crate::aws::Creds;
use crate::cli::{AwsArgs, KeyCommand};
use crate::error::Result;
pub use crate::operations::rotate::{admin_hint, user_of};

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
            crate::operations::rotate::Retire::from_flags(keep_old, no_deactivate),
            dry_run,
            admin,
            &aws,
        )
        .map(|()| 0),
    }
}

/// The credentials that make the IAM calls: the admin's (`--admin`), else
/// none (the profile's own keys are used).
pub fn admin_caller(ctx: &Context, admin: Option<String>, aws: &AwsArgs) -> Result<Option<Creds>> {
    admin
        .map(|profile| super::credentials::reach(ctx, &profile, aws).map(|(creds, _)| creds))
        .transpose()
}
