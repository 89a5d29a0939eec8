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

/// The paths a backup recorded that are not today's, as
/// `(kind, recorded, current)`.
pub fn moved_paths(
    manifest: &Manifest,
    locations: &Locations,
) -> Vec<(FileKind, PathBuf, PathBuf)> {
    let same = |a: &Path, b: &Path| {
        a == b || matches!((super::real_path(a), super::real_path(b)), (Ok(x), Ok(y)) if x == y)
    };
    [FileKind::Config, FileKind::Credentials]
        .into_iter()
        .filter_map(|kind| {
            let recorded = &manifest.file(kind)?.path;
            let current = locations.path(kind);
            (!same(recorded, current)).then(|| (kind, recorded.clone(), current.to_path_buf()))
        })
        .collect()
}

impl Store {
    /// Puts today's two files back as `manifest` has them. The targets are
    /// `locations` (the files awsprof would write now), never a path read
    /// from the manifest; where the backup was taken of other paths, it is
    /// refused unless `force`. Every backed-up file is checked against its
    /// sha256 first, then under the lock the current state is backed up
    /// and each file that differs is replaced atomically (or removed, when
    /// the backup recorded it absent).
    pub fn restore(
        &self,
        manifest: &Manifest,
        locations: &Locations,
        force: bool,
    ) -> Result<Restored, StoreError> {
        manifest.check(&manifest.id)?;
        let moved = moved_paths(manifest, locations);
        if !moved.is_empty() && !force {
            return Err(StoreError::OtherPaths {
                id: manifest.id.clone(),
                paths: moved
                    .iter()
                    .map(|(kind, was, now)| {
                        format!("{kind} was {}, is now {}", was.display(), now.display())
                    })
                    .collect(),
            });
        }
        let mut contents = Vec::new();
        for kind in [FileKind::Config, FileKind::Credentials] {
            let file = manifest.file(kind).expect("a checked manifest names both");
            let content = self.backups.content(manifest, file)?;
            contents.push((locations.path(kind).to_path_buf(), content));
        }
        let _locks = self.lock(locations)?;
        self.clear_leftovers(locations)?;
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
        let previous = self.backup(locations)?;
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
