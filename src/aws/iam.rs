//! The IAM calls awsprof makes (users, access keys, roles, policies), each
//! failure named by its action: `iam:CreateRole: AccessDenied: ...`.

use super::errors::{describe, CallError};
use super::{Creds, Settings};
use crate::secret::Secret;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_iam::config::{BehaviorVersion, Region};
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// A refused or failed IAM call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{action}: {error}")]
pub struct IamError {
    /// `iam:CreateRole`.
    pub action: &'static str,
    pub error: CallError,
}

impl IamError {
    pub fn not_found(&self) -> bool {
        self.error.code == "NoSuchEntity"
    }

    /// Whether IAM said no to the caller (not: could not be reached).
    pub fn denied(&self) -> bool {
        matches!(
            self.error.code.as_str(),
            "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation"
        )
    }
}

pub type IamResult<T> = Result<T, IamError>;

/// The tag on every user, role and managed policy awsprof creates: what
/// carries it is awsprof's to change and delete; nothing else is.
pub const MANAGED_TAG_KEY: &str = "awsprof:managed";
pub const MANAGED_TAG_VALUE: &str = "true";
/// The name prefix of every inline policy awsprof puts on a user or role.
pub const INLINE_PREFIX: &str = "awsprof-";

fn managed_tag() -> aws_sdk_iam::types::Tag {
    aws_sdk_iam::types::Tag::builder()
        .key(MANAGED_TAG_KEY)
        .value(MANAGED_TAG_VALUE)
        .build()
        .expect("key and value are set")
}

fn carries_managed_tag(tags: &[aws_sdk_iam::types::Tag]) -> bool {
    tags.iter()
        .any(|t| t.key() == MANAGED_TAG_KEY && t.value() == MANAGED_TAG_VALUE)
}

/// Whether awsprof put an inline policy of this name there.
pub fn inline_is_ours(name: &str) -> bool {
    name.starts_with(INLINE_PREFIX)
}

macro_rules! call {
    ($action:literal, $request:expr) => {
        $request.send().await.map_err(|e| IamError {
            action: $action,
            error: describe(&e),
        })
    };
}

/// `None` where IAM answered NoSuchEntity.
fn found<T>(r: IamResult<T>) -> IamResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub name: String,
    pub arn: String,
}

/// An access key as IAM lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub id: String,
    pub active: bool,
    pub created: Option<SystemTime>,
}

/// A key just created: its secret exists only here until it is written.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub id: String,
    pub secret: Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastUsed {
    pub date: Option<SystemTime>,
    pub service: String,
    pub region: String,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub arn: String,
    pub trust: Value,
    pub max_session_duration: Option<i32>,
    /// The permissions boundary's policy ARN.
    pub boundary: Option<String>,
}

fn time(t: Option<&aws_sdk_iam::primitives::DateTime>) -> Option<SystemTime> {
    t.and_then(|t| SystemTime::try_from(*t).ok())
}

/// A policy document as IAM returns it: JSON, URL-encoded by the real
/// service.
pub fn policy_document(raw: &str) -> Value {
    serde_json::from_str(raw)
        .or_else(|_| serde_json::from_str(&percent_decode(raw)))
        .unwrap_or(Value::String(raw.to_string()))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub struct Iam {
    client: aws_sdk_iam::Client,
}

impl Iam {
    /// IAM is global: requests are signed for us-east-1 unless the
    /// settings name another region (a partition of its own).
    pub fn new(creds: &Creds, settings: &Settings) -> Iam {
        let mut builder = aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(settings.region.clone()))
            .credentials_provider(SharedCredentialsProvider::new(creds.to_sdk()))
            .retry_config(aws_sdk_iam::config::retry::RetryConfig::standard().with_max_attempts(3))
            .timeout_config(
                aws_sdk_iam::config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_attempt_timeout(Duration::from_secs(15))
                    .build(),
            );
        if let Some(url) = &settings.iam_endpoint {
            builder = builder.endpoint_url(url);
        }
        Iam {
            client: aws_sdk_iam::Client::from_conf(builder.build()),
        }
    }

    pub async fn get_user(&self, name: &str) -> IamResult<Option<User>> {
        found(call!("iam:GetUser", self.client.get_user().user_name(name))).map(|o| {
            o.and_then(|out| {
                out.user().map(|u| User {
                    name: u.user_name().to_string(),
                    arn: u.arn().to_string(),
                })
            })
        })
    }

    pub async fn create_user(&self, name: &str) -> IamResult<User> {
        let out = call!(
            "iam:CreateUser",
            self.client
                .create_user()
                .user_name(name)
                .tags(managed_tag())
        )?;
        let arn = out.user().map(|u| u.arn().to_string()).unwrap_or_default();
        Ok(User {
            name: name.to_string(),
            arn,
        })
    }

    pub async fn delete_user(&self, name: &str) -> IamResult<()> {
        call!("iam:DeleteUser", self.client.delete_user().user_name(name)).map(drop)
    }

    pub async fn list_access_keys(&self, user: &str) -> IamResult<Vec<KeyInfo>> {
        let out = call!(
            "iam:ListAccessKeys",
            self.client.list_access_keys().user_name(user)
        )?;
        Ok(out
            .access_key_metadata()
            .iter()
            .map(|k| KeyInfo {
                id: k.access_key_id().unwrap_or_default().to_string(),
                active: k.status() == Some(&aws_sdk_iam::types::StatusType::Active),
                created: time(k.create_date()),
            })
            .collect())
    }

    pub async fn create_access_key(&self, user: &str) -> IamResult<NewKey> {
        let out = call!(
            "iam:CreateAccessKey",
            self.client.create_access_key().user_name(user)
        )?;
        let key = out.access_key().ok_or_else(|| IamError {
            action: "iam:CreateAccessKey",
            error: CallError {
                code: "InvalidResponse".into(),
                message: "answered without a key".into(),
            },
        })?;
        Ok(NewKey {
            id: key.access_key_id().to_string(),
            secret: Secret::new(key.secret_access_key()),
        })
    }

    pub async fn set_key_active(&self, user: &str, id: &str, active: bool) -> IamResult<()> {
        let status = if active {
            aws_sdk_iam::types::StatusType::Active
        } else {
            aws_sdk_iam::types::StatusType::Inactive
        };
        call!(
            "iam:UpdateAccessKey",
            self.client
                .update_access_key()
                .user_name(user)
                .access_key_id(id)
                .status(status)
        )
        .map(drop)
    }

    pub async fn delete_access_key(&self, user: &str, id: &str) -> IamResult<()> {
        call!(
            "iam:DeleteAccessKey",
            self.client
                .delete_access_key()
                .user_name(user)
                .access_key_id(id)
        )
        .map(drop)
    }

    pub async fn last_used(&self, id: &str) -> IamResult<Option<LastUsed>> {
        let out = call!(
            "iam:GetAccessKeyLastUsed",
            self.client.get_access_key_last_used().access_key_id(id)
        )?;
        Ok(out.access_key_last_used().map(|u| LastUsed {
            date: time(u.last_used_date()),
            service: u.service_name().to_string(),
            region: u.region().to_string(),
        }))
    }

    pub async fn get_role(&self, name: &str) -> IamResult<Option<Role>> {
        let out = found(call!("iam:GetRole", self.client.get_role().role_name(name)))?;
        Ok(out.and_then(|o| {
            o.role().map(|r| Role {
                arn: r.arn().to_string(),
                trust: policy_document(r.assume_role_policy_document().unwrap_or("{}")),
                max_session_duration: r.max_session_duration(),
                boundary: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(String::from),
            })
        }))
    }

    pub async fn create_role(
        &self,
        name: &str,
        trust: &str,
        max_session_duration: Option<i32>,
    ) -> IamResult<String> {
        let out = call!(
            "iam:CreateRole",
            self.client
                .create_role()
                .role_name(name)
                .assume_role_policy_document(trust)
                .set_max_session_duration(max_session_duration)
                .tags(managed_tag())
        )?;
        Ok(out.role().map(|r| r.arn().to_string()).unwrap_or_default())
    }

    pub async fn update_trust(&self, role: &str, trust: &str) -> IamResult<()> {
        call!(
            "iam:UpdateAssumeRolePolicy",
            self.client
                .update_assume_role_policy()
                .role_name(role)
                .policy_document(trust)
        )
        .map(drop)
    }

    pub async fn update_max_session(&self, role: &str, seconds: i32) -> IamResult<()> {
        call!(
            "iam:UpdateRole",
            self.client
                .update_role()
                .role_name(role)
                .max_session_duration(seconds)
        )
        .map(drop)
    }

    pub async fn delete_role(&self, role: &str) -> IamResult<()> {
        call!("iam:DeleteRole", self.client.delete_role().role_name(role)).map(drop)
    }

    /// A managed policy's default version, when the policy exists.
    pub async fn policy_document(&self, arn: &str) -> IamResult<Option<Value>> {
        let Some(policy) = found(call!(
            "iam:GetPolicy",
            self.client.get_policy().policy_arn(arn)
        ))?
        else {
            return Ok(None);
        };
        let version = policy
            .policy()
            .and_then(|p| p.default_version_id())
            .unwrap_or("v1")
            .to_string();
        let out = call!(
            "iam:GetPolicyVersion",
            self.client
                .get_policy_version()
                .policy_arn(arn)
                .version_id(version)
        )?;
        Ok(Some(policy_document(
            out.policy_version()
                .and_then(|v| v.document())
                .unwrap_or("{}"),
        )))
    }

    pub async fn create_policy(&self, name: &str, path: &str, document: &str) -> IamResult<String> {
        let out = call!(
            "iam:CreatePolicy",
            self.client
                .create_policy()
                .policy_name(name)
                .path(path)
                .policy_document(document)
                .tags(managed_tag())
        )?;
        Ok(out
            .policy()
            .and_then(|p| p.arn())
            .unwrap_or_default()
            .to_string())
    }

    /// Makes `document` the policy's default version, first deleting the
    /// oldest other version when IAM's five are taken.
    pub async fn replace_policy_document(&self, arn: &str, document: &str) -> IamResult<()> {
        let versions = self.non_default_versions(arn).await?;
        if versions.len() >= 4 {
            self.delete_policy_version(arn, &versions[0]).await?;
        }
        call!(
            "iam:CreatePolicyVersion",
            self.client
                .create_policy_version()
                .policy_arn(arn)
                .policy_document(document)
                .set_as_default(true)
        )
        .map(drop)
    }

    /// Version ids other than the default, oldest first.
    async fn non_default_versions(&self, arn: &str) -> IamResult<Vec<String>> {
        let out = call!(
            "iam:ListPolicyVersions",
            self.client.list_policy_versions().policy_arn(arn)
        )?;
        let mut versions: Vec<(Option<SystemTime>, String)> = out
            .versions()
            .iter()
            .filter(|v| !v.is_default_version())
            .map(|v| {
                (
                    time(v.create_date()),
                    v.version_id().unwrap_or_default().to_string(),
                )
            })
            .collect();
        versions.sort();
        Ok(versions.into_iter().map(|(_, id)| id).collect())
    }

    async fn delete_policy_version(&self, arn: &str, id: &str) -> IamResult<()> {
        call!(
            "iam:DeletePolicyVersion",
            self.client
                .delete_policy_version()
                .policy_arn(arn)
                .version_id(id)
        )
        .map(drop)
    }

    /// Deletes a managed policy with its other versions.
    pub async fn delete_policy(&self, arn: &str) -> IamResult<()> {
        for id in self.non_default_versions(arn).await? {
            self.delete_policy_version(arn, &id).await?;
        }
        call!(
            "iam:DeletePolicy",
            self.client.delete_policy().policy_arn(arn)
        )
        .map(drop)
    }

    /// How many users, groups and roles the policy is attached to.
    pub async fn policy_attachments(&self, arn: &str) -> IamResult<usize> {
        let out = call!(
            "iam:ListEntitiesForPolicy",
            self.client.list_entities_for_policy().policy_arn(arn)
        )?;
        Ok(out.policy_users().len() + out.policy_groups().len() + out.policy_roles().len())
    }

    /// (name, ARN) of the managed policies attached to a role.
    pub async fn attached_role_policies(&self, role: &str) -> IamResult<Vec<(String, String)>> {
        let out = call!(
            "iam:ListAttachedRolePolicies",
            self.client.list_attached_role_policies().role_name(role)
        )?;
        Ok(out
            .attached_policies()
            .iter()
            .map(|p| {
                (
                    p.policy_name().unwrap_or_default().to_string(),
                    p.policy_arn().unwrap_or_default().to_string(),
                )
            })
            .collect())
    }

    pub async fn attach_role_policy(&self, role: &str, arn: &str) -> IamResult<()> {
        call!(
            "iam:AttachRolePolicy",
            self.client
                .attach_role_policy()
                .role_name(role)
                .policy_arn(arn)
        )
        .map(drop)
    }

    pub async fn detach_role_policy(&self, role: &str, arn: &str) -> IamResult<()> {
        call!(
            "iam:DetachRolePolicy",
            self.client
                .detach_role_policy()
                .role_name(role)
                .policy_arn(arn)
        )
        .map(drop)
    }

    pub async fn role_inline_policies(&self, role: &str) -> IamResult<Vec<String>> {
        let out = call!(
            "iam:ListRolePolicies",
            self.client.list_role_policies().role_name(role)
        )?;
        Ok(out.policy_names().to_vec())
    }

    pub async fn delete_role_policy(&self, role: &str, name: &str) -> IamResult<()> {
        call!(
            "iam:DeleteRolePolicy",
            self.client
                .delete_role_policy()
                .role_name(role)
                .policy_name(name)
        )
        .map(drop)
    }

    pub async fn user_policy(&self, user: &str, name: &str) -> IamResult<Option<Value>> {
        let out = found(call!(
            "iam:GetUserPolicy",
            self.client
                .get_user_policy()
                .user_name(user)
                .policy_name(name)
        ))?;
        Ok(out.map(|o| policy_document(o.policy_document())))
    }

    pub async fn put_user_policy(&self, user: &str, name: &str, document: &str) -> IamResult<()> {
        call!(
            "iam:PutUserPolicy",
            self.client
                .put_user_policy()
                .user_name(user)
                .policy_name(name)
                .policy_document(document)
        )
        .map(drop)
    }

    pub async fn user_inline_policies(&self, user: &str) -> IamResult<Vec<String>> {
        let out = call!(
            "iam:ListUserPolicies",
            self.client.list_user_policies().user_name(user)
        )?;
        Ok(out.policy_names().to_vec())
    }

    pub async fn delete_user_policy(&self, user: &str, name: &str) -> IamResult<()> {
        call!(
            "iam:DeleteUserPolicy",
            self.client
                .delete_user_policy()
                .user_name(user)
                .policy_name(name)
        )
        .map(drop)
    }

    pub async fn attached_user_policies(&self, user: &str) -> IamResult<Vec<String>> {
        let out = call!(
            "iam:ListAttachedUserPolicies",
            self.client.list_attached_user_policies().user_name(user)
        )?;
        Ok(out
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(String::from))
            .collect())
    }

    pub async fn detach_user_policy(&self, user: &str, arn: &str) -> IamResult<()> {
        call!(
            "iam:DetachUserPolicy",
            self.client
                .detach_user_policy()
                .user_name(user)
                .policy_arn(arn)
        )
        .map(drop)
    }

    /// Whether awsprof created the role (it carries the managed tag).
    pub async fn role_is_ours(&self, role: &str) -> IamResult<bool> {
        let out = call!(
            "iam:ListRoleTags",
            self.client.list_role_tags().role_name(role)
        )?;
        Ok(carries_managed_tag(out.tags()))
    }

    /// Whether awsprof created the managed policy.
    pub async fn policy_is_ours(&self, arn: &str) -> IamResult<bool> {
        let out = call!(
            "iam:ListPolicyTags",
            self.client.list_policy_tags().policy_arn(arn)
        )?;
        Ok(carries_managed_tag(out.tags()))
    }

    /// Whether awsprof created the user.
    pub async fn user_is_ours(&self, user: &str) -> IamResult<bool> {
        let out = call!(
            "iam:ListUserTags",
            self.client.list_user_tags().user_name(user)
        )?;
        Ok(carries_managed_tag(out.tags()))
    }

    pub async fn role_policy(&self, role: &str, name: &str) -> IamResult<Option<Value>> {
        let out = found(call!(
            "iam:GetRolePolicy",
            self.client
                .get_role_policy()
                .role_name(role)
                .policy_name(name)
        ))?;
        Ok(out.map(|o| policy_document(o.policy_document())))
    }

    pub async fn delete_role_boundary(&self, role: &str) -> IamResult<()> {
        call!(
            "iam:DeleteRolePermissionsBoundary",
            self.client
                .delete_role_permissions_boundary()
                .role_name(role)
        )
        .map(drop)
    }

    pub async fn groups_of_user(&self, user: &str) -> IamResult<Vec<String>> {
        let out = call!(
            "iam:ListGroupsForUser",
            self.client.list_groups_for_user().user_name(user)
        )?;
        Ok(out
            .groups()
            .iter()
            .map(|g| g.group_name().to_string())
            .collect())
    }

    pub async fn remove_user_from_group(&self, user: &str, group: &str) -> IamResult<()> {
        call!(
            "iam:RemoveUserFromGroup",
            self.client
                .remove_user_from_group()
                .user_name(user)
                .group_name(group)
        )
        .map(drop)
    }

    /// Whether the user has a console password.
    pub async fn has_login_profile(&self, user: &str) -> IamResult<bool> {
        found(call!(
            "iam:GetLoginProfile",
            self.client.get_login_profile().user_name(user)
        ))
        .map(|o| o.is_some())
    }

    pub async fn delete_login_profile(&self, user: &str) -> IamResult<()> {
        call!(
            "iam:DeleteLoginProfile",
            self.client.delete_login_profile().user_name(user)
        )
        .map(drop)
    }

    /// The serial numbers (ARNs) of the user's MFA devices.
    pub async fn mfa_devices(&self, user: &str) -> IamResult<Vec<String>> {
        let out = call!(
            "iam:ListMFADevices",
            self.client.list_mfa_devices().user_name(user)
        )?;
        Ok(out
            .mfa_devices()
            .iter()
            .map(|d| d.serial_number().to_string())
            .collect())
    }

    pub async fn deactivate_mfa_device(&self, user: &str, serial: &str) -> IamResult<()> {
        call!(
            "iam:DeactivateMFADevice",
            self.client
                .deactivate_mfa_device()
                .user_name(user)
                .serial_number(serial)
        )
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_read_plain_or_url_encoded() {
        let plain = r#"{"Version":"2012-10-17","Statement":[]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(policy_document(plain), policy_document(encoded));
        assert_eq!(policy_document(plain)["Version"], "2012-10-17");
    }
}
