//! An exclusive advisory lock per target file, held in awsprof's own
//! state directory (never beside the user's file): the lock file is named
//! after the target's canonical path, opened without following symlinks,
//! and must belong to the user.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::atomic::NEW_FILE_MODE;
use super::private_dir;
use super::StoreError;

/// Held until dropped.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    pub path: PathBuf,
}

/// The target as one path with no `..`, `.` or symlinked directories, so
/// that every spelling of the same file takes the same lock.
fn canonical(real_target: &Path) -> PathBuf {
    match (real_target.parent(), real_target.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        })
        .map(|p| p.join(name))
        .unwrap_or_else(|_| real_target.to_path_buf()),
        _ => real_target.to_path_buf(),
    }
}

/// The lock file for a (symlink-resolved) target, under `state_root`:
/// `locks/<file name>-<sha256 of the canonical path, 16 hex>.lock`.
pub fn lock_path_in(state_root: &Path, real_target: &Path) -> PathBuf {
    let canonical = canonical(real_target);
    let name: String = canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(64)
        .collect();
    let hash = super::backup::sha256_hex(canonical.as_os_str().as_encoded_bytes());
    state_root
        .join("locks")
        .join(format!("{name}-{}.lock", &hash[..16]))
}

/// [`lock_path_in`] awsprof's state directory.
pub fn lock_path(real_target: &Path) -> PathBuf {
    lock_path_in(&private_dir::state_root(), real_target)
}

pub fn acquire(real_target: &Path, wait: Duration) -> Result<FileLock, StoreError> {
    let path = lock_path(real_target);
    let io_err = |source| StoreError::Io {
        path: path.clone(),
        action: "create the lock file",
        source,
    };
    if let Some(dir) = path.parent() {
        private_dir::ensure(dir)?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(NEW_FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(&path)
        .map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() || meta.uid() != private_dir::own_uid() {
        return Err(StoreError::UnsafeDir {
            path: path.clone(),
            why: "this lock file is not a regular file of yours; remove it".into(),
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_file_takes_one_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("aws");
        std::fs::create_dir(&dir).unwrap();
        let state = tmp.path().join("state");
        let a = lock_path_in(&state, &dir.join("credentials"));
        let b = lock_path_in(&state, &dir.join("../aws/./credentials"));
        assert_eq!(a, b);
        assert!(a.starts_with(state.join("locks")));
        assert_ne!(a, lock_path_in(&state, &dir.join("config")));
    }
}
