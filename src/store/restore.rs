//! Restoring a backup, and the one change that is not an edit: a file's
//! mode. Both lock and back up exactly the paths they write.

use super::backup::Manifest;
use super::{remove_durably, write_atomic, Store, StoreError};
use crate::profiles::{FileKind, Locations};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    /// The files written (or removed), in the backup's order.
    pub files: Vec<PathBuf>,
    /// The backup of the state before the restore; `None` when the files
    /// already were as the backup has them.
    pub previous: Option<Manifest>,
}

impl Manifest {
    /// The two paths this backup was taken of: a restore writes these,
    /// whatever files the current settings point at.
    pub fn locations(&self) -> Result<Locations, StoreError> {
        let path = |kind: FileKind| {
            self.files
                .iter()
                .find(|f| f.file_kind() == Some(kind))
                .map(|f| f.path.clone())
                .ok_or_else(|| StoreError::BadBackup {
                    id: self.id.clone(),
                    why: format!("its manifest names no {kind} file"),
                })
        };
        Ok(Locations {
            config: path(FileKind::Config)?,
            credentials: path(FileKind::Credentials)?,
        })
    }
}

impl Store {
    /// Puts both files back as `manifest` has them: every backed-up file
    /// is checked against its sha256 first, then under the lock of the
    /// backup's own paths the current state is backed up and each file
    /// that differs is replaced atomically (or removed, when it did not
    /// exist then).
    pub fn restore(&self, manifest: &Manifest) -> Result<Restored, StoreError> {
        let locations = manifest.locations()?;
        let mut contents = Vec::new();
        for f in &manifest.files {
            contents.push((f.path.clone(), self.backups.content(manifest, f)?));
        }
        let _locks = self.lock(&locations)?;
        self.clear_leftovers(&locations)?;
        let differs: Vec<&(PathBuf, Option<Vec<u8>>)> = contents
            .iter()
            .filter(|(path, content)| std::fs::read(path).ok() != *content)
            .collect();
        if differs.is_empty() {
            return Ok(Restored {
                files: Vec::new(),
                previous: None,
            });
        }
        let previous = self.backup(&locations)?;
        let mut files = Vec::new();
        for (path, content) in differs {
            let io = |source| StoreError::Io {
                path: path.clone(),
                action: "restore",
                source,
            };
            match content {
                Some(bytes) => write_atomic(path, bytes).map_err(io)?,
                None => remove_durably(path).map_err(io)?,
            }
            files.push(path.clone());
        }
        Ok(Restored {
            files,
            previous: Some(previous),
        })
    }

    /// Sets the permission bits of `path` (one of `locations`), after a
    /// backup, under the lock. Returns the backup, or `None` when the mode
    /// already was `mode`.
    pub fn set_mode(
        &self,
        locations: &Locations,
        path: &Path,
        mode: u32,
    ) -> Result<Option<Manifest>, StoreError> {
        let _locks = self.lock(locations)?;
        let current = std::fs::metadata(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            action: "read the mode of",
            source,
        })?;
        if current.permissions().mode() & 0o7777 == mode {
            return Ok(None);
        }
        let manifest = self.backup(locations)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(
            |source| StoreError::Io {
                path: path.to_path_buf(),
                action: "chmod",
                source,
            },
        )?;
        Ok(Some(manifest))
    }
}
