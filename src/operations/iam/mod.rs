//! The IAM protocols: each looks first (read-only calls), checks, then
//! makes its changes in order and returns what it did; a refused call
//! names the action, the caller and what was already done before it.
//! What awsprof creates carries the `awsprof:managed` tag (inline grants a
//! name prefix), and only that is ever deleted.

pub mod create_role;
pub mod create_user;
pub mod delete_role;
pub mod delete_user;

use crate::aws::iam::{Iam, IamError};
use crate::error::{Error, Result};
use serde_json::{json, Value};

const TEMPORARY: &str = "temporary credentials";

/// The admin's credentials and who they are.
pub struct Admin {
    pub iam: Iam,
    pub account: String,
    /// The caller as refusals name it: the ARN, and for temporary
    /// credentials the profile that supplied them.
    pub who: String,
}

impl Admin {
    /// The admin as refusals name it: the caller's ARN, and for temporary
    /// credentials the profile that supplied them.
    pub fn new(iam: Iam, account: String, arn: &str, temporary: bool, profile: &str) -> Admin {
        let who = if temporary {
            format!("{arn} ({TEMPORARY} of profile {profile})")
        } else {
            arn.to_string()
        };
        Admin { iam, account, who }
    }

    /// `call`'s refusal, named with the admin and what `steps` did before it.
    pub fn refused(&self, steps: &Steps) -> impl Fn(IamError) -> Error + '_ {
        let done = steps.done();
        move |e| refusal(e, &self.who, &done)
    }
}

/// Deletes awsprof's managed policy, just detached, once nothing else
/// uses it (in a dry run it was not detached: one use is its own).
pub async fn delete_policy_if_unused(
    admin: &Admin,
    steps: &mut Steps,
    dry_run: bool,
    arn: &str,
) -> Result<()> {
    let uses = admin
        .iam
        .policy_attachments(arn)
        .await
        .map_err(admin.refused(steps))?;
    let others = if dry_run {
        uses.saturating_sub(1)
    } else {
        uses
    };
    if others > 0 {
        let target = format!("{arn} (still attached elsewhere)");
        steps.push("iam:DeletePolicy", target, Status::Unchanged);
        return Ok(());
    }
    let delete = admin.iam.delete_policy(arn);
    steps
        .change(dry_run, "iam:DeletePolicy", arn, &admin.who, delete)
        .await
}

/// One change a command makes (or would make, or found already made).
#[derive(Debug, Clone)]
pub struct Step {
    pub call: &'static str,
    pub target: String,
    pub status: Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Done,
    Unchanged,
    WouldRun,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Unchanged => "unchanged",
            Status::WouldRun => "would run",
        }
    }
}

/// The changes so far, to report on success and on failure alike.
#[derive(Debug, Default)]
pub struct Steps(pub Vec<Step>);

impl Steps {
    pub fn push(&mut self, call: &'static str, target: impl Into<String>, status: Status) {
        self.0.push(Step {
            call,
            target: target.into(),
            status,
        });
    }

    /// Makes one change (or, in a dry run, only records that it would):
    /// `call` is the request, not yet sent; a refusal names it, the
    /// caller, and what was done before it.
    pub async fn change<T>(
        &mut self,
        dry_run: bool,
        name: &'static str,
        target: impl Into<String>,
        caller: &str,
        call: impl std::future::Future<Output = Result<T, IamError>>,
    ) -> Result<()> {
        let status = if dry_run {
            Status::WouldRun
        } else {
            call.await.map_err(|e| self.refused(e, caller))?;
            Status::Done
        };
        self.push(name, target, status);
        Ok(())
    }

    pub fn changed(&self) -> bool {
        self.0.iter().any(|s| s.status == Status::Done)
    }

    pub fn to_json(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|s| json!({"call": s.call, "target": s.target, "status": s.status.as_str()}))
                .collect(),
        )
    }

    /// call, target, status: a row each.
    pub fn rows(&self) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|s| {
                vec![
                    s.call.to_string(),
                    s.target.clone(),
                    s.status.as_str().to_string(),
                ]
            })
            .collect()
    }

    /// What was done so far, as a refusal names it.
    pub fn done(&self) -> Vec<String> {
        self.0
            .iter()
            .filter(|s| s.status == Status::Done)
            .map(|s| format!("{} {}", s.call, s.target))
            .collect()
    }

    /// A refused call, named with the caller, and what was done before it.
    pub fn refused(&self, e: IamError, caller: &str) -> Error {
        refusal(e, caller, &self.done())
    }
}

/// A refused call, named with the caller, and what was done before it.
fn refusal(e: IamError, caller: &str, done: &[String]) -> Error {
    let before = if done.is_empty() {
        "; nothing was changed".to_string()
    } else {
        format!("; already done before it: {}", done.join(", "))
    };
    let verdict = if e.error.unreachable() {
        "could not reach IAM"
    } else {
        "refused"
    };
    let session = matches!(
        e.error.code.as_str(),
        "InvalidClientTokenId" | "AccessDenied" | "AccessDeniedException"
    ) && caller.contains(TEMPORARY);
    let cause = if session {
        "; IAM refuses most calls made with temporary credentials without MFA: use an admin profile with long-term keys, or an MFA session"
    } else {
        ""
    };
    Error::Aws(format!(
        "{} {verdict} for {caller}: {}{cause}{before}",
        e.action, e.error
    ))
}
