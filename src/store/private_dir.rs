//! Directories awsprof keeps its own state in (backups, journals, locks,
//! the credential cache). What is read back from them is believed only
//! because nobody but the user can write there: each one is created 0700
//! and refused when it is a symlink, someone else's, or writable by others.

use super::StoreError;
use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

/// awsprof's state directory: `$AWSPROF_STATE_DIR`, else the user's
/// state directory (`$XDG_STATE_HOME`, `~/.local/state`) + `awsprof`.
pub fn state_root() -> PathBuf {
    state_root_of(
        std::env::var_os("AWSPROF_STATE_DIR"),
        dirs::state_dir(),
        dirs::data_local_dir(),
    )
}

/// [`state_root`] from the variable and the user's directories as given.
fn state_root_of(
    variable: Option<std::ffi::OsString>,
    state_dir: Option<PathBuf>,
    data_local_dir: Option<PathBuf>,
) -> PathBuf {
    variable
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| state_dir.map(|d| d.join("awsprof")))
        .or_else(|| data_local_dir.map(|d| d.join("awsprof")))
        .unwrap_or_else(|| PathBuf::from(".awsprof-state"))
}

/// The user this process acts for.
pub fn own_uid() -> u32 {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Why `dir` may not hold awsprof's state, or `None` when it may.
/// A missing directory is `Some` too: callers decide what missing means.
fn unsafe_because(dir: &Path) -> std::io::Result<Option<&'static str>> {
    let meta = fs::symlink_metadata(dir)?;
    Ok(if meta.file_type().is_symlink() {
        Some("it is a symbolic link; awsprof keeps its state only in a real directory")
    } else if !meta.is_dir() {
        Some("it is not a directory")
    } else if meta.uid() != own_uid() {
        Some("it belongs to another user")
    } else if meta.mode() & 0o022 != 0 {
        Some("other users can write to it; run `chmod 700` on it")
    } else {
        None
    })
}

fn refused(dir: &Path, why: &str) -> StoreError {
    StoreError::UnsafeDir {
        path: dir.to_path_buf(),
        why: why.to_string(),
    }
}

fn io(dir: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = dir.to_path_buf();
    move |source| StoreError::Io {
        path,
        action,
        source,
    }
}

/// Creates `dir` (0700, parents too) when missing, then checks it.
pub fn ensure(dir: &Path) -> Result<(), StoreError> {
    match fs::symlink_metadata(dir) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io(dir, "create the directory"))?,
        Err(e) => return Err(io(dir, "inspect the directory")(e)),
    }
    match unsafe_because(dir).map_err(io(dir, "inspect the directory"))? {
        Some(why) => Err(refused(dir, why)),
        None => Ok(()),
    }
}

/// Checks `dir` before anything in it is read: `Ok(false)` when it does
/// not exist (nothing to read), an error when it is not safe.
pub fn check(dir: &Path) -> Result<bool, StoreError> {
    match unsafe_because(dir) {
        Ok(None) => Ok(true),
        Ok(Some(why)) => Err(refused(dir, why)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io(dir, "inspect the directory")(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn created_private_and_refused_when_shared_or_linked() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        assert!(!check(&dir).unwrap());
        ensure(&dir).unwrap();
        assert!(check(&dir).unwrap());
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        let err = ensure(&dir).unwrap_err().to_string();
        assert!(err.contains("other users can write"), "{err}");
        assert!(check(&dir).is_err());
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        let err = check(&link).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert!(ensure(&link).is_err());
    }

    #[test]
    fn the_state_root_is_the_variable_else_the_users_state_directory() {
        let some = |p: &str| Some(PathBuf::from(p));
        assert_eq!(
            state_root_of(Some("/v".into()), some("/s"), some("/d")),
            PathBuf::from("/v")
        );
        assert_eq!(
            state_root_of(Some("".into()), some("/s"), some("/d")),
            PathBuf::from("/s/awsprof"),
            "an empty variable is unset"
        );
        assert_eq!(
            state_root_of(None, None, some("/d")),
            PathBuf::from("/d/awsprof")
        );
        assert_eq!(
            state_root_of(None, None, None),
            PathBuf::from(".awsprof-state")
        );
        assert_eq!(
            state_root(),
            state_root_of(
                std::env::var_os("AWSPROF_STATE_DIR"),
                dirs::state_dir(),
                dirs::data_local_dir()
            )
        );
    }

    #[test]
    fn what_is_not_a_directory_is_refused_and_other_failures_are_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        fs::write(&file, "").unwrap();
        let err = check(&file).unwrap_err().to_string();
        assert!(err.contains("it is not a directory"), "{err}");
        let err = ensure(&file).unwrap_err().to_string();
        assert!(err.contains("it is not a directory"), "{err}");
        // Below a file: neither missing nor creatable, an error that says
        // it could not look.
        let below = file.join("dir");
        let err = check(&below).unwrap_err().to_string();
        assert!(err.contains("cannot inspect the directory"), "{err}");
        let err = ensure(&below).unwrap_err().to_string();
        assert!(err.contains("cannot inspect the directory"), "{err}");
    }

    #[test]
    fn someone_elses_directory_is_refused() {
        // Root owns `/`; run as anyone else the check must refuse it, and
        // as root a directory handed to another uid must be refused.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("theirs");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(&dir, Some(own_uid() + 1), None).ok();
        if fs::metadata(&dir).unwrap().uid() != own_uid() {
            let err = check(&dir).unwrap_err().to_string();
            assert!(err.contains("another user"), "{err}");
        } else {
            assert!(check(Path::new("/")).is_err());
        }
    }
}
