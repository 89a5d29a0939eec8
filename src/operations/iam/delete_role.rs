//! `iam delete-role`: only what awsprof made is deleted. Its managed
//! policies (tagged) go once nothing else uses them; other managed
//! policies are detached and named; inline policies and a permissions
//! boundary awsprof never puts on a role, so they (and a role without the
//! tag) refuse the deletion unless forced.

use super::create_role::grant_name;
use super::{delete_policy_if_unused, Admin, Steps};
use crate::aws::policy::{check_iam_name, Principal};
use crate::error::{Error, Result};

pub struct DeleteRoleRequest {
    pub role: String,
    pub force: bool,
    pub dry_run: bool,
}

pub struct DeleteRoleOutcome {
    pub steps: Steps,
    /// Managed policies not made by awsprof: detached, kept.
    pub detached_not_ours: Vec<String>,
    /// What `force` went past.
    pub forced: Vec<String>,
}

pub async fn delete_role(admin: &Admin, request: &DeleteRoleRequest) -> Result<DeleteRoleOutcome> {
    check_iam_name(&request.role, "role").map_err(Error::Usage)?;
    let iam = &admin.iam;
    let role = request.role.as_str();
    let who = admin.who.as_str();
    let mut steps = Steps::default();
    let Some(found) = iam.get_role(role).await.map_err(admin.refused(&steps))? else {
        return Err(Error::Usage(format!(
            "no IAM role `{role}` in account {}",
            admin.account
        )));
    };
    // Look first: every refusal comes before any change.
    let ours = iam
        .role_is_ours(role)
        .await
        .map_err(admin.refused(&steps))?;
    let attached = iam
        .attached_role_policies(role)
        .await
        .map_err(admin.refused(&steps))?;
    let inline = iam
        .role_inline_policies(role)
        .await
        .map_err(admin.refused(&steps))?;
    let mut foreign = Vec::new();
    if !ours {
        foreign.push("the role itself (no awsprof:managed tag)".to_string());
    }
    foreign.extend(inline.iter().map(|n| format!("inline policy {n}")));
    foreign.extend(
        found
            .boundary
            .iter()
            .map(|b| format!("permissions boundary {b}")),
    );
    if !foreign.is_empty() && !request.force {
        return Err(Error::Usage(format!(
            "role {role} has what awsprof did not make: {}; deleting it would lose them. Pass --force to delete it anyway. Nothing was changed",
            foreign.join(", ")
        )));
    }
    let mut policy_ours = Vec::new();
    for (_, arn) in &attached {
        policy_ours.push(
            iam.policy_is_ours(arn)
                .await
                .map_err(admin.refused(&steps))?,
        );
    }

    let dry = request.dry_run;
    let mut detached_not_ours = Vec::new();
    for ((name, arn), ours) in attached.iter().zip(&policy_ours) {
        steps
            .change(
                dry,
                "iam:DetachRolePolicy",
                arn,
                who,
                iam.detach_role_policy(role, arn),
            )
            .await?;
        if !ours {
            detached_not_ours.push(name.clone());
        }
    }
    // awsprof's own policies go too, once nothing else uses them.
    for ((_, arn), _) in attached.iter().zip(&policy_ours).filter(|(_, ours)| **ours) {
        delete_policy_if_unused(admin, &mut steps, dry, arn).await?;
    }
    for name in &inline {
        steps
            .change(
                dry,
                "iam:DeleteRolePolicy",
                name,
                who,
                iam.delete_role_policy(role, name),
            )
            .await?;
    }
    if let Some(arn) = &found.boundary {
        steps
            .change(
                dry,
                "iam:DeleteRolePermissionsBoundary",
                arn,
                who,
                iam.delete_role_boundary(role),
            )
            .await?;
    }
    // The grant `create-role --grant-assume` gave the trusted user.
    let trusted = found.trust["Statement"][0]["Principal"]["AWS"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if let Some(user) = Principal::Arn(trusted.clone()).user_name(&trusted) {
        let grant = grant_name(role);
        let held = iam
            .user_policy(&user, &grant)
            .await
            .map_err(admin.refused(&steps))?;
        if held.is_some() {
            let target = format!("{user}/{grant}");
            steps
                .change(
                    dry,
                    "iam:DeleteUserPolicy",
                    target,
                    who,
                    iam.delete_user_policy(&user, &grant),
                )
                .await?;
        }
    }
    steps
        .change(
            dry,
            "iam:DeleteRole",
            &found.arn,
            who,
            iam.delete_role(role),
        )
        .await?;
    Ok(DeleteRoleOutcome {
        steps,
        detached_not_ours,
        forced: if request.force { foreign } else { Vec::new() },
    })
}
