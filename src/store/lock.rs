//! An exclusive advisory lock, held in a file beside the target.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::atomic::{create_private_dir, NEW_FILE_MODE};
use super::StoreError;

/// Held until dropped.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    pub path: PathBuf,
}

/// The lock file for a (real, symlink-resolved) target path.
pub fn lock_path(real_target: &Path) -> PathBuf {
    let name = real_target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    real_target.with_file_name(format!(".{name}.awsprof.lock"))
}

pub fn acquire(real_target: &Path, wait: Duration) -> Result<FileLock, StoreError> {
    let path = lock_path(real_target);
    let io_err = |source| StoreError::Io {
        path: path.clone(),
        action: "create the lock file",
        source,
    };
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        create_private_dir(dir).map_err(io_err)?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(NEW_FILE_MODE)
        .open(&path)
        .map_err(io_err)?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(FileLock { _file: file, path }),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::LockTimeout {
                    path,
                    seconds: wait.as_secs(),
                })
            }
            Err(TryLockError::Error(source)) => {
                return Err(StoreError::Io {
                    path,
                    action: "lock",
                    source,
                })
            }
        }
    }
}
