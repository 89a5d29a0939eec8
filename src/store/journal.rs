//! awsprof's own state: small JSON records that must outlive a crash, such
//! as an access key created but not yet written to the credentials file.
//! In `$AWSPROF_STATE_DIR`, else the user's state directory; files 0600 in
//! a 0700 directory, written atomically.

use super::atomic::{if_exists, remove_durably, write_atomic};
use super::{private_dir, StoreError};
use serde_json::Value;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Journal {
    pub dir: PathBuf,
}

impl Journal {
    pub fn locate() -> Journal {
        Journal {
            dir: private_dir::state_root().join("journal"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    fn io(&self, name: &str, action: &'static str) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = self.path(name);
        move |source| StoreError::Io {
            path,
            action,
            source,
        }
    }

    /// Records `value` under `name`, durably, before the caller goes on.
    pub fn write(&self, name: &str, value: &Value) -> Result<PathBuf, StoreError> {
        private_dir::ensure(&self.dir)?;
        let bytes = serde_json::to_vec_pretty(value).expect("JSON values serialize");
        write_atomic(&self.path(name), &bytes).map_err(self.io(name, "write"))?;
        Ok(self.path(name))
    }

    /// The record, or `None`; an unreadable one is an error (it may hold
    /// the only copy of a secret, so it is never silently dropped).
    /// Read only from a directory that is the user's alone.
    pub fn read(&self, name: &str) -> Result<Option<Value>, StoreError> {
        if !private_dir::check(&self.dir)? {
            return Ok(None);
        }
        let Some(bytes) =
            if_exists(std::fs::read(self.path(name))).map_err(self.io(name, "read"))?
        else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            self.io(name, "read")(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        })
    }

    pub fn remove(&self, name: &str) -> Result<(), StoreError> {
        remove_durably(&self.path(name)).map_err(self.io(name, "remove"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn records_are_private_and_survive_until_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let journal = Journal {
            dir: tmp.path().join("state/journal"),
        };
        std::fs::create_dir_all(tmp.path().join("state")).unwrap();
        assert_eq!(journal.read("k").unwrap(), None);
        let path = journal.write("k", &serde_json::json!({"a": 1})).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&journal.dir), 0o700);
        assert_eq!(journal.read("k").unwrap().unwrap()["a"], 1);
        journal.remove("k").unwrap();
        assert_eq!(journal.read("k").unwrap(), None);
        std::fs::set_permissions(&journal.dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(
            journal.read("k").is_err(),
            "a journal others can write is not read"
        );
    }

    #[test]
    fn records_are_named_files_in_the_state_directory() {
        assert_eq!(
            Journal::locate().dir,
            private_dir::state_root().join("journal")
        );
        let journal = Journal { dir: "/j".into() };
        assert_eq!(journal.path("rotate-x"), PathBuf::from("/j/rotate-x.json"));
    }

    #[test]
    fn a_record_that_cannot_be_read_is_an_error_not_absent() {
        let tmp = tempfile::tempdir().unwrap();
        let journal = Journal {
            dir: tmp.path().join("journal"),
        };
        private_dir::ensure(&journal.dir).unwrap();
        std::fs::create_dir(journal.path("k")).unwrap();
        assert!(journal.read("k").is_err());
        std::fs::remove_dir(journal.path("k")).unwrap();
        std::fs::write(journal.path("k"), "{ not json").unwrap();
        assert!(journal.read("k").is_err());
    }
}
