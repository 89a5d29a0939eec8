//! Signing in to IAM Identity Center, in the AWS CLI v2's two flows. The
//! authorization code flow with PKCE (its default): a public client
//! registered for a loopback redirect, the browser sent to the OIDC
//! service's `/authorize` page, the code taken from the redirect to
//! `http://127.0.0.1:PORT/oauth/callback` (its `state` checked) and
//! exchanged with the verifier. The device authorization flow
//! (`--use-device-code`): start a device authorization, show the page and
//! the code, poll CreateToken (waiting on `authorization_pending`, slowing
//! down on `slow_down`) until the user approves, denies, or the code ends.

use super::errors::{describe, CallError};
use crate::export::console::encode;
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

/// A name for the registration, as the AWS CLI's `botocore-client-...`.
fn client_name() -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("awsprof-{now}")
}

/// A public client registered for this sign-in.
struct Registered {
    id: String,
    secret: String,
    expires_at: SystemTime,
}

/// Sends `asked` (what the flow needs of the registration) as a public
/// client with the session's scopes.
async fn register(
    asked: aws_sdk_ssooidc::operation::register_client::builders::RegisterClientFluentBuilder,
    sign_in: &SignIn,
) -> Result<Registered, CallError> {
    let out = asked
        .client_name(client_name())
        .client_type("public")
        .set_scopes((!sign_in.scopes.is_empty()).then(|| sign_in.scopes.clone()))
        .send()
        .await
        .map_err(|e| describe(&e))?;
    Ok(Registered {
        id: out
            .client_id()
            .ok_or_else(|| missing("a client id"))?
            .to_string(),
        secret: out
            .client_secret()
            .ok_or_else(|| missing("a client secret"))?
            .to_string(),
        expires_at: at(out.client_secret_expires_at()),
    })
}

/// The token CreateToken issued, with the registration that can refresh it.
fn token_of(
    out: &aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    registered: &Registered,
) -> Result<Token, CallError> {
    let access = out
        .access_token()
        .ok_or_else(|| missing("an access token"))?;
    Ok(Token {
        access_token: Secret::new(access),
        expires_at: SystemTime::now() + Duration::from_secs(out.expires_in().max(0) as u64),
        refresh_token: out.refresh_token().map(Secret::new),
        client_id: registered.id.clone(),
        client_secret: Secret::new(&registered.secret),
        registration_expires_at: registered.expires_at,
    })
}

/// The whole device flow; `show` tells the user where to go (once).
pub async fn device_login(
    sign_in: &SignIn,
    show: impl FnOnce(&DeviceCode),
) -> Result<Token, CallError> {
    let oidc = client(sign_in);
    let registered = register(oidc.register_client(), sign_in).await?;
    let (client_id, client_secret) = (registered.id.as_str(), registered.secret.as_str());
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
            Ok(token) => return token_of(&token, &registered),
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

/// How long the browser flow waits for the redirect.
const BROWSER_WAIT: Duration = Duration::from_secs(600);

/// RFC 4648 base64url without padding, as PKCE wants it.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// A PKCE pair: the verifier kept here, the S256 challenge sent.
fn pkce() -> std::io::Result<(String, String)> {
    use sha2::Digest;
    let verifier = base64url(&crate::secret::random_bytes::<32>()?);
    let challenge = base64url(&sha2::Sha256::digest(verifier.as_bytes()));
    Ok((verifier, challenge))
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b as u8);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query of the first request to `/oauth/callback`, answered with a
/// page that says where to look next.
fn wait_for_redirect(listener: std::net::TcpListener) -> Option<Vec<(String, String)>> {
    use std::io::{Read, Write};
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut head = Vec::new();
        let mut buf = [0u8; 2048];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            match stream.read(&mut buf) {
                Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let target = head.split(' ').nth(1).unwrap_or("");
        let Some(query) = target.strip_prefix("/oauth/callback?") else {
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            continue;
        };
        let body = "awsprof: the sign-in is back in your terminal; you can close this page.";
        let _ = stream.write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes(),
        );
        return Some(
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (decode(k), decode(v)))
                .collect(),
        );
    }
    None
}

/// The authorization code flow with PKCE; `open` gets the page to show.
pub async fn browser_login(sign_in: &SignIn, open: impl FnOnce(&str)) -> Result<Token, CallError> {
    let local = |message: String| CallError {
        code: "LocalError".into(),
        message,
    };
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| local(format!("cannot listen for the sign-in's redirect: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| local(e.to_string()))?
        .port();
    let redirect = format!("http://127.0.0.1:{port}/oauth/callback");
    let oidc = client(sign_in);
    let asked = oidc
        .register_client()
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris(&redirect)
        .issuer_url(&sign_in.start_url);
    let registered = register(asked, sign_in).await?;
    let (client_id, client_secret) = (registered.id.as_str(), registered.secret.as_str());
    let (verifier, challenge) = pkce().map_err(|e| local(e.to_string()))?;
    let state =
        crate::hex::lower(&crate::secret::random_bytes::<16>().map_err(|e| local(e.to_string()))?);
    let base = sign_in
        .endpoint
        .clone()
        .unwrap_or_else(|| format!("https://oidc.{}.amazonaws.com", sign_in.region));
    let mut url = format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={state}&code_challenge_method=S256&code_challenge={challenge}",
        base.trim_end_matches('/'),
        encode(client_id),
        encode(&redirect)
    );
    if !sign_in.scopes.is_empty() {
        url.push_str(&format!("&scopes={}", encode(&sign_in.scopes.join(","))));
    }
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(wait_for_redirect(listener));
    });
    open(&url);
    let query = tokio::task::spawn_blocking(move || receiver.recv_timeout(BROWSER_WAIT).ok().flatten())
        .await
        .ok()
        .flatten()
        .ok_or_else(|| CallError {
            code: "ExpiredTokenException".into(),
            message: format!("no sign-in came back within {} minutes; run the login again (or with --use-device-code)", BROWSER_WAIT.as_secs() / 60),
        })?;
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if let Some(error) = get("error") {
        return Err(CallError {
            code: "AccessDeniedException".into(),
            message: format!("the sign-in was refused: {}", error.escape_default()),
        });
    }
    if get("state").as_deref() != Some(state.as_str()) {
        return Err(local("the sign-in's redirect did not carry this login's state: it was not ours, so it is refused".into()));
    }
    let code = get("code").ok_or_else(|| missing("an authorization code"))?;
    let token = oidc
        .create_token()
        .client_id(client_id)
        .client_secret(client_secret)
        .grant_type("authorization_code")
        .code(code)
        .code_verifier(verifier)
        .redirect_uri(&redirect)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    token_of(&token, &registered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_and_the_pkce_example() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        // RFC 7636, appendix B.
        use sha2::Digest;
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            base64url(&sha2::Sha256::digest(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let (v, c) = pkce().unwrap();
        assert_eq!(v.len(), 43);
        assert_ne!(v, c);
    }

    #[test]
    fn percent_decoding_of_the_redirect() {
        assert_eq!(decode("a%2Fb+c"), "a/b c");
        assert_eq!(decode("bad%zz"), "bad%zz");
        assert_eq!(decode("end%2"), "end%2");
        assert_eq!(decode("%é1"), "%é1");
    }
}
