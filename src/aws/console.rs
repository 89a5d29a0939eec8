//! Signing in to the AWS Management Console: the credentials the
//! federation endpoint takes (a role's session as it is; an IAM user's
//! long-term keys exchanged with GetFederationToken; GetSessionToken
//! credentials refused, as the endpoint refuses them), the
//! `getSigninToken` call, and the sign-in URL.

use super::errors::{describe, CallError};
use super::run::{caller_identity, RunError};
use super::{sts_client, Creds, Settings};
use crate::export::console::{self as text, Partition};
use crate::profiles::values::{MAX_CHAINED_DURATION, MAX_DURATION};
use std::time::Duration;

/// What the credentials to sign in with are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A role's session (AssumeRole, SSO, web identity); `chained` when
    /// it was assumed with temporary credentials (role chaining).
    Role { chained: bool },
    /// A federation token (GetFederationToken's session).
    Federated,
    /// An IAM user's long-term keys.
    LongTerm,
    /// Temporary credentials of unknown origin (a session token in the
    /// file, a process, the environment): GetCallerIdentity tells.
    Unknown,
}

/// Where to land and how long the console session lasts.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub profile: String,
    /// The configured region, for the landing page.
    pub region: Option<String>,
    pub service: Option<String>,
    pub destination: Option<String>,
    /// A role's console session (SessionDuration), or the federation
    /// token's length for long-term keys.
    pub duration: Option<u32>,
    /// The partition the chain's role names, when it names one.
    pub partition: Option<Partition>,
    /// Instead of the partition's federation endpoint (a test's stub).
    pub federation_endpoint: Option<String>,
}

/// The sign-in URL (a credential for 15 minutes) and how it was made.
pub struct SignedIn {
    pub url: String,
    /// `the role session`, `a federation token for tanaka`.
    pub how: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// What the user asked for cannot work: exit 2, nothing was called
    /// for it.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Call(#[from] RunError),
}

const FEDERATION_TIMEOUT: Duration = Duration::from_secs(30);

fn step(what: &str) -> impl FnOnce(CallError) -> ConsoleError + '_ {
    move |error| {
        ConsoleError::Call(RunError {
            step: what.to_string(),
            error,
        })
    }
}

pub async fn sign_in_url(
    creds: &Creds,
    source: Source,
    settings: &Settings,
    req: &Request,
) -> Result<SignedIn, ConsoleError> {
    let source = match source {
        Source::Unknown => classify(creds, settings).await?,
        known => known,
    };
    let region_partition = || {
        req.region
            .as_deref()
            .map_or(Partition::Aws, Partition::of_region)
    };
    let (console_creds, session_duration, partition, how) = match source {
        Source::Role { chained } => {
            if req.duration.is_some_and(|d| d > MAX_DURATION) {
                return Err(ConsoleError::Usage(format!(
                    "profile {}'s credentials are a role's session, whose console session lasts at most {MAX_DURATION} s; ask for --duration {MAX_DURATION} or less (longer is for federation tokens from long-term keys)",
                    req.profile
                )));
            }
            if chained && req.duration.is_some_and(|d| d > MAX_CHAINED_DURATION) {
                return Err(ConsoleError::Usage(format!(
                    "profile {}'s role is assumed by role chaining (from another role or the MFA session), and the console then allows at most {MAX_CHAINED_DURATION} s; ask for --duration {MAX_CHAINED_DURATION} or less",
                    req.profile
                )));
            }
            let partition = req.partition.unwrap_or_else(region_partition);
            (
                creds.clone(),
                req.duration,
                partition,
                "the role session".to_string(),
            )
        }
        Source::Federated => {
            if req.duration.is_some() {
                return Err(ConsoleError::Usage(format!(
                    "profile {}'s credentials are a federation token: the console session lasts as long as it does, and the federation endpoint takes no --duration for it",
                    req.profile
                )));
            }
            let partition = req.partition.unwrap_or_else(region_partition);
            (
                creds.clone(),
                None,
                partition,
                "the federation token".to_string(),
            )
        }
        Source::LongTerm => {
            let (federated, arn) = federation_token(creds, settings, req).await?;
            let partition = Partition::of_arn(&arn).unwrap_or_else(region_partition);
            let how = format!("a federation token ({arn})");
            (federated, None, partition, how)
        }
        Source::Unknown => unreachable!("classified above"),
    };
    let destination = match (&req.destination, &req.service) {
        (Some(url), _) => {
            text::check_destination(partition, url).map_err(ConsoleError::Usage)?;
            url.clone()
        }
        (None, service) => text::destination(partition, req.region.as_deref(), service.as_deref()),
    };
    let federation = req
        .federation_endpoint
        .clone()
        .unwrap_or_else(|| partition.federation_url());
    let request = text::signin_token_url(&federation, &console_creds.exported(), session_duration)
        .map_err(|e| ConsoleError::Usage(e.to_string()))?;
    let token = signin_token(&request)
        .await
        .map_err(step("getSigninToken"))?;
    Ok(SignedIn {
        url: text::login_url(&federation, &destination, &token),
        how,
    })
}

/// Who temporary credentials of unknown origin belong to.
async fn classify(creds: &Creds, settings: &Settings) -> Result<Source, ConsoleError> {
    let who = caller_identity(creds, settings)
        .await
        .map_err(step("GetCallerIdentity"))?;
    if who.arn.contains(":assumed-role/") {
        Ok(Source::Role { chained: false })
    } else if who.arn.contains(":federated-user/") {
        Ok(Source::Federated)
    } else {
        Err(ConsoleError::Usage(format!(
            "these credentials are a session of {} from GetSessionToken, which the federation endpoint refuses (it takes a role's session or a federation token); sign in through a profile with a role, or with the user's long-term keys",
            who.arn
        )))
    }
}

/// Long-term keys exchanged for a federation token named after the
/// profile, with a session policy that leaves the user's own policies
/// to decide.
async fn federation_token(
    creds: &Creds,
    settings: &Settings,
    req: &Request,
) -> Result<(Creds, String), ConsoleError> {
    let out = sts_client(creds, settings)
        .get_federation_token()
        .name(text::federation_name(&req.profile))
        .policy(text::ALLOW_ALL_POLICY)
        .set_duration_seconds(req.duration.map(|d| d as i32))
        .send()
        .await
        .map_err(|e| describe(&e))
        .map_err(step("GetFederationToken"))?;
    let issued = super::run::issued(out.credentials(), "GetFederationToken")
        .map_err(step("GetFederationToken"))?;
    let arn = out
        .federated_user()
        .map(|u| u.arn().to_string())
        .unwrap_or_default();
    Ok((issued, arn))
}

/// `GET` of the `getSigninToken` URL: the token, or why not.
async fn signin_token(url: &str) -> Result<String, CallError> {
    let (status, body) = tokio::time::timeout(FEDERATION_TIMEOUT, get(url))
        .await
        .map_err(|_| CallError {
            code: "Timeout".into(),
            message: format!(
                "the federation endpoint did not answer within {} s",
                FEDERATION_TIMEOUT.as_secs()
            ),
        })??;
    let body = String::from_utf8_lossy(&body);
    if status != 200 {
        let shown: String = body
            .chars()
            .take(200)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        return Err(CallError {
            code: "SigninTokenRefused".into(),
            message: format!("the federation endpoint answered HTTP {status}: {shown}"),
        });
    }
    text::signin_token(&body).ok_or_else(|| CallError {
        code: "InvalidResponse".into(),
        message: "the federation endpoint's answer holds no SigninToken".into(),
    })
}

/// One GET over the TLS stack the SDK uses (rustls, the system's roots).
/// Plain http only to a loopback address.
async fn get(url: &str) -> Result<(u16, Vec<u8>), CallError> {
    use http_body_util::BodyExt;
    let fail = |message: String| CallError {
        code: "NetworkError".into(),
        message,
    };
    let uri: hyper::Uri = url
        .parse()
        .map_err(|e| fail(format!("bad federation URL: {e}")))?;
    let loopback = matches!(uri.host(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if uri.scheme_str() != Some("https") && !loopback {
        return Err(fail(
            "the federation endpoint must be https (plain http only on a loopback address)".into(),
        ));
    }
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
        .map_err(|e| fail(format!("no TLS roots: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, http_body_util::Empty<bytes::Bytes>>(https);
    let response = client
        .get(uri)
        .await
        .map_err(|e| fail(super::errors::error_chain(&e)))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| fail(e.to_string()))?
        .to_bytes();
    Ok((status, body.to_vec()))
}
