//! The AWS CLI's assume-role cache (`~/.aws/cli/cache/<key>.json`): the
//! same key derivation and the same JSON body, so both tools share sessions.

use super::Creds;
use crate::secret::Secret;
use serde_json::{json, Map, Value};
use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Cached credentials are used until this long before they expire.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(15 * 60);

/// The AssumeRole arguments that make up the key, as botocore names them.
#[derive(Debug, Clone, Default)]
pub struct AssumeRoleArgs {
    pub role_arn: String,
    /// Only when the profile names one: the default name is random, and
    /// botocore leaves it out of the key.
    pub role_session_name: Option<String>,
    pub external_id: Option<String>,
    pub serial_number: Option<String>,
    pub duration_seconds: Option<u32>,
}

/// Python's `json.dumps(obj, sort_keys=True)`: `", "` and `": "`
/// separators, non-ASCII escaped as `\uXXXX`.
fn python_json(map: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let items: Vec<String> = keys
        .into_iter()
        .map(|k| {
            format!(
                "{}: {}",
                crate::export::python_json_string(k),
                python_value(&map[k])
            )
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn python_value(v: &Value) -> String {
    match v {
        Value::String(s) => crate::export::python_json_string(s),
        other => other.to_string(),
    }
}

pub fn cache_key(args: &AssumeRoleArgs) -> String {
    let mut map = Map::new();
    map.insert("RoleArn".into(), json!(args.role_arn));
    if let Some(v) = &args.role_session_name {
        map.insert("RoleSessionName".into(), json!(v));
    }
    if let Some(v) = &args.external_id {
        map.insert("ExternalId".into(), json!(v));
    }
    if let Some(v) = &args.serial_number {
        map.insert("SerialNumber".into(), json!(v));
    }
    if let Some(v) = args.duration_seconds {
        map.insert("DurationSeconds".into(), json!(v));
    }
    let digest = Sha1::digest(python_json(&map).as_bytes());
    // botocore makes the key file-safe by replacing ':' and '/'; a hex digest has neither.
    crate::hex::lower(&digest)
}

/// The AWS CLI's cache key for an SSO role's credentials (botocore's
/// `SSOCredentialFetcher`): the sha1 of the account, the role and the
/// sso-session's name (or the legacy start URL), as minified sorted JSON.
pub fn sso_key(
    account_id: &str,
    role_name: &str,
    session: Option<&str>,
    start_url: &str,
) -> String {
    let s = crate::export::python_json_string;
    let last = match session {
        Some(name) => format!("\"sessionName\":{}", s(name)),
        None => format!("\"startUrl\":{}", s(start_url)),
    };
    let args = format!(
        "{{\"accountId\":{},\"roleName\":{},{last}}}",
        s(account_id),
        s(role_name)
    );
    let digest = Sha1::digest(args.as_bytes());
    crate::hex::lower(&digest)
}

/// An SSO role's cached credentials, while fresh and of STS's shape.
pub fn read_sso(dir: &Path, key: &str, now: SystemTime) -> Option<Creds> {
    let bytes = std::fs::read(dir.join(format!("{key}.json"))).ok()?;
    let body: Value = serde_json::from_slice(&bytes).ok()?;
    fresh_credentials(body.get("Credentials")?, now)
}

/// Keeps an SSO role's credentials as botocore does (0600, atomically).
pub fn write_sso(
    dir: &Path,
    key: &str,
    creds: &Creds,
    account_id: &str,
) -> Result<(), crate::store::StoreError> {
    let body = json!({
        "ProviderType": "sso",
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key.expose(),
            "SessionToken": creds.session_token.as_ref().map(|t| t.expose()),
            "Expiration": creds.expiration.map(crate::isotime::format_for_display),
            "AccountId": account_id,
        },
    });
    crate::store::private_dir::ensure(dir)?;
    let path = dir.join(format!("{key}.json"));
    crate::store::write_atomic(&path, body.to_string().as_bytes()).map_err(|source| {
        crate::store::StoreError::Io {
            path,
            action: "write the credential cache entry",
            source,
        }
    })
}

/// Removes an SSO role's cached credentials; whether there were any.
pub fn remove_sso(dir: &Path, key: &str) -> Result<bool, crate::store::StoreError> {
    let path = dir.join(format!("{key}.json"));
    crate::store::remove_if_present(&path).map_err(|source| crate::store::StoreError::Io {
        path,
        action: "remove the credential cache entry",
        source,
    })
}

/// Refuses a cache directory (this one or awsprof's MFA sessions) someone
/// else could have planted sessions in (exit 4); a missing one is fine,
/// it is created 0700 on first write.
pub fn check_dir(settings: &super::Settings) -> Result<(), crate::store::StoreError> {
    if let Some(dir) = settings.cache_dir.as_deref().filter(|_| settings.use_cache) {
        crate::store::private_dir::check(dir)?;
    }
    super::mfa_session::check_dir(settings)
}

pub fn cache_path(dir: &Path, args: &AssumeRoleArgs) -> PathBuf {
    dir.join(format!("{}.json", cache_key(args)))
}

/// The field of a cache entry that records what the session was made
/// from; botocore ignores fields it does not know.
const ORIGIN_FIELD: &str = "AwsprofOrigin";

/// The cached session for `args`, when it is still fresh and was made by
/// the chain asking for it: an entry awsprof wrote for another origin
/// (another base, another key, another path of roles) is not used. An
/// entry without an origin (the AWS CLI's) is used, as the CLI would.
/// Values not of the shape STS issues make the entry unusable.
pub fn read(dir: &Path, args: &AssumeRoleArgs, origin: &Value, now: SystemTime) -> Option<Creds> {
    let bytes = std::fs::read(cache_path(dir, args)).ok()?;
    let body: Value = serde_json::from_slice(&bytes).ok()?;
    if body.get(ORIGIN_FIELD).is_some_and(|o| o != origin) {
        return None;
    }
    fresh_credentials(body.get("Credentials")?, now)
}

/// A kept `Credentials` object (STS's field names) while it is good for
/// at least `REFRESH_BEFORE_EXPIRY`, and only when its values have the
/// shape STS issues.
pub(super) fn fresh_credentials(c: &Value, now: SystemTime) -> Option<Creds> {
    let expiration = crate::isotime::parse(c.get("Expiration")?.as_str()?)?;
    if expiration < now + REFRESH_BEFORE_EXPIRY {
        return None;
    }
    let creds = Creds {
        access_key_id: c.get("AccessKeyId")?.as_str()?.to_string(),
        secret_access_key: Secret::new(c.get("SecretAccessKey")?.as_str()?),
        session_token: c
            .get("SessionToken")
            .and_then(Value::as_str)
            .map(Secret::new),
        expiration: Some(expiration),
    };
    let shaped = crate::export::check_exportable(&creds.exported()).is_ok();
    shaped.then_some(creds)
}

/// Writes the session as botocore does (0600, atomically).
pub fn write(
    dir: &Path,
    args: &AssumeRoleArgs,
    origin: &Value,
    creds: &Creds,
    assumed: Option<(&str, &str)>,
) -> Result<(), crate::store::StoreError> {
    let expiration = creds
        .expiration
        .map(crate::isotime::format)
        .unwrap_or_default();
    let mut body = json!({
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key.expose(),
            "SessionToken": creds.session_token.as_ref().map(|t| t.expose()),
            "Expiration": expiration,
        },
        "ResponseMetadata": {},
        ORIGIN_FIELD: origin,
    });
    if let Some((id, arn)) = assumed {
        body["AssumedRoleUser"] = json!({"AssumedRoleId": id, "Arn": arn});
    }
    crate::store::private_dir::ensure(dir)?;
    let path = cache_path(dir, args);
    crate::store::write_atomic(&path, body.to_string().as_bytes()).map_err(|source| {
        crate::store::StoreError::Io {
            path,
            action: "write the credential cache entry",
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_test_vectors() {
        let a = AssumeRoleArgs {
            role_arn: "arn:aws:iam::role/foo-role".into(),
            ..Default::default()
        };
        assert_eq!(cache_key(&a), "75c539f0711ba78c5b9e488d0add95f178a54d74");
        let b = AssumeRoleArgs {
            role_arn: "myrole".into(),
            role_session_name: Some("my_session_name".into()),
            ..Default::default()
        };
        assert_eq!(cache_key(&b), "2964201f5648c8be5b9460a9cf842d73a266daf2");
    }

    const SSO_KEY_CORP: &str = "267e3fccca106d9bb8d7ec6055d49a2a746d05e4";

    #[test]
    fn sso_keys_are_botocores() {
        // Python: hashlib.sha1(json.dumps({"roleName": "toy-role", "accountId":
        // "123456789012", "sessionName": "corp"}, sort_keys=True,
        // separators=(",", ":")).encode()).hexdigest()
        assert_eq!(
            sso_key("123456789012", "toy-role", Some("corp"), "https://x"),
            SSO_KEY_CORP
        );
        assert_ne!(
            sso_key("123456789012", "toy-role", None, "https://x"),
            SSO_KEY_CORP
        );
    }

    #[test]
    fn python_json_escapes_like_python() {
        let mut m = Map::new();
        m.insert("b".into(), json!("é\"x"));
        m.insert("a".into(), json!(3600));
        assert_eq!(python_json(&m), r#"{"a": 3600, "b": "\u00e9\"x"}"#);
    }

    #[test]
    fn round_trip_and_freshness() {
        let dir = tempfile::tempdir().unwrap();
        let args = AssumeRoleArgs {
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            ..Default::default()
        };
        let now = SystemTime::now();
        let creds = Creds {
            access_key_id: "ASIAEXAMPLE00001".into(),
            secret_access_key: Secret::new("s"),
            session_token: Some(Secret::new("t")),
            expiration: Some(now + Duration::from_secs(3600)),
        };
        let origin = json!({"base_profile": "tanaka", "base_access_key_id": "AKIAEXAMPLE00001"});
        write(
            dir.path(),
            &args,
            &origin,
            &creds,
            Some(("AROA:x", "arn:aws:sts::123456789012:assumed-role/r/x")),
        )
        .unwrap();
        let got = read(dir.path(), &args, &origin, now).expect("fresh");
        assert_eq!(got.access_key_id, "ASIAEXAMPLE00001");
        // Another chain with the same AssumeRole arguments gets nothing.
        let other = json!({"base_profile": "evil", "base_access_key_id": "AKIAEXAMPLE00002"});
        assert!(read(dir.path(), &args, &other, now).is_none());
        let written: Value =
            serde_json::from_slice(&std::fs::read(cache_path(dir.path(), &args)).unwrap()).unwrap();
        assert_eq!(
            written
                .pointer("/AssumedRoleUser/Arn")
                .and_then(Value::as_str),
            Some("arn:aws:sts::123456789012:assumed-role/r/x")
        );
        // Within 15 minutes of expiry it is stale.
        assert!(read(
            dir.path(),
            &args,
            &origin,
            now + Duration::from_secs(3600 - 14 * 60)
        )
        .is_none());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache_path(dir.path(), &args))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        // botocore's own spelling of the time parses too.
        let body = std::fs::read_to_string(cache_path(dir.path(), &args)).unwrap();
        assert!(body.contains("+00:00"), "{body}");
    }

    #[test]
    fn an_entry_without_an_origin_is_the_aws_clis_and_is_used_when_well_shaped() {
        let dir = tempfile::tempdir().unwrap();
        let args = AssumeRoleArgs {
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            ..Default::default()
        };
        let now = SystemTime::now();
        let at = crate::isotime::format(now + Duration::from_secs(3600));
        let entry = |key: &str, secret: &str| {
            format!(
                r#"{{"Credentials": {{"AccessKeyId": "{key}", "SecretAccessKey": "{secret}", "SessionToken": "tok", "Expiration": "{at}"}}}}"#
            )
        };
        let origin = json!({"base_profile": "p"});
        std::fs::write(
            cache_path(dir.path(), &args),
            entry("ASIAEXAMPLE00001", "s/+="),
        )
        .unwrap();
        assert!(read(dir.path(), &args, &origin, now).is_some());
        std::fs::write(
            cache_path(dir.path(), &args),
            entry("ASIAEXAMPLE00001", "$(id)"),
        )
        .unwrap();
        assert!(read(dir.path(), &args, &origin, now).is_none());
    }
}
