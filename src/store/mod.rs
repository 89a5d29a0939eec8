//! The one write path. Every change to a user's file goes through
//! [`Store::update`]: lock, read, edit, back up, write atomically.

mod atomic;
pub mod backup;
mod journal;
mod lock;
pub mod private_dir;
mod restore;

pub use atomic::{
    if_exists, real_path, remove_durably, remove_if_present, remove_stale_temps, write_atomic,
    write_private, StagedWrite, NEW_FILE_MODE,
};
pub use backup::{BackupStore, Manifest};
pub use journal::Journal;
pub use lock::lock_path_in;
pub use restore::{moved_paths, Restored};

use crate::profiles::{FileKind, Locations, ProfileFiles, SourceFile};
use atomic::holds_exactly;
use backup::FileState;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

/// How long to wait for another awsprof that holds the lock.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);
/// How often an edit is redone when another program keeps changing the file.
const ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: cannot {action}: {source}{}", .path.display(), hint(.source))]
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("{}: another program holds this lock; waited {seconds} s. If no awsprof is running, try again", .path.display())]
    LockTimeout { path: PathBuf, seconds: u64 },
    #[error(
        "the files kept changing while awsprof was editing them; nothing was written, try again"
    )]
    KeptChanging,
    #[error("no backup `{id}` in {}{}; `awsprof backup list` shows them", .dir.display(), did_you_mean(.suggestions))]
    NoSuchBackup {
        id: String,
        dir: PathBuf,
        suggestions: Vec<String>,
    },
    #[error("backup {id} cannot be restored: {why}")]
    BadBackup { id: String, why: String },
    #[error("backup {id} was taken of other files than today's ({}); pass --force to restore it onto today's files", .paths.join("; "))]
    OtherPaths { id: String, paths: Vec<String> },
    #[error("{}: refused: {why}. Nothing was changed", .path.display())]
    UnsafeDir { path: PathBuf, why: String },
    #[error("{}: this backup does not match its manifest's sha256; it was changed after it was taken, so it is not restored", .path.display())]
    Tampered { path: PathBuf },
}

fn hint(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "; check the permissions of the file and its directory. Nothing was changed"
        }
        std::io::ErrorKind::ReadOnlyFilesystem => {
            "; the file system is read-only. Nothing was changed"
        }
        _ => "",
    }
}

fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", s.join(", "))
    }
}

/// What an update did.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub changed: Vec<FileKind>,
    pub backup: Option<Manifest>,
}

pub struct Store {
    pub backups: BackupStore,
    /// The command line that makes a change, recorded in its backup.
    pub command: String,
    /// awsprof's state directory, which holds the lock files
    /// ([`private_dir::state_root`]).
    pub state_root: PathBuf,
}

/// Whether a transaction writes what it changed, or only shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Write,
    /// The same transaction (lock, read, edit, checks) with the commit
    /// left out: what it would change is in the returned files.
    DryRun,
}

impl Commit {
    pub fn dry_run(dry_run: bool) -> Commit {
        if dry_run {
            Commit::DryRun
        } else {
            Commit::Write
        }
    }
}

impl Store {
    /// Runs `edit` on freshly read files under the lock of both files, and
    /// writes what it changed. Returns the edited files with the result.
    /// `profiles` are the profiles the edit is about (see
    /// [`ProfileFiles::load_for_editing`]); `None` reads all. `edit` may run more than once: when another
    /// program changes a file meanwhile, the edit is redone on the new
    /// content instead of overwriting that change.
    pub fn update<T, E>(
        &self,
        locations: &Locations,
        profiles: Option<&[&str]>,
        edit: impl FnMut(&mut ProfileFiles) -> Result<T, E>,
    ) -> Result<(T, Written, ProfileFiles), E>
    where
        E: From<StoreError> + From<crate::profiles::LoadError>,
    {
        self.transact(locations, profiles, Commit::Write, edit)
    }

    /// [`Store::update`], or with [`Commit::DryRun`] the same transaction
    /// without its commit: `Written::changed` then names the files the
    /// edit would change, and nothing on disk is touched.
    pub fn transact<T, E>(
        &self,
        locations: &Locations,
        profiles: Option<&[&str]>,
        commit: Commit,
        mut edit: impl FnMut(&mut ProfileFiles) -> Result<T, E>,
    ) -> Result<(T, Written, ProfileFiles), E>
    where
        E: From<StoreError> + From<crate::profiles::LoadError>,
    {
        // A dry run reads as the edit would but takes no lock: the lock
        // file (and a missing ~/.aws) would be a change on disk.
        let _locks = match commit {
            Commit::Write => {
                let locks = self.lock(locations)?;
                self.clear_leftovers(locations)?;
                Some(locks)
            }
            Commit::DryRun => None,
        };
        for _ in 0..ATTEMPTS {
            let mut files = ProfileFiles::load_for_editing(locations, profiles)?;
            let value = edit(&mut files)?;
            let new_pieces: Vec<(FileKind, Vec<&[u8]>)> = [FileKind::Config, FileKind::Credentials]
                .into_iter()
                .filter_map(|k| Some((k, files.file(k).changed_pieces()?)))
                .collect();
            if new_pieces.is_empty() {
                return Ok((value, Written::default(), files));
            }
            if commit == Commit::DryRun {
                let written = Written {
                    changed: new_pieces.into_iter().map(|(k, _)| k).collect(),
                    backup: None,
                };
                return Ok((value, written, files));
            }
            pause_for_tests();
            if !unchanged_on_disk(&files.config)? || !unchanged_on_disk(&files.credentials)? {
                continue;
            }
            let write_error = |kind: FileKind| {
                let path = files.path(kind).to_path_buf();
                move |source| StoreError::Io {
                    path,
                    action: "write",
                    source,
                }
            };
            let as_read = |kind: FileKind| {
                let file = files.file(kind);
                file.exists.then(|| file.original().as_bytes())
            };
            // The backup and the new files are written and flushed side by
            // side; the new files take their place only once the backup is
            // complete. Until then, a failure leaves every file as it was.
            let replaced: Vec<FileKind> = new_pieces.iter().map(|(kind, _)| *kind).collect();
            let (backup, staged) = crate::threads::side_by_side(
                || self.backup_contents(locations, as_read, &replaced),
                || {
                    new_pieces
                        .iter()
                        .map(|(kind, pieces)| {
                            StagedWrite::prepare_pieces(files.path(*kind), pieces)
                                .map_err(write_error(*kind))
                        })
                        .collect::<Result<Vec<StagedWrite>, StoreError>>()
                },
            );
            let (backup, staged) = (backup?, staged?);
            let committed = staged
                .into_iter()
                .zip(&new_pieces)
                .try_for_each(|(write, (kind, _))| write.commit().map_err(write_error(*kind)));
            // Not an error of the edit: the backup holds the right bytes
            // either way, in a directory only the user can enter; had the
            // link stayed shared, a later change would show as tampering
            // (its sha256), never be restored.
            let _ = self.backups.settle(&backup, &replaced, as_read);
            committed?;
            let written = Written {
                changed: new_pieces.into_iter().map(|(k, _)| k).collect(),
                backup: Some(backup),
            };
            return Ok((value, written, files));
        }
        Err(StoreError::KeptChanging.into())
    }

    /// Under the lock: removes what killed writers left beside the files.
    pub fn clear_leftovers(&self, locations: &Locations) -> Result<(), StoreError> {
        for path in [&locations.config, &locations.credentials] {
            remove_stale_temps(path).map_err(|source| StoreError::Io {
                path: path.clone(),
                action: "remove stale temp files beside",
                source,
            })?;
        }
        Ok(())
    }

    /// Locks both files, always in the same order so two awsprof processes
    /// never wait on each other crosswise.
    pub fn lock(&self, locations: &Locations) -> Result<Vec<lock::FileLock>, StoreError> {
        let mut reals = Vec::new();
        for path in [&locations.config, &locations.credentials] {
            let real = real_path(path).map_err(|source| StoreError::Io {
                path: path.clone(),
                action: "resolve",
                source,
            })?;
            reals.push(real);
        }
        reals.sort();
        reals.dedup();
        reals
            .iter()
            .map(|real| lock::acquire(&self.state_root, real, LOCK_WAIT))
            .collect()
    }

    /// Backs up both files as they are on disk now, byte for byte (a file
    /// that does not parse included).
    pub fn backup(&self, locations: &Locations) -> Result<Manifest, StoreError> {
        let raw = RawFiles::read(locations)?;
        self.backup_contents(locations, |kind| raw.get(kind), &[])
    }

    /// Backs up both files with the given contents (`None`: no such file).
    /// The files of kinds `replaced` get a new file renamed over them once
    /// the backup is complete (see [`BackupStore::settle`]).
    fn backup_contents<'a>(
        &self,
        locations: &Locations,
        content: impl Fn(FileKind) -> Option<&'a [u8]>,
        replaced: &[FileKind],
    ) -> Result<Manifest, StoreError> {
        let files = [
            (FileKind::Config, &locations.config),
            (FileKind::Credentials, &locations.credentials),
        ];
        let real_paths: Vec<Option<PathBuf>> = files
            .iter()
            .map(|(kind, path)| {
                replaced
                    .contains(kind)
                    .then(|| real_path(path).ok())
                    .flatten()
            })
            .collect();
        let states: Vec<FileState<'_>> = files
            .into_iter()
            .zip(&real_paths)
            .map(|((kind, path), real)| FileState {
                kind,
                path,
                content: content(kind),
                mode: std::fs::metadata(path)
                    .ok()
                    .map(|m| m.permissions().mode() & 0o7777),
                replaced: real.as_deref(),
            })
            .collect();
        self.backups.create(&states, &self.command)
    }
}

/// Both files' bytes as read; `None` for a file that does not exist.
#[derive(Debug, PartialEq, Eq)]
struct RawFiles {
    config: Option<Vec<u8>>,
    credentials: Option<Vec<u8>>,
}

impl RawFiles {
    fn read(locations: &Locations) -> Result<RawFiles, StoreError> {
        let read = |path: &PathBuf| {
            if_exists(std::fs::read(path)).map_err(|source| StoreError::Io {
                path: path.clone(),
                action: "read",
                source,
            })
        };
        Ok(RawFiles {
            config: read(&locations.config)?,
            credentials: read(&locations.credentials)?,
        })
    }

    fn get(&self, kind: FileKind) -> Option<&[u8]> {
        match kind {
            FileKind::Config => self.config.as_deref(),
            FileKind::Credentials => self.credentials.as_deref(),
        }
    }
}

/// Whether the file on disk still holds what `file` was read from.
fn unchanged_on_disk(file: &SourceFile) -> Result<bool, StoreError> {
    let io = |source| StoreError::Io {
        path: file.path.clone(),
        action: "read",
        source,
    };
    let Some(disk) = if_exists(std::fs::File::open(&file.path)).map_err(io)? else {
        return Ok(!file.exists);
    };
    if !file.exists {
        return Ok(false);
    }
    holds_exactly(disk, file.original().as_bytes()).map_err(io)
}

/// Widens the window between reading and committing, so that tests can
/// play another program that writes the file meanwhile. Unset, it costs
/// one environment lookup.
fn pause_for_tests() {
    if let Some(ms) = std::env::var("AWSPROF_TEST_PAUSE_BEFORE_COMMIT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        // Said, so that a test knows the read is done and the pause began.
        crate::errln!("awsprof: test pause before commit ({ms} ms)");
        std::thread::sleep(Duration::from_millis(ms));
    }
}

#[cfg(test)]
mod tests;
