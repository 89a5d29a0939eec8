//! An SDK error as an AWS code and a one-line message.

use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The AWS error code, or a name for a failure that has none
    /// (`NetworkError`, `Timeout`).
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

pub fn describe<E, R>(e: &SdkError<E, R>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(service) = e {
        let err = service.err();
        if let Some(code) = err.code() {
            return CallError {
                code: code.to_string(),
                message: err.message().unwrap_or_default().to_string(),
            };
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
