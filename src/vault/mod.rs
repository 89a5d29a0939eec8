//! Where long-term access keys live outside the credentials file: one
//! trait, two stores (the OS secret store through `keyring`, and an
//! age-encrypted file per item for machines without one). Nothing here
//! prints a secret; `Debug` of a stored key is redacted.

mod file;
mod os;
mod unlock;

pub use file::FileStore;
pub use os::OsStore;

use crate::secret::Secret;
use serde_json::{json, Value};

/// The service name items are kept under in the OS store.
pub const SERVICE: &str = "awsprof";
/// The variable that chooses the store when no flag does.
pub const STORE_VAR: &str = "AWSPROF_VAULT_STORE";

/// The item the MFA session made with `item`'s key is kept in.
pub fn mfa_session_item(item: &str) -> String {
    format!("{item}.mfa-session")
}

/// A long-term access key as the vault keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field(
                "access_key_id",
                &crate::secret::mask_key_id(&self.access_key_id),
            )
            .field("secret_access_key", &"****")
            .finish()
    }
}

impl StoredKey {
    pub fn to_json(&self) -> String {
        json!({
            "Version": 1,
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key.expose(),
        })
        .to_string()
    }

    /// A stored item, checked: the values must have the shape AWS issues.
    pub fn from_json(text: &str) -> Option<StoredKey> {
        let v: Value = serde_json::from_str(text).ok()?;
        let key = StoredKey {
            access_key_id: v["AccessKeyId"].as_str()?.to_string(),
            secret_access_key: Secret::new(v["SecretAccessKey"].as_str()?),
        };
        let shaped = crate::profiles::values::check_access_key_id(&key.access_key_id).is_ok()
            && crate::profiles::values::check_secret_text(key.secret_access_key.expose()).is_ok();
        shaped.then_some(key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Os,
    File,
}

impl StoreKind {
    pub fn name(self) -> &'static str {
        match self {
            StoreKind::Os => "os",
            StoreKind::File => "file",
        }
    }

    pub fn parse(text: &str) -> Option<StoreKind> {
        match text {
            "os" => Some(StoreKind::Os),
            "file" => Some(StoreKind::File),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The store cannot be reached or is locked: what to do is said.
    #[error("{0}")]
    Unavailable(String),
    /// An item that is there but cannot be believed.
    #[error("{0}")]
    Corrupt(String),
}

/// One place keys are kept, by item name (the profile that holds them).
/// An item holds text: an access key's JSON, or the MFA session made
/// with that key (`ITEM.mfa-session`).
pub trait KeyStore {
    fn kind(&self) -> StoreKind;
    fn put_text(&self, item: &str, text: &str) -> Result<(), VaultError>;
    fn get_text(&self, item: &str) -> Result<Option<String>, VaultError>;
    /// Where `item` is, for messages: `the OS secret store's item awsprof/x`.
    fn place(&self, item: &str) -> String;

    fn put(&self, item: &str, key: &StoredKey) -> Result<(), VaultError> {
        self.put_text(item, &key.to_json())
    }

    fn get(&self, item: &str) -> Result<Option<StoredKey>, VaultError> {
        match self.get_text(item)? {
            None => Ok(None),
            Some(text) => StoredKey::from_json(&text).map(Some).ok_or_else(|| {
                VaultError::Corrupt(format!(
                    "{} is not an access key awsprof stored",
                    self.place(item)
                ))
            }),
        }
    }

    /// Whether there was an item to delete.
    fn delete_one(&self, item: &str) -> Result<bool, VaultError>;

    /// Deletes `item` and the MFA session kept beside it: a session
    /// outliving its key's item would be a secret nobody looks after.
    fn delete(&self, item: &str) -> Result<bool, VaultError> {
        self.delete_one(&mfa_session_item(item))?;
        self.delete_one(item)
    }
    /// Writes `key` as `item` and reads it back: a store that does not
    /// give the same key back has not kept it.
    fn put_verified(&self, item: &str, key: &StoredKey) -> Result<(), VaultError> {
        self.put(item, key)?;
        match self.get(item)? {
            Some(read) if read == *key => Ok(()),
            _ => Err(VaultError::Unavailable(format!(
                "the {} store did not give back the key just stored as `{item}`",
                self.kind().name()
            ))),
        }
    }

    /// Whether the item exists, without reading its secret where the
    /// store allows (the file store asks for no passphrase).
    fn contains(&self, item: &str) -> Result<bool, VaultError> {
        self.get(item).map(|k| k.is_some())
    }
}

/// The store a vault line names (`--store os|file`), else the default:
/// the name is read back from a file, so an unknown one is an error, not
/// a quiet fall back to another store.
pub fn open_named(name: Option<&str>) -> Result<Box<dyn KeyStore>, VaultError> {
    let kind = name
        .map(|name| {
            StoreKind::parse(name).ok_or_else(|| {
                VaultError::Corrupt(format!(
                    "vault store `{name}`: not a store; use os (the OS secret store) or file (an encrypted file)"
                ))
            })
        })
        .transpose()?;
    open(kind)
}

/// The store `kind` names, or with none given the one `AWSPROF_VAULT_STORE`
/// names, else the OS store when one answers. Never plaintext.
pub fn open(kind: Option<StoreKind>) -> Result<Box<dyn KeyStore>, VaultError> {
    let from_env = std::env::var(STORE_VAR).ok().filter(|v| !v.is_empty());
    let kind = match (kind, from_env) {
        (Some(kind), _) => Some(kind),
        (None, Some(name)) => Some(StoreKind::parse(&name).ok_or_else(|| {
            VaultError::Unavailable(format!(
                "{STORE_VAR}={name}: not a store; use os (the OS secret store) or file (an encrypted file)"
            ))
        })?),
        (None, None) => None,
    };
    match kind {
        Some(StoreKind::Os) => Ok(Box::new(OsStore::new())),
        Some(StoreKind::File) => Ok(Box::new(FileStore::locate())),
        None => {
            let os = OsStore::new();
            if os.answers() {
                Ok(Box::new(os))
            } else {
                Err(VaultError::Unavailable(format!(
                    "no OS secret store answers here (no Secret Service on the session bus); use the encrypted file store: pass --store file or set {STORE_VAR}=file"
                )))
            }
        }
    }
}
