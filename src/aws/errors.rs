//! An SDK error as an AWS code and a one-line message.

use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The AWS error code, or a name for a failure that has none
    /// (`NetworkError`, `Timeout`).
    pub code: String,
    pub message: String,
}

/// The code of a failure that only the user can fix by passing a value
/// (an MFA code with no terminal to ask on): a usage error, not AWS's.
pub const MFA_CODE_REQUIRED: &str = "MfaCodeRequired";
/// An SSO profile with no cached sign-in, or one that ended and cannot be
/// refreshed: only `sso login` helps (exit 2).
pub const SSO_LOGIN_REQUIRED: &str = "SsoLoginRequired";
/// A `credential_process` that is awsprof, refusing its configuration
/// (its exit 2): a configuration error here too, not AWS's answer.
pub const PROCESS_CONFIGURATION: &str = "CredentialProcessConfiguration";

impl CallError {
    /// Whether AWS never answered (DNS, connect, timeout): "could not
    /// reach", not "refused".
    pub fn unreachable(&self) -> bool {
        matches!(self.code.as_str(), "NetworkError" | "Timeout")
    }

    /// For a call that never reached AWS: the same, saying which
    /// endpoint could not be reached.
    pub fn at_endpoint(self, service: &str, endpoint: &str) -> Self {
        if !self.unreachable() {
            return self;
        }
        Self {
            message: format!("could not reach {service} at {endpoint}: {}", self.message),
            ..self
        }
    }

    /// Whether the user must change the input or configuration (exit 2),
    /// rather than AWS having refused (exit 3).
    pub fn needs_input(&self) -> bool {
        [MFA_CODE_REQUIRED, PROCESS_CONFIGURATION, SSO_LOGIN_REQUIRED].contains(&self.code.as_str())
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

pub fn describe<E>(e: &SdkError<E, HttpResponse>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if let SdkError::ServiceError(service) = e {
        let err = service.err();
        if let Some(code) = err.code() {
            return CallError {
                code: code.to_string(),
                message: err.message().unwrap_or_default().to_string(),
            };
        }
        // Some servers wrap a query-protocol error the EC2 way
        // (`<Errors><Error>`), which the SDK's parser does not read.
        if let Some(found) = service.raw().body().bytes().and_then(code_from_xml) {
            return found;
        }
    }
    let code = match e {
        SdkError::TimeoutError(_) => "Timeout",
        SdkError::DispatchFailure(_) => "NetworkError",
        SdkError::ConstructionFailure(_) => "InvalidRequest",
        _ => "UnknownError",
    };
    CallError {
        code: code.to_string(),
        message: error_chain(e),
    }
}

/// Each cause's own message, outermost first, without repeats:
/// `dispatch failure: tcp connect error: Connection refused (os error 111)`.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.retain(|p| !text.contains(p.as_str()));
            parts.push(text);
        }
        current = err.source();
    }
    parts.join(": ")
}

/// The first `<Code>` and `<Message>` of an XML error body.
fn code_from_xml(body: &[u8]) -> Option<CallError> {
    let text = std::str::from_utf8(body).ok()?;
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = start + text[start..].find(&format!("</{name}>"))?;
        Some(text[start..end].trim().to_string())
    };
    Some(CallError {
        code: element("Code").filter(|c| !c.is_empty())?,
        message: element("Message").unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_nested_error_body() {
        let body = br#"<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>not authorized</Message></Error></Errors></ErrorResponse>"#;
        let e = code_from_xml(body).unwrap();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("AccessDenied", "not authorized")
        );
        assert!(code_from_xml(b"<html>oops</html>").is_none());
    }
}
