//! awsprof's MFA sessions: the credentials one `sts:GetSessionToken` with
//! an MFA code gave, kept (0600, in a 0700 directory that is checked
//! before it is read) until 15 minutes before they expire, so that every
//! role asking for the same device is assumed from them without another
//! code. An entry is bound to the access key and the device it was made
//! with: after a key rotation, or for another device, it is not used.
//! Sessions made from vaulted keys are kept in the vault instead
//! (`aws/vault.rs`), in the same text.

use super::{Creds, Settings};
use crate::store::StoreError;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const VERSION: u64 = 1;

/// Refuses a session directory someone else could have planted sessions
/// in (exit 4); a missing one is fine, it is created 0700 on first write.
pub fn check_dir(settings: &Settings) -> Result<(), StoreError> {
    match dir(settings) {
        Some(dir) => crate::store::private_dir::check(dir).map(drop),
        None => Ok(()),
    }
}

/// The directory sessions are read from and written to, unless the
/// command was told to use no cached session.
pub fn dir(settings: &Settings) -> Option<&Path> {
    settings
        .session_dir
        .as_deref()
        .filter(|_| settings.use_cache)
}

fn path(dir: &Path, key_id: &str, serial: &str) -> PathBuf {
    let digest = Sha1::digest(format!("{key_id}\n{serial}").as_bytes());
    let name = crate::hex::lower(&digest);
    dir.join(format!("{name}.json"))
}

/// The session made with access key `key_id` and device `serial`, kept
/// in `dir`, while it is good for at least 15 minutes.
pub fn read(dir: &Path, key_id: &str, serial: &str, now: SystemTime) -> Option<Creds> {
    let text = std::fs::read_to_string(path(dir, key_id, serial)).ok()?;
    decode(&text, key_id, serial, now)
}

/// Keeps `session` in `dir` for later runs (atomically, 0600).
pub fn write(dir: &Path, key_id: &str, serial: &str, session: &Creds) -> Result<(), StoreError> {
    crate::store::private_dir::ensure(dir)?;
    let path = path(dir, key_id, serial);
    crate::store::write_atomic(&path, encode(key_id, serial, session).as_bytes()).map_err(
        |source| StoreError::Io {
            path,
            action: "write the MFA session",
            source,
        },
    )
}

/// A kept session as text (a file's or a vault item's), bound to the key
/// and the device that made it.
pub fn encode(key_id: &str, serial: &str, session: &Creds) -> String {
    json!({
        "Version": VERSION,
        "SourceAccessKeyId": key_id,
        "SerialNumber": serial,
        "Credentials": {
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key.expose(),
            "SessionToken": session.session_token.as_ref().map(|t| t.expose()),
            "Expiration": session.expiration.map(crate::isotime::format),
        },
    })
    .to_string()
}

/// The session in `text` when it was made with `key_id` and `serial` and
/// is still fresh; anything not of the shape written by [`encode`] and
/// issued by STS is no session.
pub fn decode(text: &str, key_id: &str, serial: &str, now: SystemTime) -> Option<Creds> {
    let body: Value = serde_json::from_str(text).ok()?;
    let bound = body.get("Version")?.as_u64()? == VERSION
        && body.get("SourceAccessKeyId")?.as_str()? == key_id
        && body.get("SerialNumber")?.as_str()? == serial;
    if !bound {
        return None;
    }
    super::cache::fresh_credentials(body.get("Credentials")?, now)
        .filter(|creds| creds.session_token.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    const KEY: &str = "AKIAEXAMPLE000000001";
    const SERIAL: &str = "arn:aws:iam::123456789012:mfa/tanaka";

    fn session(lasting: Duration) -> Creds {
        Creds {
            access_key_id: "ASIAEXAMPLE000000001".into(),
            secret_access_key: Secret::new("sessionSecretExample0000000000000000000"),
            session_token: Some(Secret::new("sessionTokenExample")),
            expiration: Some(SystemTime::now() + lasting),
        }
    }

    #[test]
    fn a_session_is_read_back_only_for_its_key_and_device_while_fresh() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("sessions");
        let now = SystemTime::now();
        write(&dir, KEY, SERIAL, &session(Duration::from_secs(7200))).unwrap();
        let file = path(&dir, KEY, SERIAL);
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let back = read(&dir, KEY, SERIAL, now).expect("fresh");
        assert_eq!(back.access_key_id, "ASIAEXAMPLE000000001");
        assert_eq!(back.session_token.unwrap().expose(), "sessionTokenExample");
        assert!(read(&dir, "AKIAEXAMPLE000000002", SERIAL, now).is_none());
        assert!(read(&dir, KEY, "arn:aws:iam::123456789012:mfa/other", now).is_none());
        // Within 15 minutes of its end it is not handed out.
        assert!(read(&dir, KEY, SERIAL, now + Duration::from_secs(7200 - 899)).is_none());
        assert!(read(&dir, KEY, SERIAL, now + Duration::from_secs(7200 - 901)).is_some());
    }

    #[test]
    fn an_entry_copied_under_another_name_or_tampered_with_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let now = SystemTime::now();
        write(dir, KEY, SERIAL, &session(Duration::from_secs(7200))).unwrap();
        let text = std::fs::read_to_string(path(dir, KEY, SERIAL)).unwrap();
        let other = "AKIAEXAMPLE000000002";
        std::fs::write(path(dir, other, SERIAL), &text).unwrap();
        assert!(read(dir, other, SERIAL, now).is_none(), "bound to its key");
        let unshaped = text.replace("ASIAEXAMPLE000000001", "ASIA\\u001b[2J");
        std::fs::write(path(dir, KEY, SERIAL), unshaped).unwrap();
        assert!(read(dir, KEY, SERIAL, now).is_none(), "values are checked");
        let no_token = text.replace("\"SessionToken\"", "\"Other\"");
        std::fs::write(path(dir, KEY, SERIAL), no_token).unwrap();
        assert!(
            read(dir, KEY, SERIAL, now).is_none(),
            "a session has a token"
        );
        std::fs::write(path(dir, KEY, SERIAL), "{").unwrap();
        assert!(read(dir, KEY, SERIAL, now).is_none());
    }
}
