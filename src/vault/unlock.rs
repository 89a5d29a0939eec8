//! The file store's key, kept for the rest of a login session after
//! `awsprof vault unlock`, so that the passphrase (and its deliberately
//! slow key derivation) is paid once, not on every use. It lives in
//! `$XDG_RUNTIME_DIR/awsprof/` (a per-login tmpfs that logout empties),
//! 0600 in a 0700 directory, with an expiry; what is read back is
//! believed only when private, the user's own and unexpired.

use super::VaultError;
use age::secrecy::ExposeSecret;
use age::x25519::Identity;
use serde_json::{json, Value};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The variable naming the per-login runtime directory.
pub const RUNTIME_DIR_VAR: &str = "XDG_RUNTIME_DIR";

fn runtime_dir() -> Result<PathBuf, VaultError> {
    std::env::var_os(RUNTIME_DIR_VAR)
        .filter(|v| !v.is_empty())
        .map(|dir| PathBuf::from(dir).join("awsprof"))
        .ok_or_else(|| {
            VaultError::Unavailable(format!(
                "no per-login runtime directory (${RUNTIME_DIR_VAR} is not set) to keep the unlocked vault in; the passphrase is asked on each use instead (or set AWSPROF_VAULT_PASSPHRASE)"
            ))
        })
}

/// The unlock of the store in `vault_dir` (one per store: tests and users
/// may have several state directories).
fn path(vault_dir: &Path) -> Result<PathBuf, VaultError> {
    let id = crate::store::backup::sha256_hex(vault_dir.as_os_str().as_encoded_bytes());
    Ok(runtime_dir()?.join(format!("vault-unlocked-{}", &id[..16])))
}

fn not_private(path: &Path, why: &str) -> VaultError {
    VaultError::Corrupt(format!(
        "{}: {why}; awsprof does not believe it: remove it (`awsprof vault lock`) and unlock again",
        path.display()
    ))
}

/// The key of the store in `vault_dir` when it is unlocked for this
/// session; `None` when it is not (or no longer) unlocked.
pub fn read(vault_dir: &Path, now: SystemTime) -> Result<Option<Identity>, VaultError> {
    let Ok(path) = path(vault_dir) else {
        return Ok(None);
    };
    let parent = path.parent().expect("a file in a directory");
    if !crate::store::private_dir::check(parent).map_err(|e| VaultError::Corrupt(e.to_string()))? {
        return Ok(None);
    }
    let Some(meta) = crate::store::if_exists(std::fs::symlink_metadata(&path))
        .map_err(|e| VaultError::Unavailable(format!("{}: {e}", path.display())))?
    else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Err(not_private(&path, "it is not a regular file"));
    }
    if meta.uid() != crate::store::private_dir::own_uid() || meta.mode() & 0o077 != 0 {
        return Err(not_private(&path, "others may read or write it"));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| VaultError::Unavailable(format!("{}: {e}", path.display())))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|_| not_private(&path, "it is not what awsprof wrote"))?;
    let until = v["expires"].as_str().and_then(crate::isotime::parse);
    let identity = v["identity"]
        .as_str()
        .and_then(|s| s.parse::<Identity>().ok());
    let (Some(until), Some(identity)) = (until, identity) else {
        return Err(not_private(&path, "it is not what awsprof wrote"));
    };
    if v["vault"].as_str() != Some(&vault_dir.display().to_string()) {
        return Err(not_private(&path, "it unlocks another store"));
    }
    if until <= now {
        crate::store::remove_durably(&path).ok();
        return Ok(None);
    }
    Ok(Some(identity))
}

/// Keeps `identity` for the store in `vault_dir` until `now + lasting`.
pub fn write(
    vault_dir: &Path,
    identity: &Identity,
    now: SystemTime,
    lasting: Duration,
) -> Result<(PathBuf, SystemTime), VaultError> {
    let path = path(vault_dir)?;
    let parent = path.parent().expect("a file in a directory");
    crate::store::private_dir::ensure(parent)
        .map_err(|e| VaultError::Unavailable(e.to_string()))?;
    let until = now + lasting;
    let text = json!({
        "vault": vault_dir.display().to_string(),
        "identity": identity.to_string().expose_secret(),
        "expires": crate::isotime::format(until),
    })
    .to_string();
    crate::store::write_private(&path, text.as_bytes())
        .map_err(|e| VaultError::Unavailable(format!("{}: cannot write: {e}", path.display())))?;
    Ok((path, until))
}

/// Forgets the unlock; whether there was one.
pub fn remove(vault_dir: &Path) -> Result<bool, VaultError> {
    let path = path(vault_dir)?;
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(false);
    }
    crate::store::remove_durably(&path)
        .map_err(|e| VaultError::Unavailable(format!("{}: cannot remove: {e}", path.display())))?;
    Ok(true)
}
