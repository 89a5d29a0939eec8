use super::*;
use std::path::Path;

fn read_as(path: &Path, bytes: &[u8]) -> SourceFile {
    SourceFile::from_bytes(FileKind::Config, path, bytes).unwrap()
}

#[test]
fn a_file_is_unchanged_only_when_every_byte_is_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("config");
    // Longer than one 64 KiB chunk, so that the comparison goes on after it.
    let text = "[profile p]\nregion = us-east-1\n".repeat(4000);
    std::fs::write(&path, &text).unwrap();
    let file = read_as(&path, text.as_bytes());
    assert!(unchanged_on_disk(&file).unwrap());

    let mut last_byte = text.clone().into_bytes();
    *last_byte.last_mut().unwrap() = b'x';
    std::fs::write(&path, &last_byte).unwrap();
    assert!(!unchanged_on_disk(&file).unwrap(), "the last byte differs");

    std::fs::write(&path, format!("{text}#")).unwrap();
    assert!(!unchanged_on_disk(&file).unwrap(), "one byte more");
    std::fs::write(&path, &text[..text.len() - 1]).unwrap();
    assert!(!unchanged_on_disk(&file).unwrap(), "one byte less");
    std::fs::write(&path, "").unwrap();
    assert!(!unchanged_on_disk(&file).unwrap(), "emptied");
}

/// A reader that hands out at most 3 bytes a call and is interrupted
/// before every other call, as a pipe or a signal may make a read.
struct Stuttering<'a> {
    bytes: &'a [u8],
    interrupt_next: bool,
}

impl std::io::Read for Stuttering<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.interrupt_next = !self.interrupt_next;
        if !self.interrupt_next {
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        let n = buf.len().min(3).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn a_comparison_goes_on_across_short_and_interrupted_reads() {
    let stuttering = |bytes| Stuttering {
        bytes,
        interrupt_next: false,
    };
    let text = b"[profile p]\nregion = us-east-1\n";
    assert!(holds_exactly(stuttering(text), text).unwrap());
    assert!(!holds_exactly(stuttering(text), &text[..text.len() - 1]).unwrap());
    assert!(!holds_exactly(stuttering(&text[..text.len() - 1]), text).unwrap());
    let mut changed = *text;
    changed[20] = b'X';
    assert!(!holds_exactly(stuttering(&changed), text).unwrap());
}

#[test]
fn a_missing_file_is_unchanged_only_if_it_was_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("credentials");
    let missing = SourceFile::missing(FileKind::Credentials, &path);
    assert!(unchanged_on_disk(&missing).unwrap());
    std::fs::write(&path, "").unwrap();
    assert!(!unchanged_on_disk(&missing).unwrap(), "created meanwhile");
    let read = read_as(&path, b"");
    assert!(unchanged_on_disk(&read).unwrap());
    std::fs::remove_file(&path).unwrap();
    assert!(!unchanged_on_disk(&read).unwrap(), "removed meanwhile");
    // A path that cannot be opened is an error, not "unchanged".
    let not_a_dir = tmp.path().join("credentials/inside");
    std::fs::write(&path, "").unwrap();
    let inside = read_as(&not_a_dir, b"");
    assert!(unchanged_on_disk(&inside).is_err());
    // Opened, but a directory cannot be read: an error too.
    let directory = read_as(tmp.path(), b"");
    assert!(unchanged_on_disk(&directory).is_err());
}

#[test]
fn raw_files_are_read_as_bytes_and_a_missing_one_is_none() {
    let tmp = tempfile::tempdir().unwrap();
    let locations = Locations {
        config: tmp.path().join("config"),
        credentials: tmp.path().join("credentials"),
    };
    std::fs::write(&locations.config, b"\xff not utf-8").unwrap();
    let raw = RawFiles::read(&locations).unwrap();
    assert_eq!(raw.get(FileKind::Config), Some(&b"\xff not utf-8"[..]));
    assert_eq!(raw.get(FileKind::Credentials), None);
    std::fs::write(&locations.credentials, b"[a]\n").unwrap();
    let raw = RawFiles::read(&locations).unwrap();
    assert_eq!(raw.get(FileKind::Credentials), Some(&b"[a]\n"[..]));
    std::fs::create_dir(tmp.path().join("dir")).unwrap();
    let unreadable = Locations {
        config: tmp.path().join("dir"),
        credentials: locations.credentials.clone(),
    };
    assert!(RawFiles::read(&unreadable).is_err());
}

#[test]
fn io_errors_say_what_to_do_for_permissions_and_read_only_file_systems() {
    let error = |kind| {
        StoreError::Io {
            path: "/x/config".into(),
            action: "write",
            source: std::io::Error::from(kind),
        }
        .to_string()
    };
    assert!(error(std::io::ErrorKind::PermissionDenied)
        .ends_with("; check the permissions of the file and its directory. Nothing was changed"));
    assert!(error(std::io::ErrorKind::ReadOnlyFilesystem)
        .ends_with("; the file system is read-only. Nothing was changed"));
    assert!(error(std::io::ErrorKind::NotFound).starts_with("/x/config: cannot write: "));
    assert!(!error(std::io::ErrorKind::NotFound).contains("Nothing was changed"));
}

#[test]
fn an_unknown_backup_suggests_close_ids_only_when_there_are_some() {
    let missing = |suggestions: Vec<String>| {
        StoreError::NoSuchBackup {
            id: "2026".into(),
            dir: "/b".into(),
            suggestions,
        }
        .to_string()
    };
    assert_eq!(
        missing(vec![]),
        "no backup `2026` in /b; `awsprof backup list` shows them"
    );
    assert_eq!(
        missing(vec!["a".into(), "b".into()]),
        "no backup `2026` in /b (did you mean a, b?); `awsprof backup list` shows them"
    );
}

#[test]
fn dry_run_is_chosen_by_its_flag() {
    assert_eq!(Commit::dry_run(true), Commit::DryRun);
    assert_eq!(Commit::dry_run(false), Commit::Write);
}

/// A store whose backups and locks live in `tmp`, and the two files beside them.
fn store_in(tmp: &Path) -> (Store, Locations) {
    let store = Store {
        backups: BackupStore {
            dir: tmp.join("backups"),
        },
        command: "awsprof test".into(),
        state_root: tmp.join("state"),
    };
    let aws = tmp.join("aws");
    std::fs::create_dir_all(&aws).unwrap();
    let locations = Locations {
        config: aws.join("config"),
        credentials: aws.join("credentials"),
    };
    (store, locations)
}

#[test]
fn a_restore_puts_back_what_differs_after_backing_up_the_present() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\n").unwrap();
    let before = store.backup(&locations).unwrap();

    let unchanged = store.restore(&before, &locations, false).unwrap();
    assert!(unchanged.files.is_empty() && unchanged.previous.is_none());

    std::fs::write(&locations.config, "[profile b]\n").unwrap();
    std::fs::write(&locations.credentials, "[b]\n").unwrap();
    let restored = store.restore(&before, &locations, false).unwrap();
    assert_eq!(
        restored.files,
        vec![locations.config.clone(), locations.credentials.clone()]
    );
    assert_eq!(
        std::fs::read_to_string(&locations.config).unwrap(),
        "[profile a]\n"
    );
    assert!(
        !locations.credentials.exists(),
        "absent when backed up, so removed"
    );
    let previous = restored.previous.expect("the state before the restore");
    let undone = store.restore(&previous, &locations, false).unwrap();
    assert_eq!(undone.files.len(), 2);
    assert_eq!(
        std::fs::read_to_string(&locations.credentials).unwrap(),
        "[b]\n"
    );
}

#[test]
fn a_backup_of_other_paths_is_restored_only_when_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\n").unwrap();
    let manifest = store.backup(&locations).unwrap();
    assert!(moved_paths(&manifest, &locations).is_empty());

    // The same files through links to them have not moved.
    let spelled = Locations {
        config: tmp.path().join("config-link"),
        credentials: tmp.path().join("credentials-link"),
    };
    std::os::unix::fs::symlink(&locations.config, &spelled.config).unwrap();
    std::os::unix::fs::symlink(&locations.credentials, &spelled.credentials).unwrap();
    assert!(moved_paths(&manifest, &spelled).is_empty());

    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let other = Locations {
        config: elsewhere.join("config"),
        credentials: locations.credentials.clone(),
    };
    assert_eq!(
        moved_paths(&manifest, &other),
        vec![(
            FileKind::Config,
            locations.config.clone(),
            other.config.clone()
        )]
    );
    let err = store.restore(&manifest, &other, false).unwrap_err();
    assert!(matches!(err, StoreError::OtherPaths { .. }), "{err}");
    assert!(!other.config.exists(), "nothing written when refused");
    let forced = store.restore(&manifest, &other, true).unwrap();
    assert_eq!(forced.files, vec![other.config.clone()]);
    assert_eq!(
        std::fs::read_to_string(&other.config).unwrap(),
        "[profile a]\n"
    );
}

#[test]
fn a_mode_change_is_backed_up_and_skipped_when_already_so() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.credentials, "[a]\n").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    std::fs::set_permissions(
        &locations.credentials,
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let backup = store
        .set_mode(&locations, &locations.credentials, 0o600)
        .unwrap()
        .expect("a change, backed up");
    assert_eq!(mode(&locations.credentials), 0o600);
    let kept = backup.file(FileKind::Credentials).unwrap();
    assert_eq!(kept.mode, Some(0o644));
    assert!(store
        .set_mode(&locations, &locations.credentials, 0o600)
        .unwrap()
        .is_none());
    assert_eq!(store.backups.list().unwrap().len(), 1);
}

type EditResult = Result<(), crate::error::Error>;

fn set_region(files: &mut ProfileFiles, region: &str) {
    files.set_property(FileKind::Config, "a", "region", region);
}

/// Profile `a`'s region set to eu-west-1 through the store.
fn set_region_to_eu_west_1(store: &Store, locations: &Locations) -> Written {
    update_region(store, locations, "eu-west-1")
}

/// Profile `a`'s region set to `region` through the store.
fn update_region(store: &Store, locations: &Locations, region: &str) -> Written {
    let ((), written, _) = store
        .update(locations, None, |files| -> EditResult {
            set_region(files, region);
            Ok(())
        })
        .unwrap();
    written
}

#[test]
fn an_update_writes_the_edit_after_backing_up_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\nregion = us-east-1\n").unwrap();
    std::fs::write(&locations.credentials, "[a]\n").unwrap();
    let ((), written, _) = store
        .update(&locations, None, |files| -> EditResult {
            for path in [&locations.config, &locations.credentials] {
                let taken = lock::acquire(&store.state_root, path, Duration::ZERO);
                assert!(
                    matches!(taken, Err(StoreError::LockTimeout { .. })),
                    "{} is locked during the edit",
                    path.display()
                );
            }
            set_region(files, "eu-west-1");
            Ok(())
        })
        .unwrap();
    assert_eq!(written.changed, vec![FileKind::Config]);
    assert_eq!(
        std::fs::read_to_string(&locations.config).unwrap(),
        "[profile a]\nregion = eu-west-1\n"
    );
    let backup = written.backup.expect("backed up");
    assert_eq!(store.backups.list().unwrap(), vec![backup.clone()]);
    let config = backup.file(FileKind::Config).unwrap();
    assert_eq!(
        store.backups.content(&backup, config).unwrap().as_deref(),
        Some(&b"[profile a]\nregion = us-east-1\n"[..])
    );

    // Nothing to change: nothing written, no backup.
    let written = set_region_to_eu_west_1(&store, &locations);
    assert!(written.changed.is_empty() && written.backup.is_none());
    assert_eq!(store.backups.list().unwrap().len(), 1);
}

/// Inode number, link count and permission bits of `path`.
pub(super) fn inode_of(path: &Path) -> (u64, u64, u32) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).unwrap();
    (meta.ino(), meta.nlink(), meta.mode() & 0o7777)
}

#[test]
fn the_replaced_file_itself_becomes_the_backup_and_an_unchanged_one_is_copied() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\nregion = us-east-1\n").unwrap();
    std::fs::write(&locations.credentials, "[a]\n").unwrap();
    std::fs::set_permissions(&locations.config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (old_config, _, _) = inode_of(&locations.config);
    let written = set_region_to_eu_west_1(&store, &locations);
    let backup = written.backup.unwrap();
    let stored = |kind: FileKind| store.backups.dir.join(&backup.id).join(kind.label());
    assert_eq!(
        inode_of(&stored(FileKind::Config)),
        (old_config, 1, 0o600),
        "the old inode, the backup's alone, private"
    );
    assert_eq!(
        inode_of(&locations.config).2,
        0o644,
        "the new file keeps the mode"
    );
    assert_ne!(
        inode_of(&stored(FileKind::Credentials)).0,
        inode_of(&locations.credentials).0,
        "a file that stays in place is copied: a write to it in place must not reach the backup"
    );
    assert_eq!(backup.file(FileKind::Config).unwrap().mode, Some(0o644));
    assert_eq!(
        store
            .backups
            .content(&backup, backup.file(FileKind::Config).unwrap())
            .unwrap()
            .as_deref(),
        Some(&b"[profile a]\nregion = us-east-1\n"[..])
    );
}

#[test]
fn a_file_left_in_place_shares_the_earlier_backups_copy_never_the_live_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\nregion = us-east-1\n").unwrap();
    std::fs::write(&locations.credentials, "[a]\n").unwrap();
    let first = set_region_to_eu_west_1(&store, &locations).backup.unwrap();
    let second = update_region(&store, &locations, "us-east-1")
        .backup
        .unwrap();
    let stored = |id: &str| store.backups.dir.join(id).join("credentials");
    assert_eq!(
        inode_of(&stored(&second.id)).0,
        inode_of(&stored(&first.id)).0
    );
    assert_ne!(
        inode_of(&stored(&second.id)).0,
        inode_of(&locations.credentials).0
    );
    std::fs::write(&locations.credentials, "[a]\n# changed in place\n").unwrap();
    for backup in [&first, &second] {
        let file = backup.file(FileKind::Credentials).unwrap();
        assert_eq!(
            store.backups.content(backup, file).unwrap().as_deref(),
            Some(&b"[a]\n"[..])
        );
    }
}

#[test]
fn a_file_with_another_name_is_copied_into_its_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\n").unwrap();
    let other_name = tmp.path().join("config-elsewhere");
    std::fs::hard_link(&locations.config, &other_name).unwrap();
    let written = set_region_to_eu_west_1(&store, &locations);
    let stored = store
        .backups
        .dir
        .join(written.backup.unwrap().id)
        .join("config");
    assert_eq!(inode_of(&stored).1, 1);
    assert_ne!(inode_of(&stored).0, inode_of(&other_name).0);
    std::fs::write(&other_name, "changed in place\n").unwrap();
    assert_eq!(std::fs::read(&stored).unwrap(), b"[profile a]\n");
}

#[test]
fn a_dry_run_says_what_would_change_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    let text = "[profile a]\nregion = us-east-1\n";
    std::fs::write(&locations.config, text).unwrap();
    let ((), written, files) = store
        .transact(&locations, None, Commit::DryRun, |files| -> EditResult {
            set_region(files, "eu-west-1");
            Ok(())
        })
        .unwrap();
    assert_eq!(written.changed, vec![FileKind::Config]);
    assert!(written.backup.is_none());
    assert_eq!(
        files.config.changed_bytes().unwrap(),
        b"[profile a]\nregion = eu-west-1\n"
    );
    assert_eq!(std::fs::read_to_string(&locations.config).unwrap(), text);
    assert!(!store.backups.dir.exists() && !store.state_root.exists());
}

/// An edit during which another program changes `changed_meanwhile`
/// (once): the edit must be redone on the new content, keeping that change.
fn redone_after_a_foreign_change(changed_meanwhile: FileKind) {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\nregion = us-east-1\n").unwrap();
    std::fs::write(&locations.credentials, "[a]\n").unwrap();
    let mut attempts = 0;
    store
        .update(&locations, None, |files| -> EditResult {
            attempts += 1;
            if attempts == 1 {
                let (path, text) = match changed_meanwhile {
                    FileKind::Config => (
                        &locations.config,
                        "[profile a]\nregion = us-east-1\noutput = json\n",
                    ),
                    FileKind::Credentials => (&locations.credentials, "[a]\n# theirs\n"),
                };
                std::fs::write(path, text).unwrap();
            }
            set_region(files, "eu-west-1");
            Ok(())
        })
        .unwrap();
    assert_eq!(attempts, 2, "{changed_meanwhile:?}");
    let config = std::fs::read_to_string(&locations.config).unwrap();
    let credentials = std::fs::read_to_string(&locations.credentials).unwrap();
    match changed_meanwhile {
        FileKind::Config => {
            assert_eq!(config, "[profile a]\nregion = eu-west-1\noutput = json\n")
        }
        FileKind::Credentials => {
            assert_eq!(config, "[profile a]\nregion = eu-west-1\n");
            assert_eq!(credentials, "[a]\n# theirs\n");
        }
    }
}

#[test]
fn a_change_made_meanwhile_to_either_file_is_kept() {
    redone_after_a_foreign_change(FileKind::Config);
    redone_after_a_foreign_change(FileKind::Credentials);
}

#[test]
fn files_that_keep_changing_are_given_up_on_without_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\n").unwrap();
    let mut attempts = 0;
    let err = store
        .update(&locations, None, |files| -> EditResult {
            attempts += 1;
            std::fs::write(&locations.config, format!("[profile a]\n# {attempts}\n")).unwrap();
            set_region(files, "eu-west-1");
            Ok(())
        })
        .unwrap_err();
    assert!(
        matches!(err, crate::error::Error::Store(StoreError::KeptChanging)),
        "{err}"
    );
    assert_eq!(attempts, ATTEMPTS);
    assert!(store.backups.list().unwrap().is_empty());
}

#[test]
fn leftovers_of_a_killed_writer_are_cleared() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\n").unwrap();
    // A staged write never committed nor dropped: what a kill leaves.
    std::mem::forget(StagedWrite::prepare(&locations.config, b"x").unwrap());
    let entries = || {
        std::fs::read_dir(locations.config.parent().unwrap())
            .unwrap()
            .count()
    };
    assert_eq!(entries(), 2);
    store.clear_leftovers(&locations).unwrap();
    assert_eq!(entries(), 1, "only the config itself is left");
}

#[test]
fn a_backup_keeps_each_files_bytes_and_permission_bits() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.credentials, "[a]\n").unwrap();
    std::fs::set_permissions(
        &locations.credentials,
        std::fs::Permissions::from_mode(0o4640),
    )
    .unwrap();
    let manifest = store.backup(&locations).unwrap();
    let credentials = manifest.file(FileKind::Credentials).unwrap();
    assert_eq!(credentials.mode, Some(0o4640));
    assert!(credentials.existed);
    let config = manifest.file(FileKind::Config).unwrap();
    assert!(!config.existed && config.mode.is_none());
}

#[test]
fn two_names_for_one_file_take_its_lock_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\n").unwrap();
    std::os::unix::fs::symlink(&locations.config, &locations.credentials).unwrap();
    let locks = store.lock(&locations).unwrap();
    assert_eq!(locks.len(), 1);
}

/// Tests whose checks of "the user's own" cannot fail when run as root
/// (CI runs as root): `the_store_tests_pass_for_a_user_other_than_root`
/// runs them again as `nobody`.
const AS_ANOTHER_USER: &[&str] = &[
    "store::private_dir::tests::created_private_and_refused_when_shared_or_linked",
    "store::private_dir::tests::someone_elses_directory_is_refused",
    "store::private_dir::tests::what_is_not_a_directory_is_refused_and_other_failures_are_errors",
    "store::lock::tests::a_held_lock_is_waited_for_and_then_taken",
    "store::lock::tests::a_lock_file_that_is_a_link_a_fifo_or_someone_elses_is_refused",
    "store::atomic::tests::a_replaced_file_keeps_its_mode_and_a_new_one_is_private",
    "store::atomic::tests::run_as_root_a_replaced_file_keeps_its_owner_and_group",
    "store::atomic::tests::a_planted_link_with_the_temp_name_is_left_alone",
    "store::journal::tests::records_are_private_and_survive_until_removed",
    "store::backup::tests::a_backup_holds_each_file_privately_with_its_hash_and_reads_back_checked",
    "store::tests::an_update_writes_the_edit_after_backing_up_both_files",
];

#[test]
fn the_store_tests_pass_for_a_user_other_than_root() {
    use std::os::unix::process::CommandExt;
    if private_dir::own_uid() != 0 {
        // Every test here already runs as an ordinary user.
        return;
    }
    const NOBODY: u32 = 65534;
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(tmp.path(), Some(NOBODY), Some(NOBODY)).unwrap();
    // Someone else's file that others may write, for the atomic write test.
    let foreign = tmp.path().join("foreign-credentials");
    std::fs::write(&foreign, "x").unwrap();
    std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::os::unix::fs::chown(&foreign, Some(4321), Some(4321)).unwrap();
    let run = |exe: &Path| {
        // (std drops root's supplementary groups along with its uid.)
        std::process::Command::new(exe)
            .args(AS_ANOTHER_USER)
            .args(["--exact", "--test-threads=1", "-q"])
            .env("TMPDIR", tmp.path())
            .env("HOME", tmp.path())
            .env(super::atomic::FOREIGN_FILE_VARIABLE, &foreign)
            .current_dir(tmp.path())
            .gid(NOBODY)
            .uid(NOBODY)
            .output()
    };
    let exe = std::env::current_exe().unwrap();
    let output = match run(&exe) {
        // The build directory is not open to other users: run a copy.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            let copy = tmp.path().join("store-tests");
            std::fs::copy(&exe, &copy).unwrap();
            run(&copy)
        }
        other => other,
    }
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    let passed = format!("{} passed; 0 failed", AS_ANOTHER_USER.len());
    assert!(stdout.contains(&passed), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&foreign).unwrap(),
        "y",
        "rewritten by nobody"
    );
}

#[test]
fn a_staged_marker_never_replaces_one_that_appeared_meanwhile() {
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("pinned-0123");
    let first = StagedWrite::prepare(&marker, b"first").unwrap();
    let second = StagedWrite::prepare(&marker, b"second").unwrap();
    assert!(first.rename_into_place_unless_present().unwrap());
    assert!(!second.rename_into_place_unless_present().unwrap());
    assert_eq!(std::fs::read(&marker).unwrap(), b"first");
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "the refused temp file is removed");
}

#[test]
fn the_first_backup_of_each_file_is_pinned_and_a_later_one_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, locations) = store_in(tmp.path());
    std::fs::write(&locations.config, "[profile a]\nregion = us-east-1\n").unwrap();
    let first = set_region_to_eu_west_1(&store, &locations).backup.unwrap();
    let pinned = store.backups.pinned().unwrap();
    assert_eq!(
        pinned.into_iter().collect::<Vec<_>>(),
        vec![first.id.clone()]
    );
    let later = update_region(&store, &locations, "ap-south-1")
        .backup
        .unwrap();
    assert_ne!(later.id, first.id);
    let pinned = store.backups.pinned().unwrap();
    assert_eq!(pinned.into_iter().collect::<Vec<_>>(), vec![first.id]);
}
