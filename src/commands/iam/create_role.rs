//! `awsprof iam create-role ROLE --trust PRINCIPAL --allow ACTION...`: the
//! request from the flags, the protocol in `operations::iam::create_role`.

use super::{reach, report};
use crate::aws::policy::Principal;
use crate::cli::CreateRoleArgs;
use crate::commands::Context;
use crate::error::{exit, Error, Result};
use crate::operations::iam::create_role::{create_role, RoleRequest};
use serde_json::{json, Value};

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON values serialize")
}

pub fn run(ctx: &Context, args: CreateRoleArgs) -> Result<i32> {
    let principal = match (&args.trust, &args.trust_account) {
        (_, Some(account)) => Principal::account(account),
        (Some(trust), None) => Principal::parse(trust),
        (None, None) => Err("name who may assume the role: --trust or --trust-account".into()),
    }
    .map_err(Error::Usage)?;
    let request = RoleRequest {
        policy_name: (args.policy_name.clone()).unwrap_or_else(|| format!("{}-policy", args.role)),
        role: args.role,
        principal,
        allow: args.allow,
        require_mfa: args.require_mfa,
        external_id: args.external_id,
        max_session_duration: args.max_session_duration,
        grant_assume: args.grant_assume,
        update: args.update,
        exclusive: args.exclusive,
        dry_run: args.dry_run,
        admin_profile: args.admin.admin.clone(),
    };
    let unchecked = request.check()?;
    for action in &unchecked {
        crate::errln!("awsprof: warning: `{action}` was not checked: awsprof knows the actions of EC2, STS and IAM only");
    }
    let (admin, rt) = reach(ctx, &args.admin)?;
    let done = rt.block_on(create_role(&admin, &request))?;
    let next = done.next_command(&request.principal);
    let mut lines = vec![match &done.foreign_account {
        Some(account) => format!(
            "Trusts: {} (account {account}, not yours)",
            done.principal_arn
        ),
        None => format!("Trusts: {}", done.principal_arn),
    }];
    if request.dry_run {
        lines.push(format!("Trust policy:\n{}", pretty(&done.trust)));
        lines.push(format!(
            "Permission policy ({}):\n{}",
            request.policy_name,
            pretty(&done.permissions)
        ));
        lines.push("(dry run: nothing was changed)".to_string());
    } else if done.steps.changed() || done.as_asked() {
        lines.push(match done.steps.changed() {
            true => format!("Role: {}", done.role_arn),
            false => format!(
                "Role {} already is as asked; nothing changed.",
                done.role_arn
            ),
        });
        lines.push(format!("Next: {next}"));
    }
    for (name, document) in &done.removed_inline {
        lines.push(format!(
            "Deleted inline policy {name}, which was:\n{}",
            pretty(document)
        ));
    }
    if !done.as_asked() {
        lines.push(format!(
            "The role grants more than was asked: also attached, not made by awsprof: {}. Pass --update --exclusive to take them away, or check what they allow with `awsprof profile verify`.",
            done.also.join(", ")
        ));
    }
    let fields = json!({
        "role_arn": done.role_arn, "policy_arn": done.policy_arn, "trusts": done.principal_arn,
        "trusts_another_account": done.foreign_account.is_some(), "also_attached": done.also,
        "removed_inline_policies": done.removed_inline, "unchecked_actions": unchecked,
        "trust_policy": done.trust, "permission_policy": done.permissions,
        "dry_run": request.dry_run, "next": next,
    });
    report(ctx, &done.steps, fields, &lines);
    Ok(if done.as_asked() {
        exit::OK
    } else {
        exit::FAILED
    })
}
