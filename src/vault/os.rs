//! The OS secret store through the `keyring` crate: Secret Service over
//! D-Bus on Linux, the Keychain on macOS, the Credential Manager on
//! Windows. One item per profile, under the service `awsprof`.

use super::{KeyStore, StoreKind, StoredKey, VaultError, SERVICE};

pub struct OsStore;

impl Default for OsStore {
    fn default() -> Self {
        OsStore::new()
    }
}

fn unavailable(e: keyring::Error) -> VaultError {
    VaultError::Unavailable(format!(
        "the OS secret store did not answer ({e}); unlock it, or use the encrypted file store (--store file)"
    ))
}

impl OsStore {
    pub fn new() -> OsStore {
        OsStore
    }

    fn entry(item: &str) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(SERVICE, item).map_err(unavailable)
    }

    /// Whether a store answers: a lookup of an item that is not there
    /// comes back "no entry" from a working store.
    pub fn answers(&self) -> bool {
        matches!(
            Self::entry("awsprof-probe").map(|e| e.get_password()),
            Ok(Ok(_)) | Ok(Err(keyring::Error::NoEntry))
        )
    }
}

impl KeyStore for OsStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Os
    }

    fn put(&self, item: &str, key: &StoredKey) -> Result<(), VaultError> {
        Self::entry(item)?
            .set_password(&key.to_json())
            .map_err(unavailable)
    }

    fn get(&self, item: &str) -> Result<Option<StoredKey>, VaultError> {
        match Self::entry(item)?.get_password() {
            Ok(text) => StoredKey::from_json(&text).map(Some).ok_or_else(|| {
                VaultError::Corrupt(format!(
                    "the OS secret store's item {SERVICE}/{item} is not an access key awsprof stored"
                ))
            }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn delete(&self, item: &str) -> Result<bool, VaultError> {
        match Self::entry(item)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}
