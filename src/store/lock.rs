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

/// How often a held lock is tried again.
const POLL: Duration = Duration::from_millis(20);

/// Locks `real_target` through its lock file under `state_root`, waiting
/// up to `wait` for another holder to let go.
pub fn acquire(
    state_root: &Path,
    real_target: &Path,
    wait: Duration,
) -> Result<FileLock, StoreError> {
    let path = lock_path_in(state_root, real_target);
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
        // (std opens every file close-on-exec already.)
        .custom_flags(libc::O_NOFOLLOW)
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
            Err(TryLockError::WouldBlock) => {
                match deadline.checked_duration_since(Instant::now()) {
                    Some(left) => std::thread::sleep(left.min(POLL)),
                    None => {
                        return Err(StoreError::LockTimeout {
                            path,
                            seconds: wait.as_secs(),
                        })
                    }
                }
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
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("credentials-") && name.ends_with(".lock"),
            "{name}"
        );
        // Relative to the working directory, the same file as its absolute path.
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            lock_path_in(&state, Path::new("credentials")),
            lock_path_in(&state, &cwd.join("credentials"))
        );
    }

    #[test]
    fn the_lock_file_name_keeps_only_plain_characters_of_the_file_name() {
        let tmp = tempfile::tempdir().unwrap();
        let path = lock_path_in(tmp.path(), &tmp.path().join("my creds é.x-y_z"));
        let name = path.file_name().unwrap().to_str().unwrap();
        let (kept, hash) = name
            .strip_suffix(".lock")
            .unwrap()
            .rsplit_once('-')
            .unwrap();
        assert_eq!(kept, "mycreds.x-y_z");
        assert_eq!(hash.len(), 16);
        let long = lock_path_in(tmp.path(), &tmp.path().join("c".repeat(100)));
        let name = long.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 64 + "-".len() + 16 + ".lock".len());
    }

    fn target(tmp: &tempfile::TempDir) -> (PathBuf, PathBuf) {
        let state = tmp.path().join("state");
        let credentials = tmp.path().join("credentials");
        (state, credentials)
    }

    #[test]
    fn a_held_lock_is_waited_for_and_then_taken() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let (state, credentials) = target(&tmp);
        let held = acquire(&state, &credentials, Duration::ZERO).unwrap();
        assert_eq!(held.path, lock_path_in(&state, &credentials));
        let mode = std::fs::metadata(&held.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let started = Instant::now();
        let err = acquire(&state, &credentials, Duration::from_millis(100)).unwrap_err();
        assert!(
            matches!(&err, StoreError::LockTimeout { path, .. } if *path == held.path),
            "{err}"
        );
        assert!(started.elapsed() >= Duration::from_millis(100));

        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            drop(held);
        });
        let started = Instant::now();
        let taken = acquire(&state, &credentials, Duration::from_secs(10)).unwrap();
        assert!(started.elapsed() >= Duration::from_millis(100));
        release.join().unwrap();
        drop(taken);
    }

    #[test]
    fn a_lock_file_that_is_a_link_a_fifo_or_someone_elses_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, credentials) = target(&tmp);
        let path = lock_path_in(&state, &credentials);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();

        let elsewhere = tmp.path().join("elsewhere");
        std::fs::write(&elsewhere, "").unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        let err = acquire(&state, &credentials, Duration::ZERO).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Io {
                    action: "create the lock file",
                    ..
                }
            ),
            "{err}"
        );
        std::fs::remove_file(&path).unwrap();

        let fifo = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let err = acquire(&state, &credentials, Duration::ZERO).unwrap_err();
        assert!(matches!(err, StoreError::UnsafeDir { .. }), "{err}");
        std::fs::remove_file(&path).unwrap();

        std::fs::write(&path, "").unwrap();
        if std::os::unix::fs::chown(&path, Some(private_dir::own_uid() + 1), None).is_ok() {
            let err = acquire(&state, &credentials, Duration::ZERO).unwrap_err();
            assert!(matches!(err, StoreError::UnsafeDir { .. }), "{err}");
        }
    }
}
