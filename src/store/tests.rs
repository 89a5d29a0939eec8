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
