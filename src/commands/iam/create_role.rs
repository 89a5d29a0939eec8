//! `awsprof iam create-role ROLE --trust PRINCIPAL --allow ACTION...`: the
//! trust policy and the permission policy built by awsprof, the managed
//! policy, the role, the attachment. Idempotent: a second run with the
//! same arguments changes nothing and says so.

use super::{report, Admin, Status, Steps};
use crate::aws::policy::{
    account_of, assume_grant, check_action, check_iam_name, permission_policy, same_document,
    trust_policy, Principal,
};
use crate::cli::CreateRoleArgs;
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::profiles::values::is_account_id;
use serde_json::{json, Value};

/// Where awsprof keeps the managed policies it creates, so that
/// `iam delete-role` knows which ones are its own.
pub const POLICY_PATH: &str = "/awsprof/";

/// The inline policy `--grant-assume` puts on the trusted user.
pub fn grant_name(role: &str) -> String {
    format!("awsprof-assume-{role}")
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON values serialize")
}

pub fn run(ctx: &Context, args: CreateRoleArgs) -> Result<i32> {
    check_iam_name(&args.role, "role").map_err(Error::Usage)?;
    let policy_name = args
        .policy_name
        .clone()
        .unwrap_or_else(|| format!("{}-policy", args.role));
    check_iam_name(&policy_name, "policy").map_err(Error::Usage)?;
    for action in &args.allow {
        check_action(action).map_err(Error::Usage)?;
    }
    let principal = match (&args.trust, &args.trust_account) {
        (_, Some(account)) => Principal::account(account),
        (Some(trust), None) => Principal::parse(trust),
        (None, None) => Err("name who may assume the role: --trust or --trust-account".into()),
    }
    .map_err(Error::Usage)?;
    if let Some(id) = &args.external_id {
        crate::profiles::values::check_external_id(id).map_err(Error::Usage)?;
    }
    if args.grant_assume && matches!(principal, Principal::Account(_)) {
        return Err(Error::Usage(
            "--grant-assume gives a user an identity policy; --trust-account names an account, not a user"
                .into(),
        ));
    }
    let admin_flag = args
        .admin
        .admin
        .as_ref()
        .map(|a| format!(" --admin {a}"))
        .unwrap_or_default();

    let (admin, rt) = Admin::reach(ctx, &args.admin)?;
    let mut steps = Steps::default();
    let outcome = rt.block_on(async {
        let refused = |steps: &Steps, e| steps.refused(e, &admin.who);
        let principal_arn = match &principal {
            Principal::Name(name) => {
                let user = admin.iam.get_user(name).await.map_err(|e| refused(&steps, e))?;
                let role = match user {
                    Some(_) => None,
                    None => admin.iam.get_role(name).await.map_err(|e| refused(&steps, e))?,
                };
                match (user, role) {
                    (Some(user), _) => user.arn,
                    (None, Some(role)) => role.arn,
                    (None, None) if is_account_id(name) => {
                        return Err(Error::Usage(format!(
                            "no IAM user or role named `{name}` in account {}; to trust account {name}, pass --trust-account {name}. Nothing was changed",
                            admin.account
                        )))
                    }
                    (None, None) => {
                        return Err(Error::Usage(format!(
                            "no IAM user or role `{name}` in account {}; create the user first (`awsprof iam create-user {name}{admin_flag}`), or pass its ARN. Nothing was changed",
                            admin.account
                        )))
                    }
                }
            }
            Principal::Arn(arn) => arn.clone(),
            Principal::Account(account) => format!("arn:aws:iam::{account}:root"),
        };
        let principal_account = account_of(&principal_arn).unwrap_or_default().to_string();
        let foreign_account = (principal_account != admin.account).then_some(principal_account);
        if let (true, Some(principal_account)) = (args.grant_assume, &foreign_account) {
            return Err(Error::Usage(format!(
                "--grant-assume: {principal_arn} is in account {principal_account}, not yours ({}); only that account's admin can allow it sts:AssumeRole on the role. Nothing was changed",
                admin.account
            )));
        }
        let grant_user = args
            .grant_assume
            .then(|| principal.user_name(&principal_arn))
            .flatten();
        if args.grant_assume && grant_user.is_none() {
            return Err(Error::Usage(
                "--grant-assume needs --trust to name an IAM user".into(),
            ));
        }
        let trust = trust_policy(&principal_arn, args.require_mfa, args.external_id.as_deref());
        let permissions = permission_policy(&args.allow);
        let policy_arn = format!(
            "arn:aws:iam::{}:policy{POLICY_PATH}{policy_name}",
            admin.account
        );
        let role_arn = format!("arn:aws:iam::{}:role/{}", admin.account, args.role);
        let grant = assume_grant(&role_arn);

        // Look first: nothing changes until every conflict is known.
        let policy_now = admin
            .iam
            .policy_document(&policy_arn)
            .await
            .map_err(|e| refused(&steps, e))?;
        let role_now = admin
            .iam
            .get_role(&args.role)
            .await
            .map_err(|e| refused(&steps, e))?;
        let (attached_now, inline_now) = match &role_now {
            Some(_) => (
                admin
                    .iam
                    .attached_role_policies(&args.role)
                    .await
                    .map_err(|e| refused(&steps, e))?,
                admin
                    .iam
                    .role_inline_policies(&args.role)
                    .await
                    .map_err(|e| refused(&steps, e))?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        let attached = attached_now.iter().any(|(_, arn)| *arn == policy_arn);
        // Whatever else grants the role something: "as asked" only
        // without it.
        let mut also: Vec<String> = attached_now
            .iter()
            .filter(|(_, arn)| *arn != policy_arn)
            .map(|(name, _)| name.clone())
            .collect();
        also.extend(inline_now.iter().map(|name| format!("{name} (inline)")));
        let grant_now = match &grant_user {
            Some(user) => admin
                .iam
                .user_policy(user, &grant_name(&args.role))
                .await
                .map_err(|e| refused(&steps, e))?,
            None => None,
        };
        let mut conflicts = Vec::new();
        let policy_differs = policy_now
            .as_ref()
            .is_some_and(|doc| !same_document(doc, &permissions));
        if policy_differs {
            conflicts.push(format!("policy {policy_arn} allows something else"));
        }
        let trust_differs = role_now
            .as_ref()
            .is_some_and(|r| !same_document(&r.trust, &trust));
        if trust_differs {
            conflicts.push(format!("role {} trusts someone else", args.role));
        }
        let session_differs = match (&role_now, args.max_session_duration) {
            (Some(r), Some(want)) => r.max_session_duration.unwrap_or(3600) != want,
            _ => false,
        };
        if session_differs {
            conflicts.push(format!("role {} has another maximum session", args.role));
        }
        if !conflicts.is_empty() && !args.update {
            return Err(Error::Usage(format!(
                "{}; pass --update to replace them (or use another --policy-name / role name)",
                conflicts.join(", ")
            )));
        }

        let dry = args.dry_run;
        // A change that is needed is made (or, dry, recorded); one that
        // is not is recorded as unchanged.
        macro_rules! step {
            ($needed:expr, $call:literal, $target:expr, $action:expr) => {
                if $needed {
                    steps.change(dry, $call, $target, &admin.who, $action).await?;
                } else {
                    steps.push($call, $target, Status::Unchanged);
                }
            };
        }
        let permissions_text = permissions.to_string();
        let trust_text = trust.to_string();
        if policy_differs {
            step!(true, "iam:CreatePolicyVersion", &policy_arn,
                admin.iam.replace_policy_document(&policy_arn, &permissions_text));
        } else {
            step!(policy_now.is_none(), "iam:CreatePolicy", &policy_arn,
                admin.iam.create_policy(&policy_name, POLICY_PATH, &permissions_text));
        }
        if trust_differs {
            step!(true, "iam:UpdateAssumeRolePolicy", &role_arn,
                admin.iam.update_trust(&args.role, &trust_text));
        } else {
            step!(role_now.is_none(), "iam:CreateRole", &role_arn,
                admin.iam.create_role(&args.role, &trust_text, args.max_session_duration));
        }
        if session_differs {
            let seconds = args.max_session_duration.unwrap_or(3600);
            step!(true, "iam:UpdateRole", &role_arn, admin.iam.update_max_session(&args.role, seconds));
        }
        step!(!attached, "iam:AttachRolePolicy", &args.role,
            admin.iam.attach_role_policy(&args.role, &policy_arn));
        if let Some(user) = &grant_user {
            let same = grant_now.as_ref().is_some_and(|g| same_document(g, &grant));
            step!(!same, "iam:PutUserPolicy", format!("{user}/{}", grant_name(&args.role)),
                admin.iam.put_user_policy(user, &grant_name(&args.role), &grant.to_string()));
        }
        Ok::<_, Error>((principal_arn, role_arn, policy_arn, trust, permissions, also, foreign_account))
    })?;
    let (principal_arn, role_arn, policy_arn, trust, permissions, also, foreign_account) = outcome;
    let user_for_profile = principal
        .user_name(&principal_arn)
        .unwrap_or_else(|| "PROFILE".to_string());
    let next = format!("awsprof profile add-role {user_for_profile} --role-arn {role_arn}");
    let mut lines = Vec::new();
    let whom = match &foreign_account {
        Some(account) => format!("{principal_arn} (account {account}, not yours)"),
        None => principal_arn.clone(),
    };
    lines.push(format!("Trusts: {whom}"));
    if args.dry_run {
        lines.push(format!("Trust policy:\n{}", pretty(&trust)));
        lines.push(format!(
            "Permission policy ({policy_name}):\n{}",
            pretty(&permissions)
        ));
        lines.push("(dry run: nothing was changed)".to_string());
    } else if steps.changed() {
        lines.push(format!("Role: {role_arn}"));
        lines.push(format!("Next: {next}"));
    } else if also.is_empty() {
        lines.push(format!(
            "Role {role_arn} already is as asked; nothing changed."
        ));
        lines.push(format!("Next: {next}"));
    }
    if !also.is_empty() {
        lines.push(format!(
            "The role grants more than was asked: also attached, not made by awsprof: {}. Detach them, or check what they allow with `awsprof profile verify`.",
            also.join(", ")
        ));
    }
    report(
        ctx,
        &steps,
        json!({
            "role_arn": role_arn,
            "policy_arn": policy_arn,
            "trusts": principal_arn,
            "trusts_another_account": foreign_account.is_some(),
            "also_attached": also,
            "trust_policy": trust,
            "permission_policy": permissions,
            "dry_run": args.dry_run,
            "next": next,
        }),
        &lines,
    );
    Ok(if also.is_empty() {
        crate::error::exit::OK
    } else {
        crate::error::exit::FAILED
    })
}
