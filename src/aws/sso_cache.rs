//! The AWS CLI v2's SSO token cache, read only to tell whether a sign-in
//! is still good: `~/.aws/sso/cache/<sha1>.json`, keyed as botocore's
//! `SSOTokenLoader` keys it (the sha1 of the sso-session's name, or of the
//! start URL for a legacy profile), with its field names.

use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Where the AWS CLI v2 and botocore keep SSO tokens.
pub fn cache_dir() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join(".aws").join("sso").join("cache"))
}

/// The cache file of a session name, or of a legacy start URL.
pub fn token_path(dir: &Path, key: &str) -> PathBuf {
    let digest = Sha1::digest(key.as_bytes());
    let name = crate::hex::lower(&digest);
    dir.join(format!("{name}.json"))
}

/// Keeps a token (its JSON) for `key`: a new 0600 file, atomically, in a
/// directory nobody else can write to.
pub fn write(dir: &Path, key: &str, text: &str) -> Result<(), crate::store::StoreError> {
    crate::store::private_dir::ensure(dir)?;
    let path = token_path(dir, key);
    crate::store::write_private(&path, text.as_bytes()).map_err(|source| {
        crate::store::StoreError::Io {
            path,
            action: "write the SSO token",
            source,
        }
    })
}

/// Removes the token of `key`; whether there was one.
pub fn remove(dir: &Path, key: &str) -> Result<bool, crate::store::StoreError> {
    let path = token_path(dir, key);
    crate::store::remove_if_present(&path).map_err(|source| crate::store::StoreError::Io {
        path,
        action: "remove the SSO token",
        source,
    })
}

/// The cached access token of `key` while it has not ended.
pub fn access_token(dir: &Path, key: &str, now: SystemTime) -> Option<crate::secret::Secret> {
    let text = std::fs::read_to_string(token_path(dir, key)).ok()?;
    let token: serde_json::Value = serde_json::from_str(&text).ok()?;
    let expires_at = crate::isotime::parse(token.get("expiresAt")?.as_str()?)?;
    let access = token.get("accessToken")?.as_str()?;
    (expires_at > now).then(|| crate::secret::Secret::new(access))
}

/// What a cached token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenState {
    pub expires_at: SystemTime,
    /// It can be renewed without a sign-in: a refresh token with its
    /// client registration still valid (botocore's conditions).
    pub refreshable: bool,
}

impl TokenState {
    /// Expired and not renewable: only a new sign-in helps.
    pub fn needs_sign_in(&self, now: SystemTime) -> bool {
        self.expires_at <= now && !self.refreshable
    }
}

/// The state of the token cached under `key`, `None` when there is none
/// or it is not a token (botocore needs accessToken and expiresAt).
pub fn read(dir: &Path, key: &str, now: SystemTime) -> Option<TokenState> {
    let text = std::fs::read_to_string(token_path(dir, key)).ok()?;
    let token: serde_json::Value = serde_json::from_str(&text).ok()?;
    token.get("accessToken")?.as_str()?;
    let expires_at = crate::isotime::parse(token.get("expiresAt")?.as_str()?)?;
    let has = |field: &str| token.get(field).and_then(|v| v.as_str()).is_some();
    let registered_until = token
        .get("registrationExpiresAt")
        .and_then(|v| v.as_str())
        .and_then(crate::isotime::parse);
    let refreshable = has("refreshToken")
        && has("clientId")
        && has("clientSecret")
        && registered_until.is_some_and(|until| until > now);
    Some(TokenState {
        expires_at,
        refreshable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_key_is_the_sha1_of_the_session_name() {
        // Python: hashlib.sha1(b"my-sso-session").hexdigest()
        assert_eq!(
            token_path(Path::new("/c"), "my-sso-session"),
            Path::new("/c/b755b5ec73400c04400e978208d8559ad1f39053.json")
        );
    }

    #[test]
    fn expired_tokens_need_a_sign_in_unless_they_can_be_refreshed() {
        let tmp = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let write = |key: &str, body: serde_json::Value| {
            std::fs::write(token_path(tmp.path(), key), body.to_string()).unwrap();
        };
        write(
            "old",
            serde_json::json!({"accessToken": "a", "expiresAt": "2020-01-01T00:00:00Z"}),
        );
        let state = read(tmp.path(), "old", now).unwrap();
        assert!(state.needs_sign_in(now));
        write(
            "refreshable",
            serde_json::json!({"accessToken": "a", "expiresAt": "2020-01-01T00:00:00Z",
                "refreshToken": "r", "clientId": "c", "clientSecret": "s",
                "registrationExpiresAt": "2099-01-01T00:00:00Z"}),
        );
        assert!(!read(tmp.path(), "refreshable", now)
            .unwrap()
            .needs_sign_in(now));
        write(
            "registration-gone",
            serde_json::json!({"accessToken": "a", "expiresAt": "2020-01-01T00:00:00Z",
                "refreshToken": "r", "clientId": "c", "clientSecret": "s",
                "registrationExpiresAt": "2021-01-01T00:00:00Z"}),
        );
        assert!(read(tmp.path(), "registration-gone", now)
            .unwrap()
            .needs_sign_in(now));
        let later = now + Duration::from_secs(3600);
        write(
            "fresh",
            serde_json::json!({"accessToken": "a", "expiresAt": crate::isotime::format(later)}),
        );
        assert!(!read(tmp.path(), "fresh", now).unwrap().needs_sign_in(now));
        write(
            "no-token",
            serde_json::json!({"expiresAt": "2020-01-01T00:00:00Z"}),
        );
        assert_eq!(read(tmp.path(), "no-token", now), None);
        assert_eq!(read(tmp.path(), "missing", now), None);
    }
}
