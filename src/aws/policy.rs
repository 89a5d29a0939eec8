//! The IAM documents `iam create-role` writes, built from plain values so
//! that no hand-made JSON can be wrong. Pure.

use crate::profiles::values::is_account_id;
use serde_json::{json, Value};

const VERSION: &str = "2012-10-17";

/// Who a role trusts, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A user or role name (a bare 12-digit value included), looked up in
    /// the admin's account.
    Name(String),
    /// A user or role ARN, used as given.
    Arn(String),
    /// A 12-digit account (`--trust-account`): its root,
    /// `arn:aws:iam::ACCOUNT:root`.
    Account(String),
}

impl Principal {
    /// `--trust`: a name or an ARN. A bare 12-digit value is a name here:
    /// an account is named with `--trust-account`.
    pub fn parse(text: &str) -> Result<Principal, String> {
        if let Some(rest) = text.strip_prefix("arn:") {
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            let ok = parts.len() == 5
                && matches!(parts[1], "iam" | "sts")
                && is_account_id(parts[3])
                && (parts[4].starts_with("user/")
                    || parts[4].starts_with("role/")
                    || parts[4].starts_with("assumed-role/")
                    || parts[4] == "root");
            return if ok {
                Ok(Principal::Arn(text.to_string()))
            } else {
                Err(format!(
                    "`{text}` is not a user or role ARN such as arn:aws:iam::123456789012:user/tanaka"
                ))
            };
        }
        check_iam_name(text, "user or role")?;
        Ok(Principal::Name(text.to_string()))
    }

    /// `--trust-account`.
    pub fn account(id: &str) -> Result<Principal, String> {
        if is_account_id(id) {
            Ok(Principal::Account(id.to_string()))
        } else {
            Err(format!("`{id}` is not an AWS account id (12 digits)"))
        }
    }

    /// The user name, when the principal is an IAM user.
    pub fn user_name(&self, arn: &str) -> Option<String> {
        arn.split_once(":user/")
            .map(|(_, path)| path.rsplit('/').next().unwrap_or(path).to_string())
    }
}

/// The account an IAM or STS ARN belongs to.
pub fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| is_account_id(a))
}

/// IAM's rule for user, role and policy names: 1 to 64 (roles) or 128
/// characters of letters, digits and `+=,.@_-`.
pub fn check_iam_name(name: &str, what: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid IAM {what} name: use 1 to 64 letters, digits and + = , . @ _ -"
        ))
    }
}

/// Whether an action was checked against its service's operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionCheck {
    /// A known EC2, STS or IAM action (or a wildcard matching one).
    Known,
    /// Of a service awsprof has no operation list for: only its shape was
    /// checked.
    Unchecked,
}

/// Actions IAM knows that are not API operations: permissions only.
const PERMISSION_ONLY: &[&str] = &[
    "iam:PassRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// `service:Action`: a lowercase service prefix, an action name that may
/// hold `*` wildcards; for EC2, STS and IAM the name must be (or match)
/// one of the service's actions, as IAM compares them: ignoring case.
pub fn check_action(action: &str) -> Result<ActionCheck, String> {
    let shaped = action.split_once(':').filter(|(service, name)| {
        !service.is_empty()
            && service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'*')
    });
    let Some((service, name)) = shaped else {
        return Err(format!(
            "`{action}` is not an IAM action; write it as service:Action, like ec2:DescribeInstanceTypes"
        ));
    };
    let operations = match service {
        "ec2" => super::operations::EC2,
        "sts" => super::operations::STS,
        "iam" => super::operations::IAM,
        _ => return Ok(ActionCheck::Unchecked),
    };
    let prefix = format!("{service}:");
    let extra = PERMISSION_ONLY
        .iter()
        .filter_map(|a| a.strip_prefix(prefix.as_str()));
    let mut known = operations.iter().copied().chain(extra);
    if known.any(|op| wildcard_matches(name, op)) {
        return Ok(ActionCheck::Known);
    }
    let candidates: Vec<String> = operations
        .iter()
        .map(|op| format!("{service}:{op}"))
        .collect();
    let hint = crate::suggest::did_you_mean(action, candidates.iter().map(String::as_str));
    let what = if name.contains('*') {
        "matches no"
    } else {
        "is not an"
    };
    Err(format!(
        "`{action}` {what} {} action{hint}",
        service.to_ascii_uppercase()
    ))
}

/// IAM's action match: `*` stands for any run of characters, case ignored.
fn wildcard_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The trust policy: `principal_arn` may call sts:AssumeRole, with MFA
/// and an external id when asked.
pub fn trust_policy(principal_arn: &str, require_mfa: bool, external_id: Option<&str>) -> Value {
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": {"AWS": principal_arn},
        "Action": "sts:AssumeRole",
    });
    let mut condition = serde_json::Map::new();
    if require_mfa {
        condition.insert("Bool".into(), json!({"aws:MultiFactorAuthPresent": "true"}));
    }
    if let Some(id) = external_id {
        condition.insert("StringEquals".into(), json!({"sts:ExternalId": id}));
    }
    if !condition.is_empty() {
        statement["Condition"] = Value::Object(condition);
    }
    json!({"Version": VERSION, "Statement": [statement]})
}

/// The role's permissions: exactly `actions`, on every resource.
pub fn permission_policy(actions: &[String]) -> Value {
    json!({
        "Version": VERSION,
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
    })
}

/// An identity policy letting a user assume one role (moto needs it even
/// where AWS, in one account, would not).
pub fn assume_grant(role_arn: &str) -> Value {
    json!({
        "Version": VERSION,
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}],
    })
}

/// Whether two documents say the same: equal after normalising what IAM
/// may change (a one-element list for a single value).
pub fn same_document(a: &Value, b: &Value) -> bool {
    normalize(a) == normalize(b)
}

fn normalize(v: &Value) -> Value {
    match v {
        Value::Array(items) if items.len() == 1 => normalize(&items[0]),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), normalize(v))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals() {
        assert_eq!(
            Principal::parse("tanaka"),
            Ok(Principal::Name("tanaka".into()))
        );
        // A bare 12-digit value is a name; an account is --trust-account.
        assert_eq!(
            Principal::parse("123456789012"),
            Ok(Principal::Name("123456789012".into()))
        );
        assert_eq!(
            Principal::account("123456789012"),
            Ok(Principal::Account("123456789012".into()))
        );
        assert!(Principal::account("12345").is_err());
        assert_eq!(
            account_of("arn:aws:iam::999999999999:user/x"),
            Some("999999999999")
        );
        let arn = "arn:aws:iam::123456789012:user/team/tanaka";
        let p = Principal::parse(arn).unwrap();
        assert_eq!(p.user_name(arn).as_deref(), Some("tanaka"));
        assert!(Principal::parse("arn:aws:s3:::bucket").is_err());
        assert!(Principal::parse("no spaces").is_err());
    }

    #[test]
    fn actions() {
        assert_eq!(
            check_action("ec2:DescribeInstanceTypes"),
            Ok(ActionCheck::Known)
        );
        assert_eq!(
            check_action("ec2:describeinstancetypes"),
            Ok(ActionCheck::Known)
        );
        assert_eq!(check_action("ec2:Describe*"), Ok(ActionCheck::Known));
        assert_eq!(check_action("ec2:*"), Ok(ActionCheck::Known));
        assert_eq!(check_action("iam:PassRole"), Ok(ActionCheck::Known));
        assert_eq!(
            check_action("iam:CreateSAMLProvider"),
            Ok(ActionCheck::Known)
        );
        assert_eq!(check_action("s3:Get*"), Ok(ActionCheck::Unchecked));
        let typo = check_action("ec2:DescribeVpc").unwrap_err();
        assert!(typo.contains("did you mean ec2:DescribeVpcs"), "{typo}");
        assert!(check_action("ec2:Describ*Vpcz")
            .unwrap_err()
            .contains("matches no EC2"));
        assert!(check_action("sts:AssumeRoles").is_err());
        assert!(check_action("DescribeVpcs").is_err());
        assert!(check_action("EC2:DescribeVpcs").is_err());
        assert!(check_action("ec2:").is_err());
    }

    #[test]
    fn documents() {
        let t = trust_policy("arn:aws:iam::123456789012:user/tanaka", true, Some("x"));
        assert_eq!(
            t["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::123456789012:user/tanaka"
        );
        assert_eq!(
            t["Statement"][0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
            "true"
        );
        assert_eq!(
            t["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
            "x"
        );
        let plain = trust_policy("arn:aws:iam::123456789012:user/tanaka", false, None);
        assert!(plain["Statement"][0].get("Condition").is_none());
        let p = permission_policy(&["ec2:DescribeInstanceTypes".to_string()]);
        let single = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:DescribeInstanceTypes", "Resource": "*"}});
        assert!(same_document(&p, &single));
        assert!(!same_document(
            &p,
            &permission_policy(&["ec2:DescribeVpcs".into()])
        ));
    }
}
