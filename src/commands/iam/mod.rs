//! `awsprof iam ...`: the walkthrough's admin half. Each command builds a
//! request from its flags, reaches the admin, runs one protocol from
//! `operations::iam` and prints what it returns.

mod create_role;
mod create_user;
mod delete;
mod delete_role;
mod delete_user;

use super::{credentials, print_json, runtime, selected_profile, Context};
use crate::aws::caller_identity;
use crate::aws::iam::Iam;
use crate::cli::{AdminArgs, IamCommand};
use crate::error::{exit, Error, Result};
use crate::operations::iam::{Admin, Steps};
use serde_json::{json, Value};

/// Runs an IAM command; its exit code (`create-role` exits 1 when the
/// role grants more than was asked).
pub fn run(ctx: &Context, cmd: IamCommand) -> Result<i32> {
    match cmd {
        IamCommand::CreateUser(args) => create_user::run(ctx, args).map(|()| exit::OK),
        IamCommand::CreateRole(args) => create_role::run(ctx, args),
        IamCommand::DeleteRole(args) => delete_role::run(ctx, args).map(|()| exit::OK),
        IamCommand::DeleteUser(args) => delete_user::run(ctx, args).map(|()| exit::OK),
    }
}

/// Reaches the admin profile's credentials (sync: it may run a chain) and
/// returns a runtime to make the IAM calls on.
pub fn reach(ctx: &Context, args: &AdminArgs) -> Result<(Admin, tokio::runtime::Runtime)> {
    let profile = selected_profile(args.admin.clone());
    let (creds, settings) = credentials::reach(ctx, &profile, &args.aws)?;
    let rt = runtime()?;
    let identity = rt
        .block_on(caller_identity(&creds, &settings))
        .map_err(|e| Error::Aws(format!("{profile}: sts:GetCallerIdentity: {e}")))?;
    let iam = Iam::new(&creds, &settings);
    let temporary = creds.session_token.is_some();
    let admin = Admin::new(iam, identity.account, &identity.arn, temporary, &profile);
    Ok((admin, rt))
}

/// Prints a command's outcome: `fields` for JSON, the steps and `lines`
/// for text.
pub fn report(ctx: &Context, steps: &Steps, mut fields: Value, lines: &[String]) {
    if ctx.json() {
        fields["steps"] = steps.to_json();
        fields["changed"] = json!(steps.changed());
        print_json(&fields);
        return;
    }
    let mut out: String = crate::commands::table(&steps.rows())
        .lines()
        .map(|line| format!("  {line}\n"))
        .collect();
    for line in lines.iter().filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    crate::out!("{out}");
}
