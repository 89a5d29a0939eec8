//! A vault-held base: the keys read from the store in-process, as
//! `awsprof vault get ITEM` would hand them out.

use super::errors::CallError;
use super::Creds;
use crate::vault::open_named;

pub fn failed(message: &str) -> CallError {
    CallError {
        code: "VaultUnavailable".into(),
        message: message.to_string(),
    }
}

/// The keys of `item` in the store named (`os`, `file`), else the default.
pub fn read(item: &str, store: Option<&str>) -> Result<Creds, CallError> {
    let store = open_named(store).map_err(|e| failed(&e.to_string()))?;
    match store.get(item).map_err(|e| failed(&e.to_string()))? {
        Some(key) => Ok(Creds {
            access_key_id: key.access_key_id,
            secret_access_key: key.secret_access_key,
            session_token: None,
            expiration: None,
        }),
        None => Err(CallError {
            code: "VaultItemMissing".into(),
            message: format!(
                "the {} store has no item `{item}`; `awsprof lint` shows which profiles name it",
                store.kind().name()
            ),
        }),
    }
}
