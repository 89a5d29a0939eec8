//! Region and endpoints, resolved the way the SDKs do, from explicit
//! overrides, the environment and the selected profile. Never an
//! instance-metadata probe. Built from plain values: this layer never
//! sees the command line's types.

use crate::profiles::{keys, ProfileSet};

pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Clone)]
pub struct Settings {
    pub region: String,
    /// Whether `region` was configured (flag, environment, profile) rather
    /// than the fallback `us-east-1`.
    pub region_configured: bool,
    pub sts_endpoint: Option<String>,
    pub ec2_endpoint: Option<String>,
    pub iam_endpoint: Option<String>,
    pub sso_oidc_endpoint: Option<String>,
    /// The IAM Identity Center portal (`AWS_ENDPOINT_URL_SSO`).
    pub sso_endpoint: Option<String>,
    pub mfa_code: Option<String>,
    /// Whether an MFA code may be asked for on the terminal (not while
    /// another program holds it, as under `exec --server`).
    pub may_prompt: bool,
    pub use_cache: bool,
    pub cache_dir: Option<std::path::PathBuf>,
    /// Whether roles asking for an MFA device are assumed from one shared
    /// MFA session (GetSessionToken) rather than with a code each.
    pub mfa_session: bool,
    /// The session's length asked for on the command line, ahead of the
    /// profile's `mfa_session_duration`.
    pub mfa_session_duration: Option<u32>,
    /// Where awsprof keeps MFA sessions (0700, checked before reading).
    pub session_dir: Option<std::path::PathBuf>,
}

/// What the user asked for explicitly (flags), ahead of the environment
/// and the profile.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub mfa_code: Option<String>,
    pub no_cache: bool,
    pub no_mfa_session: bool,
    pub mfa_session_duration: Option<u32>,
}

impl Settings {
    /// The STS endpoint calls go to: the configured one, else the
    /// regional endpoint.
    pub fn sts_url(&self) -> String {
        self.sts_endpoint
            .clone()
            .unwrap_or_else(|| format!("https://sts.{}.amazonaws.com", self.region))
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `service` is the SDK's id in lowercase (`sts`, `ec2`, `iam`).
fn endpoint(over: &Overrides, set: &ProfileSet, profile: &str, service: &str) -> Option<String> {
    let from_profile = || {
        set.service_setting(profile, service, keys::ENDPOINT_URL)
            .or_else(|| set.profile(profile)?.get(keys::ENDPOINT_URL))
            .map(String::from)
    };
    over.endpoint_url
        .clone()
        .or_else(|| {
            env(&format!(
                "AWS_ENDPOINT_URL_{}",
                service.to_ascii_uppercase()
            ))
        })
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .or_else(from_profile)
}

pub fn resolve_settings(over: &Overrides, set: &ProfileSet, profile: &str) -> Settings {
    let configured = over
        .region
        .clone()
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or_else(|| {
            set.profile(profile)
                .and_then(|p| p.get(keys::REGION))
                .map(String::from)
        });
    Settings {
        region_configured: configured.is_some(),
        region: configured.unwrap_or_else(|| DEFAULT_REGION.to_string()),
        sts_endpoint: endpoint(over, set, profile, "sts"),
        ec2_endpoint: endpoint(over, set, profile, "ec2"),
        iam_endpoint: endpoint(over, set, profile, "iam"),
        sso_oidc_endpoint: endpoint(over, set, profile, "sso_oidc"),
        sso_endpoint: endpoint(over, set, profile, "sso"),
        mfa_code: over.mfa_code.clone(),
        may_prompt: true,
        use_cache: !over.no_cache,
        cache_dir: dirs::home_dir().map(|h| h.join(".aws").join("cli").join("cache")),
        mfa_session: !over.no_mfa_session,
        mfa_session_duration: over.mfa_session_duration,
        session_dir: Some(crate::store::private_dir::state_root().join("mfa-sessions")),
    }
}
