//! The encrypted file store, for machines without an OS secret store
//! (servers, WSL, containers): one age file per item, encrypted to a
//! passphrase, 0600 in a 0700 directory under awsprof's state.

use super::{KeyStore, StoreKind, StoredKey, VaultError};
use std::io::{Read, Write};
use std::path::PathBuf;

/// The variable that hands the passphrase over without a prompt.
pub const PASSPHRASE_VAR: &str = "AWSPROF_VAULT_PASSPHRASE";

pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    pub fn locate() -> FileStore {
        FileStore {
            dir: crate::store::private_dir::state_root().join("vault"),
        }
    }

    /// The item's file: an item is a profile name, which may hold `/`,
    /// so `%` and `/` are escaped and every item stays one file in `dir`.
    fn path(&self, item: &str) -> PathBuf {
        self.dir.join(format!("{}.age", file_name(item)))
    }

    fn passphrase(&self) -> Result<age::secrecy::SecretString, VaultError> {
        if let Some(p) = std::env::var(PASSPHRASE_VAR).ok().filter(|p| !p.is_empty()) {
            return Ok(p.into());
        }
        let question = format!("Passphrase of awsprof's vault in {}: ", self.dir.display());
        crate::terminal::ask_secret(&question)
            .ok()
            .filter(|p| !p.is_empty())
            .map(Into::into)
            .ok_or_else(|| {
                VaultError::Unavailable(format!(
                    "the encrypted file store needs its passphrase: run on a terminal, or set {PASSPHRASE_VAR}"
                ))
            })
    }
}

fn file_name(item: &str) -> String {
    item.replace('%', "%25").replace('/', "%2F")
}

fn io(path: &std::path::Path, action: &'static str) -> impl Fn(std::io::Error) -> VaultError {
    let path = path.display().to_string();
    move |e| VaultError::Unavailable(format!("{path}: cannot {action}: {e}"))
}

impl KeyStore for FileStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn put(&self, item: &str, key: &StoredKey) -> Result<(), VaultError> {
        crate::store::private_dir::ensure(&self.dir)
            .map_err(|e| VaultError::Unavailable(e.to_string()))?;
        let path = self.path(item);
        let encryptor = age::Encryptor::with_user_passphrase(self.passphrase()?);
        let mut sealed = Vec::new();
        let mut writer = encryptor
            .wrap_output(&mut sealed)
            .map_err(io(&path, "encrypt"))?;
        writer
            .write_all(key.to_json().as_bytes())
            .and_then(|()| writer.finish().map(drop))
            .map_err(io(&path, "encrypt"))?;
        crate::store::write_atomic(&path, &sealed).map_err(io(&path, "write"))
    }

    fn get(&self, item: &str) -> Result<Option<StoredKey>, VaultError> {
        let path = self.path(item);
        let sealed = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path, "read")(e)),
        };
        let corrupt = |why: String| VaultError::Corrupt(format!("{}: {why}", path.display()));
        let decryptor = age::Decryptor::new(&sealed[..]).map_err(|e| corrupt(e.to_string()))?;
        let identity = age::scrypt::Identity::new(self.passphrase()?);
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|e| {
                VaultError::Unavailable(format!(
                    "{}: cannot decrypt ({e}); is {PASSPHRASE_VAR} the passphrase it was stored with?",
                    path.display()
                ))
            })?;
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|e| corrupt(e.to_string()))?;
        StoredKey::from_json(&text)
            .map(Some)
            .ok_or_else(|| corrupt("not an access key awsprof stored".into()))
    }

    fn contains(&self, item: &str) -> Result<bool, VaultError> {
        Ok(self.path(item).exists())
    }

    fn delete(&self, item: &str) -> Result<bool, VaultError> {
        let path = self.path(item);
        if !path.exists() {
            return Ok(false);
        }
        crate::store::remove_durably(&path).map_err(io(&path, "remove"))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_item_is_one_file_in_the_store() {
        let store = super::FileStore {
            dir: "/state/vault".into(),
        };
        for (item, file) in [
            ("tanaka", "/state/vault/tanaka.age"),
            ("team/dev", "/state/vault/team%2Fdev.age"),
            ("../../etc/x", "/state/vault/..%2F..%2Fetc%2Fx.age"),
            ("..", "/state/vault/...age"),
            ("a%2Fb", "/state/vault/a%252Fb.age"),
        ] {
            assert_eq!(store.path(item), std::path::PathBuf::from(file), "{item}");
        }
    }
}
