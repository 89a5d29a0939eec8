//! Signing in to IAM Identity Center with the OAuth device authorization
//! flow, as `aws sso login --use-device-code` does: register a public
//! client, start a device authorization, show the user the page and the
//! code, poll CreateToken (waiting on `authorization_pending`, slowing
//! down on `slow_down`) until the user approves, denies, or the code ends.

use super::errors::{describe, CallError};
use crate::secret::Secret;
use aws_sdk_ssooidc::config::{BehaviorVersion, Region};
use std::time::{Duration, SystemTime};

/// What to sign in to: an sso-session's settings (or a legacy profile's).
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The cache key: the sso-session's name, or a legacy start URL.
    pub key: String,
    pub start_url: String,
    pub region: String,
    /// `sso_registration_scopes`; with none, no refresh token is issued.
    pub scopes: Vec<String>,
    /// Instead of the region's OIDC endpoint (`AWS_ENDPOINT_URL_SSO_OIDC`).
    pub endpoint: Option<String>,
}

/// What the user must open and confirm.
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri_complete: String,
}

/// The token and the client registration that can refresh it.
pub struct Token {
    pub access_token: Secret,
    pub expires_at: SystemTime,
    pub refresh_token: Option<Secret>,
    pub client_id: String,
    pub client_secret: Secret,
    pub registration_expires_at: SystemTime,
}

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn client(sign_in: &SignIn) -> aws_sdk_ssooidc::Client {
    let mut builder = aws_sdk_ssooidc::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(sign_in.region.clone()));
    if let Some(url) = &sign_in.endpoint {
        builder = builder.endpoint_url(url);
    }
    aws_sdk_ssooidc::Client::from_conf(builder.build())
}

fn missing(what: &str) -> CallError {
    CallError {
        code: "InvalidResponse".into(),
        message: format!("the OIDC service answered without {what}"),
    }
}

fn at(epoch_seconds: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(epoch_seconds.max(0) as u64)
}

/// The whole device flow; `show` tells the user where to go (once).
pub async fn device_login(
    sign_in: &SignIn,
    show: impl FnOnce(&DeviceCode),
) -> Result<Token, CallError> {
    let oidc = client(sign_in);
    let registered = oidc
        .register_client()
        .client_name(format!(
            "awsprof-{}",
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        ))
        .client_type("public")
        .set_scopes((!sign_in.scopes.is_empty()).then(|| sign_in.scopes.clone()))
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let client_id = registered
        .client_id()
        .ok_or_else(|| missing("a client id"))?;
    let client_secret = registered
        .client_secret()
        .ok_or_else(|| missing("a client secret"))?;
    let device = oidc
        .start_device_authorization()
        .client_id(client_id)
        .client_secret(client_secret)
        .start_url(&sign_in.start_url)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let device_code = device
        .device_code()
        .ok_or_else(|| missing("a device code"))?;
    show(&DeviceCode {
        user_code: device.user_code().unwrap_or_default().to_string(),
        verification_uri_complete: device
            .verification_uri_complete()
            .or(device.verification_uri())
            .unwrap_or_default()
            .to_string(),
    });
    let mut interval = Duration::from_secs(device.interval().max(1) as u64);
    let deadline =
        std::time::Instant::now() + Duration::from_secs(device.expires_in().max(1) as u64);
    loop {
        let asked = oidc
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret)
            .grant_type(DEVICE_GRANT)
            .device_code(device_code)
            .send()
            .await;
        match asked {
            Ok(token) => {
                let access = token
                    .access_token()
                    .ok_or_else(|| missing("an access token"))?;
                return Ok(Token {
                    access_token: Secret::new(access),
                    expires_at: SystemTime::now()
                        + Duration::from_secs(token.expires_in().max(0) as u64),
                    refresh_token: token.refresh_token().map(Secret::new),
                    client_id: client_id.to_string(),
                    client_secret: Secret::new(client_secret),
                    registration_expires_at: at(registered.client_secret_expires_at()),
                });
            }
            Err(e) => {
                let service = e.as_service_error();
                if service.is_some_and(|s| s.is_slow_down_exception()) {
                    interval += Duration::from_secs(5);
                } else if !service.is_some_and(|s| s.is_authorization_pending_exception()) {
                    return Err(describe(&e));
                }
            }
        }
        if std::time::Instant::now() + interval > deadline {
            return Err(CallError {
                code: "ExpiredTokenException".into(),
                message:
                    "the device code ended before the sign-in was approved; run the login again"
                        .into(),
            });
        }
        tokio::time::sleep(interval).await;
    }
}

/// The token as the AWS CLI v2 caches it (`~/.aws/sso/cache/<sha1>.json`),
/// field for field, so that either tool's sign-in serves the other.
pub fn cache_json(sign_in: &SignIn, token: &Token) -> String {
    let utc = |t: SystemTime| crate::isotime::format_for_display(t);
    let mut body = serde_json::json!({
        "startUrl": sign_in.start_url,
        "region": sign_in.region,
        "accessToken": token.access_token.expose(),
        "expiresAt": utc(token.expires_at),
        "clientId": token.client_id,
        "clientSecret": token.client_secret.expose(),
        "registrationExpiresAt": utc(token.registration_expires_at),
    });
    if let Some(refresh) = &token.refresh_token {
        body["refreshToken"] = refresh.expose().into();
    }
    body.to_string()
}
