//! `awsprof profile add-role`: the walkthrough's file edit.

use super::{apply, report, Context};
use crate::cli::AddRoleArgs;
use crate::edits::{self, AddRole};
use crate::error::Result;

pub fn run(ctx: &Context, args: AddRoleArgs) -> Result<()> {
    let dry_run = args.write.dry_run;
    let add = AddRole {
        name: args.name,
        role_arn: args.role_arn,
        source_profile: args.source_profile,
        credential_source: args.credential_source,
        file: args.file.map(Into::into),
        mfa_serial: args.mfa_serial,
        external_id: args.external_id,
        role_session_name: args.role_session_name,
        duration_seconds: args.duration_seconds,
        region: args.region,
        force: args.force,
        create: args.create,
    };
    add.check()?;
    let applied = apply(ctx, dry_run, Some(&add.profiles()), |files| {
        edits::add_role(files, &add)
    })?;
    report::edit(ctx, &add.name, &applied, dry_run);
    Ok(())
}
