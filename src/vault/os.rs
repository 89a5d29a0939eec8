//! The OS secret store through the `keyring` crate: Secret Service over
//! D-Bus on Linux, the Keychain on macOS, the Credential Manager on
//! Windows. One item per profile, under the service `awsprof`.

use super::{KeyStore, StoreKind, VaultError, SERVICE};

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

    fn put_text(&self, item: &str, text: &str) -> Result<(), VaultError> {
        Self::entry(item)?.set_password(text).map_err(unavailable)
    }

    fn get_text(&self, item: &str) -> Result<Option<String>, VaultError> {
        match Self::entry(item)?.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn place(&self, item: &str) -> String {
        format!("the OS secret store's item {SERVICE}/{item}")
    }

    fn delete_one(&self, item: &str) -> Result<bool, VaultError> {
        match Self::entry(item)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}
