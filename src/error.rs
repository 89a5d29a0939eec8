//! The error every command returns, and the exit code each kind maps to.
//! The code follows from the error's type here, in one place: commands
//! never choose a code for an error.

use crate::chain::ChainError;
use crate::profiles::{LoadError, ProfileFiles};
use crate::store::StoreError;
use std::path::PathBuf;

pub mod exit {
    pub const OK: i32 = 0;
    /// verify: an outcome contradicts its expectation; lint: errors found.
    pub const FAILED: i32 = 1;
    /// Bad command line, bad file content, unknown profile or backup.
    pub const USAGE: i32 = 2;
    /// AWS refused or could not be reached (verify: checks ended in error).
    pub const AWS: i32 = 3;
    /// The file system refused: permissions, lock held, disk.
    pub const IO: i32 = 4;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command-line input, or input the user must supply differently
    /// (no terminal for a prompt: pass the value by flag).
    #[error("{0}")]
    Usage(String),
    /// Bad content in a file; the message names the file and line.
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file the user named (a plan, an input) could not be read.
    #[error("{}: cannot {action}: {source}", .path.display())]
    File {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// AWS refused or could not be reached; the message names the hop.
    #[error("{0}")]
    Aws(String),
    /// `exec` could not start its command: 127 not found, 126 not
    /// executable, as a shell answers.
    #[error("{message}")]
    Exec { code: i32, message: String },
    /// The vault: a store that is absent or locked (exit 4, with what to
    /// do), or an item that cannot be believed (exit 2).
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) => exit::USAGE,
            Error::Load(LoadError::Io { .. }) => exit::IO,
            Error::Load(_) => exit::USAGE,
            Error::Store(
                StoreError::NoSuchBackup { .. }
                | StoreError::Tampered { .. }
                | StoreError::BadBackup { .. }
                | StoreError::OtherPaths { .. },
            ) => exit::USAGE,
            Error::Store(_) | Error::File { .. } => exit::IO,
            Error::Aws(_) => exit::AWS,
            Error::Exec { code, .. } => *code,
            Error::Vault(crate::vault::VaultError::Unavailable(_)) => exit::IO,
            Error::Vault(crate::vault::VaultError::Corrupt(_)) => exit::USAGE,
        }
    }

    /// A chain that cannot be built, with the file:line of its cause.
    pub fn chain(files: &ProfileFiles, err: ChainError) -> Error {
        // One not-found message everywhere, naming both files.
        match &err.kind {
            crate::chain::ChainErrorKind::ProfileNotFound { name, .. } => {
                return Error::unknown_profile(files, name)
            }
            crate::chain::ChainErrorKind::NoProfiles => {
                return Error::Usage(format!(
                    "{}no profiles in {} or {}; create one with `awsprof profile configure NAME`",
                    crate::commands::named_by_variable(&err.profile),
                    files.config.path.display(),
                    files.credentials.path.display()
                ))
            }
            _ => {}
        }
        match err.origin {
            Some(origin) => Error::Config(format!("{}: {err}", files.origin_path(origin))),
            None => Error::Config(err.to_string()),
        }
    }

    /// A profile neither file defines, with the closest names.
    pub fn unknown_profile(files: &ProfileFiles, name: &str) -> Error {
        let close = files.closest_profiles(name);
        let hint = if close.is_empty() {
            "`awsprof profile list` shows the profiles".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        Error::Usage(format!(
            "{}profile `{name}` not found in {} or {}; {hint}",
            crate::commands::named_by_variable(name),
            files.config.path.display(),
            files.credentials.path.display()
        ))
    }
}

impl From<crate::aws::RunError> for Error {
    fn from(e: crate::aws::RunError) -> Error {
        if e.error.needs_input() {
            Error::Usage(e.to_string())
        } else {
            Error::Aws(e.to_string())
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
