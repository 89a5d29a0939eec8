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

/// The MFA session kept beside `item`, when it was made with `key_id`
/// and `serial` and is still fresh. A store that cannot be asked has no
/// session: the code is asked for again.
pub fn read_session(item: &str, store: Option<&str>, key_id: &str, serial: &str) -> Option<Creds> {
    let store = open_named(store).ok()?;
    let text = store
        .get_text(&crate::vault::mfa_session_item(item))
        .ok()??;
    super::mfa_session::decode(&text, key_id, serial, std::time::SystemTime::now())
}

/// Keeps `session` beside `item` in its store.
pub fn write_session(
    item: &str,
    store: Option<&str>,
    key_id: &str,
    serial: &str,
    session: &Creds,
) -> Result<(), crate::vault::VaultError> {
    open_named(store)?.put_text(
        &crate::vault::mfa_session_item(item),
        &super::mfa_session::encode(key_id, serial, session),
    )
}
