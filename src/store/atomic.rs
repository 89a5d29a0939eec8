//! Replace a file whole or not at all.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of a file awsprof creates: the files hold secrets.
pub const NEW_FILE_MODE: u32 = 0o600;
/// Mode of a directory awsprof creates (`~/.aws`, the backup directory).
pub const NEW_DIR_MODE: u32 = 0o700;

/// Follows symlinks to the file that is really written, so that a
/// symlinked `~/.aws/credentials` stays a symlink. Works for a dangling
/// link too (the file it names is created).
pub fn real_path(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                // (Joined to an absolute target, the parent drops out.)
                current = match current.parent() {
                    Some(parent) => parent.join(target),
                    None => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// `Ok(None)` where the file is not there; any other failure stays an error.
pub fn if_exists<T>(result: io::Result<T>) -> io::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(NEW_DIR_MODE)
        .create(dir)
}

/// Writes `bytes` to `target` (through symlinks): temp file in the same
/// directory, fsync, rename over the target, fsync the directory. The
/// target's mode (and owner, when run as root) is kept; a new file gets
/// `NEW_FILE_MODE`.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    StagedWrite::prepare(target, bytes)?.commit()
}

/// Writes `bytes` to `path` as a new private file (0600, whatever was
/// there before, a symlink included, is replaced rather than followed):
/// for secrets awsprof keeps for itself, such as the vault's unlock.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_dir(path);
    let mut temp = tempfile::Builder::new()
        .prefix(".awsprof-private-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.as_file()
        .set_permissions(fs::Permissions::from_mode(NEW_FILE_MODE))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// A replacement for a file, written and flushed beside it but not yet in
/// its place: [`StagedWrite::commit`] renames it over the target. Dropped
/// uncommitted, it is removed and the target stays as it was.
pub struct StagedWrite {
    temp: tempfile::NamedTempFile,
    real: PathBuf,
}

impl StagedWrite {
    pub fn prepare(target: &Path, bytes: &[u8]) -> io::Result<StagedWrite> {
        StagedWrite::prepare_pieces(target, &[bytes])
    }

    /// [`StagedWrite::prepare`] of the bytes of `pieces`, one after the
    /// other.
    pub fn prepare_pieces(target: &Path, pieces: &[&[u8]]) -> io::Result<StagedWrite> {
        let real = real_path(target)?;
        let dir = parent_dir(&real);
        if !dir.exists() {
            create_private_dir(dir)?;
        }
        let existing = if_exists(fs::metadata(&real))?;
        let file_name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}.awsprof-"))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        let mode = existing
            .as_ref()
            .map_or(NEW_FILE_MODE, |m| m.permissions().mode() & 0o7777);
        temp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))?;
        if let Some(meta) = &existing {
            if is_root() && (meta.uid() != 0 || meta.gid() != 0) {
                std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()))?;
            }
        }
        // Long pieces go straight to the file; short ones (lines an edit
        // wrote) are gathered first, so that thousands of edited lines
        // are not thousands of writes.
        let mut out = io::BufWriter::with_capacity(64 * 1024, temp.as_file());
        for piece in pieces {
            out.write_all(piece)?;
        }
        out.flush()?;
        drop(out);
        temp.as_file().sync_all()?;
        Ok(StagedWrite { temp, real })
    }

    /// Renames the staged file over the target and makes that durable.
    pub fn commit(self) -> io::Result<()> {
        let dir = parent_dir(&self.real).to_path_buf();
        self.rename_into_place()?;
        sync_dir(&dir)
    }

    /// Renames the staged file over the target. Durable only once the
    /// caller fsyncs the directory, which several renames can share.
    pub fn rename_into_place(self) -> io::Result<()> {
        let StagedWrite { temp, real } = self;
        temp.persist(&real).map_err(|e| e.error).map(|_| ())
    }

    /// Like [`StagedWrite::rename_into_place`] where no file is at the
    /// target yet; where one is, it stays and the staged file is removed.
    /// Returns whether the staged file took the target's place.
    pub fn rename_into_place_unless_present(self) -> io::Result<bool> {
        let StagedWrite { temp, real } = self;
        match temp.persist_noclobber(&real) {
            Ok(_) => Ok(true),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            // A file system that can neither rename without replacing nor
            // link: checked, then renamed, as a plain rename would.
            Err(e) if if_exists(fs::symlink_metadata(&real))?.is_some() => {
                drop(e);
                Ok(false)
            }
            Err(e) => e.file.persist(&real).map(|_| true).map_err(|e| e.error),
        }
    }
}

/// How many random characters `tempfile` puts in a name.
const TEMP_RANDOM_LEN: usize = 6;

/// Whether `file` is exactly the name [`StagedWrite::prepare`] gives a
/// temp file beside a target named `name`.
fn is_our_temp_name(file: &str, name: &str) -> bool {
    file.strip_prefix(&format!(".{name}.awsprof-"))
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .is_some_and(|random| {
            random.len() == TEMP_RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes the temp files a killed awsprof left beside `target` (they
/// may hold a full copy of the file, secrets included). Only for a writer
/// that holds the target's lock: no other awsprof is writing it then.
/// Touches only regular files of the user's own whose names are exactly
/// awsprof's temp pattern.
pub fn remove_stale_temps(target: &Path) -> io::Result<usize> {
    let real = real_path(target)?;
    let Some(name) = real.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(0);
    };
    let Some(entries) = if_exists(fs::read_dir(parent_dir(&real)))? else {
        return Ok(0);
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !is_our_temp_name(&file, &name) {
            continue;
        }
        let ours = fs::symlink_metadata(entry.path())
            .is_ok_and(|m| m.is_file() && m.uid() == super::private_dir::own_uid());
        if ours {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// How much of a file [`holds_exactly`] compares at a time.
const CHUNK: usize = 65_536; // 64 KiB

/// Whether `file` holds exactly `expected`. Compares in chunks: the file
/// may be megabytes. Each chunk is one `read` into the same buffer
/// (`read_to_end` would probe with several smaller reads per chunk).
pub(super) fn holds_exactly(mut file: impl Read, mut expected: &[u8]) -> io::Result<bool> {
    let mut chunk = vec![0; CHUNK];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(expected.is_empty());
        }
        if n > expected.len() || chunk[..n] != expected[..n] {
            return Ok(false);
        }
        expected = &expected[n..];
    }
}

/// Removes one of awsprof's own state files (a cache entry, a token) if
/// it is there, durably; whether it was. A symlink is removed itself,
/// never what it points at.
pub fn remove_if_present(path: &Path) -> io::Result<bool> {
    let removed = if_exists(fs::remove_file(path))?.is_some();
    if removed {
        sync_dir(parent_dir(path))?;
    }
    Ok(removed)
}

/// Removes `target` (through symlinks) and makes the removal durable.
pub fn remove_durably(target: &Path) -> io::Result<()> {
    remove_if_present(&real_path(target)?).map(|_| ())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn is_root() -> bool {
    // The owner of a file we create is whoever runs us; only root can and
    // must hand a rewritten file back to its original owner.
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Where a test run as `nobody` finds a file another user owns.
#[cfg(test)]
pub(crate) const FOREIGN_FILE_VARIABLE: &str = "AWSPROF_TEST_FOREIGN_FILE";

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn the_real_path_follows_links_relative_absolute_and_dangling() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        let file = b.join("credentials");
        fs::write(&file, "x").unwrap();
        assert_eq!(real_path(&file).unwrap(), file);

        std::os::unix::fs::symlink("../b/credentials", a.join("relative")).unwrap();
        assert_eq!(
            real_path(&a.join("relative")).unwrap(),
            a.join("../b/credentials")
        );
        std::os::unix::fs::symlink(&file, a.join("absolute")).unwrap();
        assert_eq!(real_path(&a.join("absolute")).unwrap(), file);
        // A link to a link, and a link to what does not exist yet.
        std::os::unix::fs::symlink("absolute", a.join("twice")).unwrap();
        assert_eq!(real_path(&a.join("twice")).unwrap(), file);
        std::os::unix::fs::symlink("new", a.join("dangling")).unwrap();
        assert_eq!(real_path(&a.join("dangling")).unwrap(), a.join("new"));
        assert_eq!(real_path(&a.join("missing")).unwrap(), a.join("missing"));

        std::os::unix::fs::symlink("loop", a.join("loop")).unwrap();
        let err = real_path(&a.join("loop")).unwrap_err().to_string();
        assert!(
            err.ends_with("loop: too many levels of symbolic links"),
            "{err}"
        );
        assert!(real_path(&file.join("below")).is_err(), "below a file");
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_is_private() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("new/dir/credentials");
        write_atomic(&target, b"one").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "one");
        assert_eq!(mode(&target), NEW_FILE_MODE);
        assert_eq!(mode(target.parent().unwrap()), NEW_DIR_MODE);

        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "two");
        assert_eq!(mode(&target), 0o640);

        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"three").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "three");
    }

    #[test]
    fn run_as_root_a_replaced_file_keeps_its_owner_and_group() {
        use crate::store::private_dir::own_uid;
        if !is_root() {
            assert_ne!(own_uid(), 0);
            // Only root can hand a file to someone else: an ordinary user
            // rewriting a file another user owns (and lets others write)
            // must not try, or the rewrite is refused. Such a file is
            // planted by the_store_tests_pass_for_a_user_other_than_root,
            // which runs this test as `nobody`.
            if let Some(foreign) = std::env::var_os(FOREIGN_FILE_VARIABLE) {
                let foreign = Path::new(&foreign);
                assert_ne!(fs::metadata(foreign).unwrap().uid(), own_uid());
                write_atomic(foreign, b"y").unwrap();
                assert_eq!(fs::read_to_string(foreign).unwrap(), "y");
                assert_eq!(fs::metadata(foreign).unwrap().uid(), own_uid());
            }
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("credentials");
        for (uid, gid) in [(4321, 0), (0, 4321), (4321, 4322)] {
            fs::write(&target, "x").unwrap();
            std::os::unix::fs::chown(&target, Some(uid), Some(gid)).unwrap();
            write_atomic(&target, b"y").unwrap();
            let meta = fs::metadata(&target).unwrap();
            assert_eq!((meta.uid(), meta.gid()), (uid, gid));
        }
    }

    #[test]
    fn a_staged_write_dropped_uncommitted_leaves_the_file_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("config");
        fs::write(&target, "old").unwrap();
        drop(StagedWrite::prepare(&target, b"new").unwrap());
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
        StagedWrite::prepare(&target, b"new")
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn removals_tolerate_absence_only() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("credentials");
        fs::write(&file, "x").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        remove_durably(&link).unwrap();
        assert!(!file.exists(), "removed through the link");
        remove_durably(&file).unwrap();
        let dir = tmp.path().join("dir");
        fs::create_dir(&dir).unwrap();
        assert!(remove_durably(&dir).is_err());
        assert!(remove_if_present(&dir).is_err());
        assert!(dir.exists());
    }

    #[test]
    fn a_directory_that_cannot_be_opened_is_never_taken_as_synced() {
        let tmp = tempfile::tempdir().unwrap();
        sync_dir(tmp.path()).unwrap();
        assert!(sync_dir(&tmp.path().join("gone")).is_err());
    }

    #[test]
    fn stale_temps_beside_a_missing_directory_are_none() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            remove_stale_temps(&tmp.path().join("no/credentials")).unwrap(),
            0
        );
    }

    #[test]
    fn a_bare_file_name_is_in_the_working_directory() {
        assert_eq!(parent_dir(Path::new("credentials")), Path::new("."));
        assert_eq!(parent_dir(Path::new("/a/credentials")), Path::new("/a"));
        assert_eq!(parent_dir(Path::new("a/credentials")), Path::new("a"));
    }

    #[test]
    fn only_awsprofs_exact_temp_names_are_stale() {
        assert!(is_our_temp_name(
            ".credentials.awsprof-a1B2c3.tmp",
            "credentials"
        ));
        for other in [
            ".credentials.awsprof-a1B2c3.tmp.keep",
            ".credentials.awsprof-.tmp",
            ".credentials.awsprof-a1B2c3d.tmp",
            ".credentials.awsprof-a/B2c3.tmp",
            ".config.awsprof-a1B2c3.tmp",
            "credentials.awsprof-a1B2c3.tmp",
        ] {
            assert!(!is_our_temp_name(other, "credentials"), "{other}");
        }
    }

    #[test]
    fn a_planted_link_with_the_temp_name_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("credentials");
        fs::write(&target, "x").unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let link = tmp.path().join(".credentials.awsprof-AbC123.tmp");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let stale = tmp.path().join(".credentials.awsprof-XyZ789.tmp");
        fs::write(&stale, "old copy").unwrap();
        assert_eq!(remove_stale_temps(&target).unwrap(), 1);
        assert!(!stale.exists());
        assert!(fs::symlink_metadata(&link).is_ok());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
    }

    #[test]
    fn a_private_write_replaces_a_loose_file_or_a_link_instead_of_following_it() {
        let tmp = tempfile::tempdir().unwrap();
        let loose = tmp.path().join("unlocked");
        fs::write(&loose, "old").unwrap();
        fs::set_permissions(&loose, fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&loose, b"secret").unwrap();
        assert_eq!(fs::read_to_string(&loose).unwrap(), "secret");
        assert_eq!(
            fs::metadata(&loose).unwrap().permissions().mode() & 0o777,
            0o600
        );

        let victim = tmp.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let link = tmp.path().join("planted");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        write_private(&link, b"secret").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(fs::read_to_string(&link).unwrap(), "secret");
    }

    #[test]
    fn removing_state_says_whether_it_was_there_and_never_follows_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let entry = tmp.path().join("entry.json");
        fs::write(&entry, "{}").unwrap();
        assert!(remove_if_present(&entry).unwrap());
        assert!(fs::symlink_metadata(&entry).is_err());
        assert!(!remove_if_present(&entry).unwrap());

        let victim = tmp.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let link = tmp.path().join("planted.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(remove_if_present(&link).unwrap());
        assert!(fs::symlink_metadata(&link).is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
    }
}
