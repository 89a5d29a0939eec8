//! The encrypted file store, for machines without an OS secret store
//! (servers, WSL, containers): one age file per item, 0600 in a 0700
//! directory under awsprof's state. Items are encrypted to the store's
//! own X25519 key, which is kept in `identity.age` encrypted to the
//! passphrase: so the passphrase's slow key derivation is paid once per
//! use, or once per login session after `vault unlock` (see `unlock`).
//! Items written by earlier versions, encrypted to the passphrase itself,
//! are still read.

use super::{unlock, KeyStore, StoreKind, VaultError};
use age::secrecy::{ExposeSecret, SecretString};
use age::x25519::Identity;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The variable that hands the passphrase over without a prompt.
pub const PASSPHRASE_VAR: &str = "AWSPROF_VAULT_PASSPHRASE";
/// The store's key, encrypted to the passphrase. No item's file can have
/// this name: items escape `%`.
const IDENTITY_FILE: &str = "%identity.age";

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

    /// `confirm`: a new passphrase is asked twice on a terminal.
    fn passphrase(&self, confirm: bool) -> Result<SecretString, VaultError> {
        if let Some(p) = std::env::var(PASSPHRASE_VAR).ok().filter(|p| !p.is_empty()) {
            return Ok(p.into());
        }
        let missing = || {
            VaultError::Unavailable(format!(
                "the encrypted file store needs its passphrase: run on a terminal, or set {PASSPHRASE_VAR}"
            ))
        };
        let ask = |question: String| {
            crate::terminal::ask_secret(&question)
                .ok()
                .filter(|p| !p.is_empty())
                .ok_or_else(missing)
        };
        let shown = self.dir.display();
        if !confirm {
            return ask(format!("Passphrase of awsprof's vault in {shown}: ")).map(Into::into);
        }
        let first = ask(format!("New passphrase for awsprof's vault in {shown}: "))?;
        if ask("The same passphrase again: ".to_string())? != first {
            return Err(VaultError::Unavailable(
                "the two passphrases differ; nothing was stored".into(),
            ));
        }
        Ok(first.into())
    }

    /// The store's key: this session's unlock, else the passphrase.
    /// `create`: a store without a key gets one.
    fn identity(&self, create: bool) -> Result<Identity, VaultError> {
        crate::store::private_dir::check(&self.dir)
            .map_err(|e| VaultError::Corrupt(e.to_string()))?;
        match unlock::read(&self.dir, SystemTime::now())? {
            Some(identity) => Ok(identity),
            None => self.identity_by_passphrase(create),
        }
    }

    fn identity_by_passphrase(&self, create: bool) -> Result<Identity, VaultError> {
        let path = self.dir.join(IDENTITY_FILE);
        let sealed = match std::fs::read(&path) {
            Ok(sealed) => sealed,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                return self.create_identity(&path)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::Unavailable(format!(
                    "the encrypted file store in {} holds no key yet: `awsprof vault move NAME --store file` makes it",
                    self.dir.display()
                )))
            }
            Err(e) => return Err(io(&path, "read")(e)),
        };
        let text = open_with_passphrase(&path, &sealed, self.passphrase(false)?)?;
        text.trim()
            .parse::<Identity>()
            .map_err(|_| VaultError::Corrupt(format!("{}: not a key awsprof made", path.display())))
    }

    fn create_identity(&self, path: &Path) -> Result<Identity, VaultError> {
        crate::store::private_dir::ensure(&self.dir)
            .map_err(|e| VaultError::Unavailable(e.to_string()))?;
        let identity = Identity::generate();
        let encryptor = age::Encryptor::with_user_passphrase(self.passphrase(true)?);
        let sealed = seal(
            encryptor,
            identity.to_string().expose_secret().as_bytes(),
            path,
        )?;
        // Linked into place only if no other run made a key meanwhile:
        // items encrypted to a key that was then replaced would be lost.
        let staged = self
            .dir
            .join(format!("%identity.{}.new", std::process::id()));
        crate::store::write_atomic(&staged, &sealed).map_err(io(&staged, "write"))?;
        let linked = std::fs::hard_link(&staged, path);
        crate::store::remove_durably(&staged).ok();
        match linked {
            Ok(()) => Ok(identity),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                self.identity_by_passphrase(false)
            }
            Err(e) => Err(io(path, "write")(e)),
        }
    }

    /// `vault unlock`: the passphrase asked once, the key kept for this
    /// login session until `lasting` from now.
    pub fn unlock(&self, lasting: Duration) -> Result<(PathBuf, SystemTime), VaultError> {
        let identity = self.identity_by_passphrase(false)?;
        unlock::write(&self.dir, &identity, SystemTime::now(), lasting)
    }

    /// `vault lock`: whether the store was unlocked.
    pub fn lock(&self) -> Result<bool, VaultError> {
        unlock::remove(&self.dir)
    }
}

fn file_name(item: &str) -> String {
    item.replace('%', "%25").replace('/', "%2F")
}

fn io(path: &Path, action: &'static str) -> impl Fn(std::io::Error) -> VaultError {
    let path = path.display().to_string();
    move |e| VaultError::Unavailable(format!("{path}: cannot {action}: {e}"))
}

fn seal(encryptor: age::Encryptor, plain: &[u8], path: &Path) -> Result<Vec<u8>, VaultError> {
    let mut sealed = Vec::new();
    let mut writer = encryptor
        .wrap_output(&mut sealed)
        .map_err(io(path, "encrypt"))?;
    writer
        .write_all(plain)
        .and_then(|()| writer.finish().map(drop))
        .map_err(io(path, "encrypt"))?;
    Ok(sealed)
}

fn open_with(
    path: &Path,
    decryptor: age::Decryptor<&[u8]>,
    identity: &dyn age::Identity,
) -> Result<String, VaultError> {
    let mut reader = decryptor.decrypt(std::iter::once(identity)).map_err(|e| {
        VaultError::Unavailable(format!(
            "{}: cannot decrypt ({e}); is {PASSPHRASE_VAR} the passphrase it was stored with?",
            path.display()
        ))
    })?;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| VaultError::Corrupt(format!("{}: {e}", path.display())))?;
    Ok(text)
}

fn open_with_passphrase(
    path: &Path,
    sealed: &[u8],
    passphrase: SecretString,
) -> Result<String, VaultError> {
    let decryptor = age::Decryptor::new(sealed)
        .map_err(|e| VaultError::Corrupt(format!("{}: {e}", path.display())))?;
    let mut identity = age::scrypt::Identity::new(passphrase);
    // age bounds the work factor it accepts by one wall-clock timing of a
    // millisecond's scrypt: a stall there (seen in CI) refused awsprof's
    // own file, written a moment before. 2^22 is age's own safe bound.
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    open_with(path, decryptor, &identity)
}

/// The largest scrypt work factor (log2 N) a passphrase file may ask for:
/// at most 4 GiB and seconds of work, never hours.
const MAX_WORK_FACTOR: u8 = 22;

impl KeyStore for FileStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn put_text(&self, item: &str, text: &str) -> Result<(), VaultError> {
        crate::store::private_dir::ensure(&self.dir)
            .map_err(|e| VaultError::Unavailable(e.to_string()))?;
        let path = self.path(item);
        let recipient = self.identity(true)?.to_public();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
            .map_err(|e| VaultError::Unavailable(format!("{}: {e}", path.display())))?;
        let sealed = seal(encryptor, text.as_bytes(), &path)?;
        crate::store::write_atomic(&path, &sealed).map_err(io(&path, "write"))
    }

    fn get_text(&self, item: &str) -> Result<Option<String>, VaultError> {
        let path = self.path(item);
        let Some(sealed) =
            crate::store::if_exists(std::fs::read(&path)).map_err(io(&path, "read"))?
        else {
            return Ok(None);
        };
        let corrupt = |why: String| VaultError::Corrupt(format!("{}: {why}", path.display()));
        let decryptor = age::Decryptor::new(&sealed[..]).map_err(|e| corrupt(e.to_string()))?;
        let text = if decryptor.is_scrypt() {
            open_with_passphrase(&path, &sealed, self.passphrase(false)?)?
        } else {
            open_with(&path, decryptor, &self.identity(false)?)?
        };
        Ok(Some(text))
    }

    fn place(&self, item: &str) -> String {
        self.path(item).display().to_string()
    }

    fn contains(&self, item: &str) -> Result<bool, VaultError> {
        Ok(self.path(item).exists())
    }

    fn delete_one(&self, item: &str) -> Result<bool, VaultError> {
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
    use super::*;
    use crate::vault::StoredKey;

    #[test]
    fn items_encrypted_to_the_passphrase_by_earlier_versions_are_still_read() {
        let tmp = tempfile::tempdir().unwrap();
        let store = FileStore {
            dir: tmp.path().join("vault"),
        };
        let passphrase = "an earlier version's passphrase";
        let key = StoredKey {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: crate::secret::Secret::new(
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
        };
        crate::store::private_dir::ensure(&store.dir).unwrap();
        let encryptor = age::Encryptor::with_user_passphrase(passphrase.to_string().into());
        let path = store.path("old");
        std::fs::write(
            &path,
            seal(encryptor, key.to_json().as_bytes(), &path).unwrap(),
        )
        .unwrap();
        // The only test of this module that reads the variable.
        std::env::set_var(PASSPHRASE_VAR, passphrase);
        assert_eq!(store.get("old").unwrap(), Some(key.clone()));
        // New items go to the store's own key, made on the first write.
        store.put("new", &key).unwrap();
        assert!(store.dir.join(IDENTITY_FILE).exists());
        assert_eq!(store.get("new").unwrap(), Some(key));
        let sealed = std::fs::read(store.path("new")).unwrap();
        assert!(!age::Decryptor::new(&sealed[..]).unwrap().is_scrypt());
    }

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
