//! `awsprof profile resolve NAME`: the chain, no network.

use super::{origin_label, print_json, selected_profile, Context};
use crate::chain::{resolve, BaseSource, Chain};
use crate::error::{Error, Result};
use crate::secret::mask_key_id;
use serde_json::{json, Value};

pub fn run(ctx: &Context, name: Option<String>) -> Result<()> {
    let name = selected_profile(name);
    let files = ctx.load()?;
    let chain = resolve(&files.set, &name).map_err(|e| Error::chain(&files, e))?;
    super::credentials::refuse_process_loop(&files, &name, &chain)?;
    if ctx.json() {
        print_json(&to_json(&chain));
    } else {
        crate::out!("{}", to_text(&chain));
    }
    Ok(())
}

fn describe_base(source: &BaseSource) -> String {
    match source {
        BaseSource::Static {
            access_key_id,
            session_token,
            ..
        } => format!(
            "static keys {}{}",
            mask_key_id(access_key_id),
            if session_token.is_some() {
                " with a session token"
            } else {
                ""
            }
        ),
        BaseSource::Named(named) => format!("credential_source {}", named.name()),
        BaseSource::CredentialProcess { command } => format!("credential_process `{command}`"),
        BaseSource::Vault { item, store, .. } => format!(
            "keys in awsprof's vault (item {item}, {} store)",
            store.as_deref().unwrap_or("default")
        ),
        BaseSource::Sso {
            sso_session,
            start_url,
            account_id,
            role_name,
            ..
        } => {
            let mut s = String::from("SSO");
            if let Some(v) = sso_session {
                s.push_str(&format!(" session {v}"));
            }
            if let Some(v) = start_url {
                s.push_str(&format!(" at {v}"));
            }
            if let (Some(a), Some(r)) = (account_id, role_name) {
                s.push_str(&format!(", role {r} in {a}"));
            }
            s
        }
        BaseSource::WebIdentity {
            role_arn,
            token_file,
            ..
        } => {
            format!("web identity token {token_file} for {role_arn}")
        }
    }
}

pub fn to_text(chain: &Chain) -> String {
    let mut out = format!("Chain for profile {}:\n", chain.profile);
    let origin = chain.base.origin.map(origin_label).unwrap_or_default();
    out.push_str(&format!(
        "  1. [{}] {}  ({origin})\n",
        chain.base.profile,
        describe_base(&chain.base.source)
    ));
    let mut number = 2;
    if let Some(session) = &chain.mfa_session {
        out.push_str(&format!(
            "  {number}. [{}] MFA session from {} for {}, shared by every role that names the device (--no-mfa-session: a code for each role)\n",
            chain.base.profile,
            session.serial,
            session_length(session)
        ));
        number += 1;
    }
    for (i, hop) in chain.hops.iter().enumerate() {
        let mut extras = Vec::new();
        if let Some(v) = &hop.external_id {
            extras.push(format!("external_id {v}"));
        }
        if let Some(v) = &hop.role_session_name {
            extras.push(format!("session {v}"));
        }
        if let Some(v) = &hop.mfa_serial {
            extras.push(format!("mfa {v}"));
        }
        if let Some(v) = hop.duration_seconds {
            extras.push(format!("{v} s"));
        }
        let extras = if extras.is_empty() {
            String::new()
        } else {
            format!(", {}", extras.join(", "))
        };
        out.push_str(&format!(
            "  {}. [{}] assume {}{extras}  ({})\n",
            number + i,
            hop.profile,
            hop.role_arn,
            origin_label(hop.origin)
        ));
    }
    out
}

pub fn to_json(chain: &Chain) -> Value {
    let mut steps = vec![json!({
        "profile": chain.base.profile,
        "source": chain.base.source.kind(),
        "origin": chain.base.origin.map(origin_label),
    })];
    for hop in &chain.hops {
        steps.push(json!({
            "profile": hop.profile,
            "role_arn": hop.role_arn,
            "external_id": hop.external_id,
            "role_session_name": hop.role_session_name,
            "mfa_serial": hop.mfa_serial,
            "duration_seconds": hop.duration_seconds,
            "origin": origin_label(hop.origin),
        }));
    }
    let mfa_session = chain.mfa_session.as_ref().map(|session| {
        json!({
            "profile": chain.base.profile,
            "mfa_serial": session.serial,
            "asked_by": session.profile,
            "duration_seconds": session.duration_seconds,
        })
    });
    json!({"profile": chain.profile, "chain": steps, "mfa_session": mfa_session})
}

/// `12 h (the default)`, `3600 s (mfa_session_duration)`.
fn session_length(session: &crate::chain::MfaSession) -> String {
    match session.duration_seconds {
        Some(seconds) => format!("{seconds} s (mfa_session_duration)"),
        None => format!(
            "{} h (the default; mfa_session_duration sets it)",
            crate::chain::DEFAULT_MFA_SESSION_SECONDS / 3600
        ),
    }
}
