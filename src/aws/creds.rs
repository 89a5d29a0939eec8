//! Credentials in hand, never printed.

use crate::secret::Secret;
use std::time::SystemTime;

#[derive(Clone, Debug)]
pub struct Creds {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    pub expiration: Option<SystemTime>,
}

impl Creds {
    pub fn to_sdk(&self) -> aws_credential_types::Credentials {
        aws_credential_types::Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.expose().to_string(),
            self.session_token.as_ref().map(|t| t.expose().to_string()),
            self.expiration,
            "awsprof",
        )
    }

    /// The credentials as the export formats take them.
    pub fn exported(&self) -> crate::export::Exported<'_> {
        crate::export::Exported {
            access_key_id: &self.access_key_id,
            secret_access_key: self.secret_access_key.expose(),
            session_token: self.session_token.as_ref().map(|t| t.expose()),
            expiration: self.expiration,
        }
    }

    pub fn from_sdk(c: &aws_credential_types::Credentials) -> Creds {
        Creds {
            access_key_id: c.access_key_id().to_string(),
            secret_access_key: Secret::new(c.secret_access_key()),
            session_token: c.session_token().map(Secret::new),
            expiration: c.expiry(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let c = Creds {
            access_key_id: "AKIA".into(),
            secret_access_key: Secret::new("very-secret"),
            session_token: Some(Secret::new("session-tok")),
            expiration: None,
        };
        let shown = format!("{c:?} {:?}", c.to_sdk());
        assert!(
            !shown.contains("very-secret") && !shown.contains("session-tok"),
            "{shown}"
        );
    }
}
