//! The error every command returns, and the exit code each kind maps to.

use crate::profiles::LoadError;
use crate::store::StoreError;

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
    /// Bad command-line input.
    #[error("{0}")]
    Usage(String),
    /// Bad content in a file; the message names the file and line.
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// AWS refused or could not be reached; the message names the hop.
    #[error("{0}")]
    Aws(String),
    /// The command printed its own report; only the exit code is left.
    #[error("exit code {0}")]
    Exit(i32),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) => exit::USAGE,
            Error::Load(LoadError::Io { .. }) => exit::IO,
            Error::Load(_) => exit::USAGE,
            Error::Store(StoreError::NoSuchBackup { .. } | StoreError::Tampered { .. }) => {
                exit::USAGE
            }
            Error::Store(_) => exit::IO,
            Error::Aws(_) => exit::AWS,
            Error::Exit(code) => *code,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
