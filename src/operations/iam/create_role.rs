//! `iam create-role`: the trust policy and the permission policy built by
//! awsprof, the managed policy, the role, the attachment (and the user's
//! grant with `--grant-assume`). Idempotent: a second run with the same
//! request changes nothing; "as asked" only when nothing else grants the
//! role anything.

use super::{Admin, Status, Steps};
use crate::aws::iam::INLINE_PREFIX;
use crate::aws::policy::{
    account_of, assume_grant, check_action, check_iam_name, permission_policy, same_document,
    trust_policy, ActionCheck, Principal,
};
use crate::error::{Error, Result};
use crate::profiles::values::is_account_id;
use serde_json::Value;

/// Where awsprof keeps the managed policies it creates (ownership is the
/// `awsprof:managed` tag, not the path).
pub const POLICY_PATH: &str = "/awsprof/";

/// The inline policy `--grant-assume` puts on the trusted user.
pub fn grant_name(role: &str) -> String {
    format!("{INLINE_PREFIX}assume-{role}")
}

pub struct RoleRequest {
    pub role: String,
    pub principal: Principal,
    pub allow: Vec<String>,
    pub policy_name: String,
    pub require_mfa: bool,
    pub external_id: Option<String>,
    pub max_session_duration: Option<i32>,
    pub grant_assume: bool,
    /// Replace a trust policy, permission policy or session length of
    /// awsprof's that differs.
    pub update: bool,
    /// Also take away whatever else grants the role something.
    pub exclusive: bool,
    pub dry_run: bool,
    /// The admin profile, for the commands a refusal suggests.
    pub admin_profile: Option<String>,
}

impl RoleRequest {
    /// Every check that needs no call: names, actions, principal. Returns
    /// the actions whose names could not be checked (services awsprof has
    /// no operation list for).
    pub fn check(&self) -> Result<Vec<String>> {
        check_iam_name(&self.role, "role").map_err(Error::Usage)?;
        check_iam_name(&self.policy_name, "policy").map_err(Error::Usage)?;
        let mut unchecked = Vec::new();
        for action in &self.allow {
            if check_action(action).map_err(Error::Usage)? == ActionCheck::Unchecked {
                unchecked.push(action.clone());
            }
        }
        if let Some(id) = &self.external_id {
            crate::profiles::values::check_external_id(id).map_err(Error::Usage)?;
        }
        if self.grant_assume && matches!(self.principal, Principal::Account(_)) {
            return Err(Error::Usage(
                "--grant-assume gives a user an identity policy; --trust-account names an account, not a user"
                    .into(),
            ));
        }
        Ok(unchecked)
    }
}

pub struct RoleOutcome {
    pub steps: Steps,
    pub principal_arn: String,
    /// The principal's account, when it is not the admin's.
    pub foreign_account: Option<String>,
    pub role_arn: String,
    pub policy_arn: String,
    pub trust: Value,
    pub permissions: Value,
    /// What else grants the role something, left in place.
    pub also: Vec<String>,
    /// Inline policies `--exclusive` deleted: name to document.
    pub removed_inline: serde_json::Map<String, Value>,
}

impl RoleOutcome {
    /// Whether the role grants exactly what was asked.
    pub fn as_asked(&self) -> bool {
        self.also.is_empty()
    }

    /// The command that gives the trusted user's profile the role.
    pub fn next_command(&self, principal: &Principal) -> String {
        let user = principal.user_name(&self.principal_arn);
        let profile = user.as_deref().unwrap_or("PROFILE");
        format!(
            "awsprof profile add-role {profile} --role-arn {}",
            self.role_arn
        )
    }
}

/// The principal's ARN: a name is looked up in the admin's account.
async fn principal_arn(admin: &Admin, request: &RoleRequest) -> Result<String> {
    let refused = |e| Steps::default().refused(e, &admin.who);
    let name = match &request.principal {
        Principal::Arn(arn) => return Ok(arn.clone()),
        Principal::Account(account) => return Ok(format!("arn:aws:iam::{account}:root")),
        Principal::Name(name) => name,
    };
    if let Some(user) = admin.iam.get_user(name).await.map_err(refused)? {
        return Ok(user.arn);
    }
    if let Some(role) = admin.iam.get_role(name).await.map_err(refused)? {
        return Ok(role.arn);
    }
    let account = &admin.account;
    if is_account_id(name) {
        return Err(Error::Usage(format!(
            "no IAM user or role named `{name}` in account {account}; to trust account {name}, pass --trust-account {name}. Nothing was changed"
        )));
    }
    let admin_flag = request
        .admin_profile
        .as_ref()
        .map(|a| format!(" --admin {a}"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "no IAM user or role `{name}` in account {account}; create the user first (`awsprof iam create-user {name}{admin_flag}`), or pass its ARN. Nothing was changed"
    )))
}

/// What the role has now.
struct Found {
    policy: Option<Value>,
    policy_ours: bool,
    role: Option<crate::aws::iam::Role>,
    role_ours: bool,
    attached: Vec<(String, String)>,
    inline: Vec<String>,
    grant: Option<Value>,
}

async fn look(
    admin: &Admin,
    request: &RoleRequest,
    policy_arn: &str,
    grant_user: Option<&str>,
) -> Result<Found> {
    let iam = &admin.iam;
    let refused = |e| Steps::default().refused(e, &admin.who);
    let policy = iam.policy_document(policy_arn).await.map_err(refused)?;
    let policy_ours = match policy {
        Some(_) => iam.policy_is_ours(policy_arn).await.map_err(refused)?,
        None => true,
    };
    let role = iam.get_role(&request.role).await.map_err(refused)?;
    let (role_ours, attached, inline) = match role {
        Some(_) => (
            iam.role_is_ours(&request.role).await.map_err(refused)?,
            iam.attached_role_policies(&request.role)
                .await
                .map_err(refused)?,
            iam.role_inline_policies(&request.role)
                .await
                .map_err(refused)?,
        ),
        None => (true, Vec::new(), Vec::new()),
    };
    let grant = match grant_user {
        Some(user) => iam
            .user_policy(user, &grant_name(&request.role))
            .await
            .map_err(refused)?,
        None => None,
    };
    Ok(Found {
        policy,
        policy_ours,
        role,
        role_ours,
        attached,
        inline,
        grant,
    })
}

pub async fn create_role(admin: &Admin, request: &RoleRequest) -> Result<RoleOutcome> {
    let principal_arn = principal_arn(admin, request).await?;
    let principal_account = account_of(&principal_arn).unwrap_or_default().to_string();
    let foreign_account = (principal_account != admin.account).then_some(principal_account);
    if let (true, Some(account)) = (request.grant_assume, &foreign_account) {
        return Err(Error::Usage(format!(
            "--grant-assume: {principal_arn} is in account {account}, not yours ({}); only that account's admin can allow it sts:AssumeRole on the role. Nothing was changed",
            admin.account
        )));
    }
    let grant_user = request
        .grant_assume
        .then(|| request.principal.user_name(&principal_arn))
        .flatten();
    if request.grant_assume && grant_user.is_none() {
        return Err(Error::Usage(
            "--grant-assume needs --trust to name an IAM user".into(),
        ));
    }
    let trust = trust_policy(
        &principal_arn,
        request.require_mfa,
        request.external_id.as_deref(),
    );
    let permissions = permission_policy(&request.allow);
    let policy_arn = format!(
        "arn:aws:iam::{}:policy{POLICY_PATH}{}",
        admin.account, request.policy_name
    );
    let role_arn = format!("arn:aws:iam::{}:role/{}", admin.account, request.role);
    let grant = assume_grant(&role_arn);

    // Look first: nothing changes until every conflict is known.
    let found = look(admin, request, &policy_arn, grant_user.as_deref()).await?;
    let mut not_ours = Vec::new();
    if !found.policy_ours {
        not_ours.push(format!("policy {policy_arn}"));
    }
    if found.role.is_some() && !found.role_ours {
        not_ours.push(format!("role {}", request.role));
    }
    if !not_ours.is_empty() {
        return Err(Error::Usage(format!(
            "{} already exist{} and {} not made by awsprof (no awsprof:managed tag); awsprof changes only what it made: pick another role name or --policy-name. Nothing was changed",
            not_ours.join(" and "),
            if not_ours.len() == 1 { "s" } else { "" },
            if not_ours.len() == 1 { "was" } else { "were" },
        )));
    }
    let other_managed: Vec<(String, String)> = found
        .attached
        .iter()
        .filter(|(_, arn)| *arn != policy_arn)
        .cloned()
        .collect();
    let boundary = found.role.as_ref().and_then(|r| r.boundary.clone());

    let mut conflicts = Vec::new();
    let policy_differs = found
        .policy
        .as_ref()
        .is_some_and(|doc| !same_document(doc, &permissions));
    if policy_differs {
        conflicts.push(format!("policy {policy_arn} allows something else"));
    }
    let trust_differs = found
        .role
        .as_ref()
        .is_some_and(|r| !same_document(&r.trust, &trust));
    if trust_differs {
        conflicts.push(format!("role {} trusts someone else", request.role));
    }
    let session_differs = match (&found.role, request.max_session_duration) {
        (Some(r), Some(want)) => r.max_session_duration.unwrap_or(3600) != want,
        _ => false,
    };
    if session_differs {
        conflicts.push(format!("role {} has another maximum session", request.role));
    }
    if !conflicts.is_empty() && !request.update {
        return Err(Error::Usage(format!(
            "{}; pass --update to replace them (or use another --policy-name / role name). Nothing was changed",
            conflicts.join(", ")
        )));
    }

    let dry = request.dry_run;
    let iam = &admin.iam;
    let who = admin.who.as_str();
    let mut steps = Steps::default();
    // A change that is needed is made (or, dry, recorded); one that is
    // not is recorded as unchanged.
    macro_rules! step {
        ($needed:expr, $call:literal, $target:expr, $action:expr) => {
            if $needed {
                steps.change(dry, $call, $target, who, $action).await?;
            } else {
                steps.push($call, $target, Status::Unchanged);
            }
        };
    }
    let permissions_text = permissions.to_string();
    let trust_text = trust.to_string();
    if policy_differs {
        step!(
            true,
            "iam:CreatePolicyVersion",
            &policy_arn,
            iam.replace_policy_document(&policy_arn, &permissions_text)
        );
    } else {
        step!(
            found.policy.is_none(),
            "iam:CreatePolicy",
            &policy_arn,
            iam.create_policy(&request.policy_name, POLICY_PATH, &permissions_text)
        );
    }
    if trust_differs {
        step!(
            true,
            "iam:UpdateAssumeRolePolicy",
            &role_arn,
            iam.update_trust(&request.role, &trust_text)
        );
    } else {
        step!(
            found.role.is_none(),
            "iam:CreateRole",
            &role_arn,
            iam.create_role(&request.role, &trust_text, request.max_session_duration)
        );
    }
    if session_differs {
        let seconds = request.max_session_duration.unwrap_or(3600);
        step!(
            true,
            "iam:UpdateRole",
            &role_arn,
            iam.update_max_session(&request.role, seconds)
        );
    }
    let attached = found.attached.iter().any(|(_, arn)| *arn == policy_arn);
    step!(
        !attached,
        "iam:AttachRolePolicy",
        &request.role,
        iam.attach_role_policy(&request.role, &policy_arn)
    );
    if let Some(user) = &grant_user {
        let same = found
            .grant
            .as_ref()
            .is_some_and(|g| same_document(g, &grant));
        step!(
            !same,
            "iam:PutUserPolicy",
            format!("{user}/{}", grant_name(&request.role)),
            iam.put_user_policy(user, &grant_name(&request.role), &grant.to_string())
        );
    }

    let mut also = Vec::new();
    let mut removed_inline = serde_json::Map::new();
    if request.exclusive {
        for (_, arn) in &other_managed {
            step!(
                true,
                "iam:DetachRolePolicy",
                arn,
                iam.detach_role_policy(&request.role, arn)
            );
        }
        for name in &found.inline {
            // The document is returned, so that a deleted inline policy
            // can be put back by hand.
            let document = iam
                .role_policy(&request.role, name)
                .await
                .map_err(|e| steps.refused(e, who))?
                .unwrap_or(Value::Null);
            step!(
                true,
                "iam:DeleteRolePolicy",
                name,
                iam.delete_role_policy(&request.role, name)
            );
            removed_inline.insert(name.clone(), document);
        }
        if let Some(arn) = &boundary {
            step!(
                true,
                "iam:DeleteRolePermissionsBoundary",
                arn,
                iam.delete_role_boundary(&request.role)
            );
        }
    } else {
        also.extend(other_managed.iter().map(|(name, _)| name.clone()));
        also.extend(found.inline.iter().map(|name| format!("{name} (inline)")));
        also.extend(
            boundary
                .iter()
                .map(|arn| format!("{arn} (permissions boundary)")),
        );
    }
    Ok(RoleOutcome {
        steps,
        principal_arn,
        foreign_account,
        role_arn,
        policy_arn,
        trust,
        permissions,
        also,
        removed_inline,
    })
}
