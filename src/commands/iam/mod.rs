//! `awsprof iam ...`: the walkthrough's admin half. Each command looks
//! first (read-only calls), checks, then makes its changes in order and
//! says what it did; a refused call names the action and the caller, and
//! what was already done before it.

mod create_role;
mod create_user;
mod delete;

use super::{credentials, print_json, runtime, selected_profile, Context};
use crate::aws::caller_identity;
use crate::aws::iam::{Iam, IamError};
use crate::cli::{AdminArgs, IamCommand};
use crate::error::{exit, Error, Result};
use serde_json::{json, Value};

/// Runs an IAM command; its exit code (`create-role` exits 1 when the
/// role grants more than was asked).
pub fn run(ctx: &Context, cmd: IamCommand) -> Result<i32> {
    match cmd {
        IamCommand::CreateUser(args) => create_user::run(ctx, args).map(|()| exit::OK),
        IamCommand::CreateRole(args) => create_role::run(ctx, args),
        IamCommand::DeleteRole(args) => delete::role(ctx, args).map(|()| exit::OK),
        IamCommand::DeleteUser(args) => delete::user(ctx, args).map(|()| exit::OK),
    }
}

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
    /// Reaches the admin profile's credentials (sync: it may run a chain)
    /// and returns a runtime to make the IAM calls on.
    pub fn reach(ctx: &Context, args: &AdminArgs) -> Result<(Admin, tokio::runtime::Runtime)> {
        let profile = selected_profile(args.admin.clone());
        let (creds, settings) = credentials::reach(ctx, &profile, &args.aws)?;
        let rt = runtime()?;
        let identity = rt
            .block_on(caller_identity(&creds, &settings))
            .map_err(|e| Error::Aws(format!("{profile}: sts:GetCallerIdentity: {e}")))?;
        let who = if creds.session_token.is_some() {
            format!("{} ({TEMPORARY} of profile {profile})", identity.arn)
        } else {
            identity.arn.clone()
        };
        let admin = Admin {
            iam: Iam::new(&creds, &settings),
            account: identity.account,
            who,
        };
        Ok((admin, rt))
    }
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

    pub fn to_text(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .0
            .iter()
            .map(|s| {
                vec![
                    s.call.to_string(),
                    s.target.clone(),
                    s.status.as_str().to_string(),
                ]
            })
            .collect();
        crate::commands::table(&rows)
            .lines()
            .map(|line| format!("  {line}\n"))
            .collect()
    }

    /// A refused call, named with the caller, and what was done before it.
    pub fn refused(&self, e: IamError, caller: &str) -> Error {
        let done: Vec<String> = self
            .0
            .iter()
            .filter(|s| s.status == Status::Done)
            .map(|s| format!("{} {}", s.call, s.target))
            .collect();
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
    let mut out = steps.to_text();
    for line in lines.iter().filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    crate::out!("{out}");
}
