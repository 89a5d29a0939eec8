//! Backups: both files as they were before a write, with a manifest.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::atomic::{
    holds_exactly, if_exists, write_atomic, write_private, StagedWrite, NEW_FILE_MODE,
};
use super::{private_dir, StoreError};
use crate::profiles::FileKind;
use crate::threads::joined;

/// How many backups automatic retention keeps at the least.
pub const RETAINED: usize = 50;
/// Automatic retention also keeps every backup younger than this.
pub const RETAINED_DAYS: i64 = 30;
/// A marker beside the backups naming the first backup of one file (the
/// state before awsprof first wrote it): `pinned-<sha256 of the path>`.
const PINNED_PREFIX: &str = "pinned-";
/// What a pin marker's symbolic link points to, before the backup's id:
/// a name no backup folder has, so that the link leads nowhere and
/// nothing that follows links takes a marker for a backup.
const PIN_TARGET_PREFIX: &str = "first-backup:";
const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub id: String,
    pub created: String,
    pub command: String,
    pub files: Vec<BackedUpFile>,
    /// Access key ids this backup holds that awsprof has since retired
    /// (rotated away or deleted with their user): restoring it would put
    /// a dead key back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_keys: Vec<String>,
    /// Access key ids whose secrets were scrubbed from this backup when
    /// they moved into the vault: restoring it puts a marker, not the
    /// secret, back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scrubbed_keys: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BackedUpFile {
    /// `config` or `credentials`.
    pub kind: String,
    pub path: PathBuf,
    /// False when the file did not exist: restoring removes it.
    pub existed: bool,
    pub size: u64,
    pub sha256: String,
    pub mode: Option<u32>,
}

impl Manifest {
    /// Refuses a manifest that is not exactly what awsprof writes: an `id`
    /// equal to its folder's name, one `config` and one `credentials` entry.
    pub fn check(&self, folder: &str) -> Result<(), StoreError> {
        let tampered = |why: String| StoreError::BadBackup {
            id: folder.to_string(),
            why: format!(
                "{why}; it was not written by awsprof as it is (tampered?), so it is not used"
            ),
        };
        if self.id != folder {
            return Err(tampered(format!(
                "its manifest names id `{}`, not its folder's name",
                crate::terminal::escape_controls(&self.id)
            )));
        }
        let kinds: Vec<&str> = self.files.iter().map(|f| f.kind.as_str()).collect();
        if !matches!(
            kinds[..],
            ["config", "credentials"] | ["credentials", "config"]
        ) {
            return Err(tampered(
                "its manifest must name exactly one config and one credentials file".into(),
            ));
        }
        Ok(())
    }

    /// The entry for `kind` (there is one in a checked manifest).
    pub fn file(&self, kind: FileKind) -> Option<&BackedUpFile> {
        self.files.iter().find(|f| f.file_kind() == Some(kind))
    }
}

/// When a backup was taken, from its id (`20261129T203435Z-001`).
fn backup_time(id: &str) -> Option<time::OffsetDateTime> {
    let stamp = id.get(..16)?;
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(stamp, format)
        .ok()
        .map(|t| t.assume_utc())
}

/// Whether `id` could be a backup's folder name (`20261129T203435Z-001`):
/// nothing that reaches outside the backup directory.
fn is_backup_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// [`BackupStore::locate`] from the flag, the variable and the user's
/// directories as given.
fn backup_dir_of(
    flag: Option<PathBuf>,
    variable: Option<std::ffi::OsString>,
    state_dir: Option<PathBuf>,
    data_local_dir: Option<PathBuf>,
) -> PathBuf {
    flag.or_else(|| variable.filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(|| state_dir.map(|d| d.join("awsprof").join("backups")))
        .or_else(|| data_local_dir.map(|d| d.join("awsprof").join("backups")))
        .unwrap_or_else(|| PathBuf::from(".awsprof-backups"))
}

impl BackedUpFile {
    pub fn file_kind(&self) -> Option<FileKind> {
        match self.kind.as_str() {
            "config" => Some(FileKind::Config),
            "credentials" => Some(FileKind::Credentials),
            _ => None,
        }
    }
}

/// One file's state to back up: `None` content means it does not exist.
pub struct FileState<'a> {
    pub kind: FileKind,
    pub path: &'a Path,
    pub content: Option<&'a [u8]>,
    pub mode: Option<u32>,
    /// The real path of the file when a new file is renamed over it once
    /// this backup is complete: the file's own inode can then be the
    /// backup (a hard link), and its bytes need no copy.
    pub replaced: Option<&'a Path>,
}

/// Makes `live`, a file about to be replaced by a rename, the backup
/// `stored` by a hard link, so that its bytes need neither a copy nor a
/// flush of their own. True only when the link holds exactly `content`
/// (what the edit read), no third name shares the inode (a write in place
/// through it would change the backup), it is the user's own and no one
/// else may write it (or link it: a later name could write it in place),
/// and its data is on disk; otherwise nothing is left at `stored` and the
/// caller writes a copy. A link is refused across file systems and by
/// some; a copy serves then.
fn link_as_backup(live: &Path, stored: &Path, content: &[u8]) -> bool {
    link_holding(live, stored, content, |meta| {
        let private = meta.uid() == private_dir::own_uid() && meta.mode() & 0o022 == 0;
        private && meta.nlink() == 2
    })
}

/// Makes `from` also `stored` by a hard link, and keeps the link only
/// when the file (not followed if it is a symbolic link) is a regular
/// file that `acceptable` accepts, holds exactly `content` and has its
/// data on disk; otherwise nothing is left at `stored`.
fn link_holding(
    from: &Path,
    stored: &Path,
    content: &[u8],
    acceptable: impl FnOnce(&fs::Metadata) -> bool,
) -> bool {
    if fs::hard_link(from, stored).is_err() {
        return false;
    }
    let holds_content = || -> std::io::Result<bool> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(stored)?;
        let meta = file.metadata()?;
        if !meta.is_file() || meta.len() != content.len() as u64 || !acceptable(&meta) {
            return Ok(false);
        }
        if !holds_exactly(&file, content)? {
            return Ok(false);
        }
        file.sync_data()?;
        Ok(true)
    };
    let kept = holds_content().unwrap_or(false);
    if !kept {
        let _ = fs::remove_file(stored);
    }
    kept
}

/// Makes the same file of the newest complete backup (its folder
/// `newest`) `stored` by a hard link, when it holds exactly `content`: a
/// file an edit leaves in place is then backed up again without a copy of
/// its bytes. True only when that file is one of awsprof's private copies
/// (a regular file, the user's own, 0600 or stricter: never a file still
/// linked to the live one, which keeps the user's mode until it is
/// settled) and is not the live file itself; otherwise nothing is left at
/// `stored` and the caller writes a copy. Every change awsprof makes to a
/// backed-up file replaces it by a rename, so backups that share an inode
/// stay the same; one changed in place by someone else shows as tampered
/// in each, as it would in one.
fn link_earlier_copy(newest: &Path, file: &FileState<'_>, stored: &Path, content: &[u8]) -> bool {
    let earlier = newest.join(file.kind.label());
    link_holding(&earlier, stored, content, |meta| {
        let private = meta.uid() == private_dir::own_uid() && meta.mode() & 0o077 == 0;
        let live = fs::metadata(file.path)
            .is_ok_and(|live| live.dev() == meta.dev() && live.ino() == meta.ino());
        private && !live
    })
}

/// The backup id a pin marker names: its symbolic link's target after
/// [`PIN_TARGET_PREFIX`] (the link is never followed), or a small file's
/// text. Anything else names none.
fn pinned_id(marker: &Path) -> Option<String> {
    let meta = fs::symlink_metadata(marker).ok()?;
    let text = if meta.file_type().is_symlink() {
        let target = fs::read_link(marker)
            .ok()?
            .into_os_string()
            .into_string()
            .ok()?;
        target.strip_prefix(PIN_TARGET_PREFIX)?.to_string()
    } else if meta.is_file() && meta.len() <= 64 {
        fs::read_to_string(marker).ok()?
    } else {
        return None;
    };
    let id = text.trim();
    is_backup_id(id).then(|| id.to_string())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::hex::lower(&Sha256::digest(bytes))
}

/// A backed-up file's entry in the manifest, from its bytes as read and
/// their sha256.
fn describe(file: &FileState<'_>, sha256: String) -> BackedUpFile {
    BackedUpFile {
        kind: file.kind.label().to_string(),
        path: file.path.to_path_buf(),
        existed: file.content.is_some(),
        size: file.content.unwrap_or_default().len() as u64,
        sha256,
        mode: file.mode,
    }
}

#[derive(Debug, Clone)]
pub struct BackupStore {
    pub dir: PathBuf,
}

impl BackupStore {
    /// `--backup-dir`, else `AWSPROF_BACKUP_DIR`, else the user's state
    /// directory.
    pub fn locate(flag: Option<PathBuf>) -> BackupStore {
        BackupStore {
            dir: backup_dir_of(
                flag,
                std::env::var_os("AWSPROF_BACKUP_DIR"),
                dirs::state_dir(),
                dirs::data_local_dir(),
            ),
        }
    }

    fn io(&self, path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.to_path_buf();
        move |source| StoreError::Io {
            path,
            action,
            source,
        }
    }

    /// Saves `files` as a new backup and applies retention.
    pub fn create(&self, files: &[FileState<'_>], command: &str) -> Result<Manifest, StoreError> {
        private_dir::ensure(&self.dir)?;
        // What an unchanged file may be linked to (see `link_earlier_copy`).
        let newest = self.complete_ids()?.pop().map(|id| self.dir.join(id));
        let now = time::OffsetDateTime::now_utc();
        let stamp = now
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_default();
        let (id, dir) = (1..10_000)
            .map(|n| {
                let id = format!("{stamp}-{n:03}");
                let dir = self.dir.join(&id);
                (id, dir)
            })
            .find(|(_, dir)| fs::DirBuilder::new().mode(0o700).create(dir).is_ok())
            .ok_or_else(|| StoreError::Io {
                path: self.dir.clone(),
                action: "create a backup",
                source: std::io::Error::other("no free backup id"),
            })?;
        // Everything a backup writes is flushed side by side, for the
        // flushes wait on the disk and not on each other: each file on a
        // thread of its own, its sha256 on another (the manifest needs
        // only the bytes in hand), the manifest staged meanwhile. The
        // manifest takes its name only once every file is on disk: a backup
        // without one is incomplete and ignored. A first backup's pins
        // follow it, with nothing of their own to flush.
        let manifest_path = dir.join(MANIFEST);
        let (manifest, saved, staged_manifest) = std::thread::scope(|scope| {
            let savers: Vec<_> = files
                .iter()
                .map(|file| scope.spawn(|| self.save(&dir, file, newest.as_deref())))
                .collect();
            let hashers: Vec<_> = files
                .iter()
                .map(|file| scope.spawn(|| sha256_hex(file.content.unwrap_or_default())))
                .collect();
            let entries = files
                .iter()
                .zip(hashers)
                .map(|(file, hasher)| describe(file, joined(hasher)))
                .collect();
            let manifest = Manifest {
                id: id.clone(),
                created: now
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                command: command.to_string(),
                files: entries,
                retired_keys: Vec::new(),
                scrubbed_keys: Vec::new(),
            };
            let json = serde_json::to_vec_pretty(&manifest).expect("a manifest serializes");
            let staged_manifest = StagedWrite::prepare(&manifest_path, &json);
            let saved = savers.into_iter().try_for_each(joined);
            (manifest, saved, staged_manifest)
        });
        saved?;
        staged_manifest
            .and_then(StagedWrite::commit)
            .map_err(self.io(&manifest_path, "write the backup manifest"))?;
        for file in files {
            self.pin(&self.pin_marker(file.path), &id)?;
        }
        // The backup's own entry in the backup directory (and its pins):
        // without this a power cut could keep the edit and lose the backup
        // taken for it.
        super::atomic::sync_dir(&self.dir).map_err(self.io(&self.dir, "write the backup"))?;
        self.retain()?;
        Ok(manifest)
    }

    fn pin_marker(&self, path: &Path) -> PathBuf {
        let hash = sha256_hex(path.as_os_str().as_encoded_bytes());
        self.dir.join(format!("{PINNED_PREFIX}{}", &hash[..16]))
    }

    /// The first backup of each file is pinned: it is the state before
    /// awsprof first wrote it, and automatic retention never drops it.
    /// Puts `marker` in place, naming backup `id`, unless the file has a
    /// marker already (or one appeared meanwhile): the earlier backup is
    /// the file's first. The marker is a symbolic link whose target
    /// names the id (see [`PIN_TARGET_PREFIX`]), made whole by one call
    /// and durable by the caller's fsync of the backup directory, with no
    /// data of its own to flush; where the file system refuses symbolic
    /// links, a file holding the id, flushed first.
    fn pin(&self, marker: &Path, id: &str) -> Result<(), StoreError> {
        match std::os::unix::fs::symlink(format!("{PIN_TARGET_PREFIX}{id}"), marker) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(_) => StagedWrite::prepare(marker, id.as_bytes())
                .and_then(StagedWrite::rename_into_place_unless_present)
                .map(drop)
                .map_err(self.io(marker, "pin the first backup")),
        }
    }

    /// Ids of the pinned backups.
    pub fn pinned(&self) -> Result<std::collections::BTreeSet<String>, StoreError> {
        Ok(self
            .entries()?
            .into_iter()
            .filter(|e| e.file_name().to_string_lossy().starts_with(PINNED_PREFIX))
            .filter_map(|e| pinned_id(&e.path()))
            .collect())
    }

    /// Automatic retention after a write: keeps the newest
    /// [`RETAINED`], every backup younger than [`RETAINED_DAYS`], and the
    /// pinned ones.
    fn retain(&self) -> Result<Vec<String>, StoreError> {
        self.retain_at(time::OffsetDateTime::now_utc())
    }

    /// [`BackupStore::retain`] as of `now`.
    fn retain_at(&self, now: time::OffsetDateTime) -> Result<Vec<String>, StoreError> {
        let ids = self.complete_ids()?;
        if ids.len() <= RETAINED {
            return Ok(Vec::new());
        }
        let pinned = self.pinned()?;
        let cutoff = now - time::Duration::days(RETAINED_DAYS);
        let old: Vec<String> = ids[..ids.len() - RETAINED]
            .iter()
            .filter(|id| !pinned.contains(*id))
            .filter(|id| backup_time(id).is_some_and(|at| at < cutoff))
            .cloned()
            .collect();
        self.remove(&old)
    }

    /// What `prune --keep N` would remove: every backup but the newest
    /// `keep`, pinned ones included.
    pub fn prune_plan(&self, keep: usize) -> Result<Vec<String>, StoreError> {
        let ids = self.complete_ids()?;
        let excess = ids.len().saturating_sub(keep);
        Ok(ids[..excess].to_vec())
    }

    /// Removes the backups `ids`.
    pub fn remove(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        private_dir::check(&self.dir)?;
        let mut removed = Vec::new();
        for id in ids.iter().filter(|id| is_backup_id(id)) {
            let dir = self.dir.join(id);
            fs::remove_dir_all(&dir).map_err(self.io(&dir, "remove an old backup"))?;
            removed.push(id.clone());
        }
        Ok(removed)
    }

    /// Records in every backup that holds access key `key_id` that the key
    /// is retired; returns the ids of those backups.
    pub fn mark_retired(&self, key_id: &str) -> Result<Vec<String>, StoreError> {
        let mut marked = Vec::new();
        for mut manifest in self.list()? {
            if manifest.retired_keys.iter().any(|k| k == key_id) {
                marked.push(manifest.id.clone());
                continue;
            }
            let holds = manifest.files.iter().any(|f| {
                self.content(&manifest, f)
                    .ok()
                    .flatten()
                    .is_some_and(|bytes| memchr::memmem::find(&bytes, key_id.as_bytes()).is_some())
            });
            if !holds {
                continue;
            }
            manifest.retired_keys.push(key_id.to_string());
            self.rewrite_manifest(&manifest)?;
            marked.push(manifest.id);
        }
        Ok(marked)
    }

    /// Writes an existing backup's manifest anew, atomically.
    fn rewrite_manifest(&self, manifest: &Manifest) -> Result<(), StoreError> {
        let path = self.dir.join(&manifest.id).join(MANIFEST);
        let json = serde_json::to_vec_pretty(manifest).expect("a manifest serializes");
        write_atomic(&path, &json).map_err(self.io(&path, "write the backup manifest"))
    }

    /// Replaces `secret` (of key `key_id`) by `marker` in every backup that
    /// holds it, each file rewritten atomically and its manifest's size
    /// and sha256 updated; returns the backups scrubbed.
    pub fn scrub(
        &self,
        key_id: &str,
        secret: &str,
        marker: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut scrubbed = Vec::new();
        for mut manifest in self.list()? {
            let mut changed = false;
            for i in 0..manifest.files.len() {
                let Some(bytes) = self.content(&manifest, &manifest.files[i])? else {
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes);
                if !text.contains(secret) {
                    continue;
                }
                let clean = text.replace(secret, marker).into_bytes();
                let kind = manifest.files[i].kind.clone();
                let path = self.dir.join(&manifest.id).join(&kind);
                write_atomic(&path, &clean).map_err(self.io(&path, "scrub the backup"))?;
                manifest.files[i].size = clean.len() as u64;
                manifest.files[i].sha256 = sha256_hex(&clean);
                changed = true;
            }
            if !changed {
                continue;
            }
            if !manifest.scrubbed_keys.iter().any(|k| k == key_id) {
                manifest.scrubbed_keys.push(key_id.to_string());
            }
            self.rewrite_manifest(&manifest)?;
            scrubbed.push(manifest.id);
        }
        Ok(scrubbed)
    }

    /// Stores one file of a backup in `dir`, when it exists; `newest` is
    /// the newest complete backup's folder, if there is one.
    fn save(
        &self,
        dir: &Path,
        file: &FileState<'_>,
        newest: Option<&Path>,
    ) -> Result<(), StoreError> {
        let Some(content) = file.content else {
            return Ok(());
        };
        let stored = dir.join(file.kind.label());
        if file
            .replaced
            .is_some_and(|live| link_as_backup(live, &stored, content))
        {
            return Ok(());
        }
        let earlier = newest.filter(|_| file.replaced.is_none());
        if earlier.is_some_and(|newest| link_earlier_copy(newest, file, &stored, content)) {
            return Ok(());
        }
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(NEW_FILE_MODE)
            .open(&stored)
            .map_err(self.io(&stored, "write the backup"))?;
        out.write_all(content)
            .and_then(|_| out.sync_all())
            .map_err(self.io(&stored, "write the backup"))
    }

    /// Once the files of kinds `replaced` that backup `manifest` was taken
    /// for are replaced (or the replacement failed): a backed-up file that
    /// is the old file's own inode (see [`link_as_backup`]) is made
    /// private like a copy when it is the backup's alone, and replaced by a
    /// copy of `content` when the file it links to is still in place, so
    /// that a later write to that file in place cannot change the backup.
    /// The other files' backups are copies already.
    pub fn settle<'a>(
        &self,
        manifest: &Manifest,
        replaced: &[FileKind],
        content: impl Fn(FileKind) -> Option<&'a [u8]>,
    ) -> Result<(), StoreError> {
        for file in manifest.files.iter().filter(|f| f.existed) {
            let Some(kind) = file.file_kind().filter(|k| replaced.contains(k)) else {
                continue;
            };
            let stored = self.dir.join(&manifest.id).join(kind.label());
            let meta =
                fs::symlink_metadata(&stored).map_err(self.io(&stored, "check the backup"))?;
            if meta.nlink() > 1 {
                let bytes = content(kind).unwrap_or_default();
                write_private(&stored, bytes).map_err(self.io(&stored, "write the backup"))?;
            } else {
                fs::set_permissions(&stored, fs::Permissions::from_mode(NEW_FILE_MODE))
                    .map_err(self.io(&stored, "make the backup private"))?;
            }
        }
        Ok(())
    }

    /// What the backup directory holds (nothing when it does not exist),
    /// once the directory is known to be the user's alone.
    fn entries(&self) -> Result<Vec<fs::DirEntry>, StoreError> {
        if !private_dir::check(&self.dir)? {
            return Ok(Vec::new());
        }
        let entries =
            fs::read_dir(&self.dir).map_err(self.io(&self.dir, "read the backup directory"))?;
        Ok(entries.filter_map(Result::ok).collect())
    }

    /// The manifest in folder `id`, checked (`None`: no such backup). A
    /// symbolic link is no backup folder, whatever it points to.
    fn read_manifest(&self, id: &str) -> Result<Option<Manifest>, StoreError> {
        let folder = self.dir.join(id);
        if !is_backup_id(id) || !fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir()) {
            return Ok(None);
        }
        let path = folder.join(MANIFEST);
        let Some(bytes) =
            if_exists(fs::read(&path)).map_err(self.io(&path, "read the backup manifest"))?
        else {
            return Ok(None);
        };
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| StoreError::BadBackup {
                id: id.to_string(),
                why: format!("{}: not a manifest awsprof wrote: {e}", path.display()),
            })?;
        manifest.check(id)?;
        Ok(Some(manifest))
    }

    /// Complete backups, oldest first; a folder whose manifest does not
    /// check out is left out (`show`/`restore` of it say why).
    pub fn list(&self) -> Result<Vec<Manifest>, StoreError> {
        let mut out: Vec<Manifest> = self
            .entries()?
            .into_iter()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|id| self.read_manifest(&id).ok().flatten())
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The backup in folder `id`, its manifest checked.
    pub fn manifest(&self, id: &str) -> Result<Manifest, StoreError> {
        if private_dir::check(&self.dir)? {
            if let Some(m) = self.read_manifest(id)? {
                return Ok(m);
            }
        }
        let list = self.list()?;
        let ids: Vec<&str> = list.iter().map(|m| m.id.as_str()).collect();
        Err(StoreError::NoSuchBackup {
            id: crate::terminal::escape_controls(id).into_owned(),
            dir: self.dir.clone(),
            suggestions: crate::suggest::closest(id, ids.into_iter())
                .into_iter()
                .map(String::from)
                .collect(),
        })
    }

    /// A backed-up file's bytes, checked against the manifest's sha256.
    /// `None` for a file that did not exist.
    pub fn content(
        &self,
        manifest: &Manifest,
        file: &BackedUpFile,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        if !file.existed {
            return Ok(None);
        }
        let kind = file.file_kind().ok_or_else(|| StoreError::BadBackup {
            id: manifest.id.clone(),
            why: "its manifest names a file that is neither config nor credentials".into(),
        })?;
        let path = self.dir.join(&manifest.id).join(kind.label());
        let bytes = fs::read(&path).map_err(self.io(&path, "read the backup"))?;
        if sha256_hex(&bytes) != file.sha256 || bytes.len() as u64 != file.size {
            return Err(StoreError::Tampered { path });
        }
        Ok(Some(bytes))
    }

    /// Ids of the backups that have a manifest, oldest first (ids begin
    /// with their UTC time). Cheaper than `list`: no manifest is read, and
    /// every write prunes.
    pub fn complete_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut ids: Vec<String> = self
            .entries()?
            .into_iter()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| e.path().join(MANIFEST).is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|id| is_backup_id(id))
            .collect();
        ids.sort();
        Ok(ids)
    }
}

#[cfg(test)]
mod tests;
