//! A profile's credential chain as plain data: a base source, then zero or
//! more AssumeRole hops. Built from profiles alone: no I/O, no SDK types.

mod process_loop;
mod reach;
mod resolve;
mod verdicts;

pub use process_loop::{loop_text, process_loop};
pub use reach::reaching;
pub use resolve::{resolve, resolve_without_hints, ChainError, ChainErrorKind};
pub use verdicts::{verdicts, Verdict, Verdicts};

use crate::profiles::Origin;
use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The profile that was asked for.
    pub profile: String,
    pub base: Base,
    /// AssumeRole hops, first to last: each is signed with the credentials
    /// the one before it produced.
    pub hops: Vec<Hop>,
    /// The MFA session the first hop is assumed from, when the base holds
    /// long-term keys and the first role asks for an MFA device.
    pub mfa_session: Option<MfaSession>,
}

/// One `sts:GetSessionToken` session made with an MFA code from the
/// base's long-term keys: every role asking for the same device is
/// assumed from it, so the code is asked for once per session, not once
/// per role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaSession {
    pub serial: String,
    /// The profile whose `mfa_serial` asked for it.
    pub profile: String,
    /// `mfa_session_duration` of that profile or of the base.
    pub duration_seconds: Option<u32>,
}

/// GetSessionToken's length when nothing sets one: a working day.
pub const DEFAULT_MFA_SESSION_SECONDS: u32 = 12 * 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    pub profile: String,
    pub source: BaseSource,
    /// Where the setting that chose this source is written.
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl NamedSource {
    pub const ALL: [NamedSource; 3] = [
        NamedSource::Environment,
        NamedSource::Ec2InstanceMetadata,
        NamedSource::EcsContainer,
    ];

    /// The name `credential_source` gives it.
    pub fn name(self) -> &'static str {
        crate::profiles::values::CREDENTIAL_SOURCES[self as usize]
    }

    pub fn parse(value: &str) -> Option<NamedSource> {
        let at = crate::profiles::values::CREDENTIAL_SOURCES
            .iter()
            .position(|s| *s == value)?;
        Some(NamedSource::ALL[at])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseSource {
    Static {
        access_key_id: String,
        secret_access_key: Secret,
        session_token: Option<Secret>,
        account_id: Option<String>,
    },
    Named(NamedSource),
    CredentialProcess {
        command: String,
    },
    /// Long-term keys in awsprof's vault, named by the profile's
    /// `credential_process = awsprof vault get ITEM` line: awsprof reads
    /// the store itself instead of starting a process.
    Vault {
        item: String,
        store: Option<String>,
        command: String,
    },
    Sso {
        sso_session: Option<String>,
        start_url: Option<String>,
        region: Option<String>,
        account_id: Option<String>,
        role_name: Option<String>,
    },
    WebIdentity {
        role_arn: String,
        token_file: String,
        session_name: Option<String>,
    },
}

impl BaseSource {
    /// The stable name used in JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            BaseSource::Static { .. } => "static",
            BaseSource::Named(NamedSource::Environment) => "environment",
            BaseSource::Named(NamedSource::Ec2InstanceMetadata) => "ec2-instance-metadata",
            BaseSource::Named(NamedSource::EcsContainer) => "ecs-container",
            BaseSource::CredentialProcess { .. } => "credential-process",
            BaseSource::Vault { .. } => "vault",
            BaseSource::Sso { .. } => "sso",
            BaseSource::WebIdentity { .. } => "web-identity",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub profile: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    pub mfa_serial: Option<String>,
    pub duration_seconds: Option<u32>,
    pub origin: Origin,
}

/// Whether a profile holds any setting that asks for credentials (keys,
/// a role, a source, a process, web identity, SSO). One without is a
/// settings-only profile: it is used with credentials from elsewhere.
pub fn holds_credential_settings(profile: &crate::profiles::Section) -> bool {
    use crate::profiles::keys;
    const SETTINGS: &[&str] = &[
        keys::ROLE_ARN,
        keys::SOURCE_PROFILE,
        keys::CREDENTIAL_SOURCE,
        keys::CREDENTIAL_PROCESS,
        keys::WEB_IDENTITY_TOKEN_FILE,
        keys::SSO_SESSION,
        keys::SSO_START_URL,
        keys::SSO_ACCOUNT_ID,
        keys::SSO_ROLE_NAME,
    ];
    keys::credential_keys().any(|k| profile.get(k).is_some())
        || SETTINGS.iter().any(|k| profile.get(k).is_some())
}

#[cfg(test)]
mod tests;
