use super::*;
use crate::store::tests::inode_of;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;

fn store_in(tmp: &tempfile::TempDir) -> BackupStore {
    BackupStore {
        dir: tmp.path().join("backups"),
    }
}

fn state<'a>(kind: FileKind, content: Option<&'a str>) -> FileState<'a> {
    FileState {
        kind,
        path: Path::new(match kind {
            FileKind::Config => "/aws/config",
            FileKind::Credentials => "/aws/credentials",
        }),
        content: content.map(str::as_bytes),
        mode: content.map(|_| 0o600),
        replaced: None,
    }
}

/// Backs up a config holding `config` (or none) and a credentials file
/// holding `credentials` (or none), as if they lived in `/aws`.
fn back_up(store: &BackupStore, config: Option<&str>, credentials: Option<&str>) -> Manifest {
    let files = [
        state(FileKind::Config, config),
        state(FileKind::Credentials, credentials),
    ];
    store.create(&files, "awsprof test").unwrap()
}

fn entry(kind: &str) -> BackedUpFile {
    BackedUpFile {
        kind: kind.into(),
        path: PathBuf::from("/aws").join(kind),
        existed: true,
        size: 0,
        sha256: sha256_hex(b""),
        mode: None,
    }
}

fn manifest_of(id: &str, kinds: &[&str]) -> Manifest {
    Manifest {
        id: id.into(),
        created: String::new(),
        command: String::new(),
        files: kinds.iter().map(|k| entry(k)).collect(),
        retired_keys: Vec::new(),
        scrubbed_keys: Vec::new(),
    }
}

/// A complete backup folder `id` of two empty files, written by hand (its
/// time is in its id, so retention can be tried on any age).
fn plant(store: &BackupStore, id: &str) {
    let dir = store.dir.join(id);
    fs::create_dir_all(&dir).unwrap();
    for kind in ["config", "credentials"] {
        fs::write(dir.join(kind), "").unwrap();
    }
    let json = serde_json::to_vec(&manifest_of(id, &["config", "credentials"])).unwrap();
    fs::write(dir.join(MANIFEST), json).unwrap();
}

fn id_at(at: time::OffsetDateTime, n: usize) -> String {
    let stamp = at
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap();
    format!("{stamp}-{n:03}")
}

#[test]
fn a_manifest_must_name_its_folder_and_exactly_one_of_each_file() {
    let good = manifest_of("b1", &["config", "credentials"]);
    good.check("b1").unwrap();
    assert!(matches!(
        good.check("b2"),
        Err(StoreError::BadBackup { .. })
    ));
    for kinds in [
        &["config", "credentials", "config"][..],
        &["credentials", "config", "config"],
        &["config", "other"],
        &["other", "credentials"],
        &["config", "config"],
        &["credentials"],
    ] {
        let err = manifest_of("b1", kinds)
            .check("b1")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("exactly one config and one credentials file"),
            "{kinds:?}: {err}"
        );
    }
    assert_eq!(
        good.file(FileKind::Credentials).unwrap().kind,
        "credentials"
    );
    assert_eq!(good.file(FileKind::Config).unwrap().kind, "config");
    assert_eq!(entry("other").file_kind(), None);
}

#[test]
fn backup_ids_are_plain_names_with_their_time_first() {
    for id in ["20261129T203435Z-001", "a-b_C9", &"x".repeat(64)] {
        assert!(is_backup_id(id), "{id}");
    }
    for id in ["", "..", "a/b", "a b", "a.b", &"x".repeat(65)] {
        assert!(!is_backup_id(id), "{id:?}");
    }
    assert_eq!(
        backup_time("20261129T203435Z-001"),
        Some(time::macros::datetime!(2026-11-29 20:34:35 UTC))
    );
    assert_eq!(backup_time("manual"), None);
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn the_backup_directory_is_the_flag_else_the_variable_else_the_state_directory() {
    let some = |p: &str| Some(PathBuf::from(p));
    assert_eq!(
        backup_dir_of(some("/f"), Some("/v".into()), some("/s"), some("/d")),
        PathBuf::from("/f")
    );
    assert_eq!(
        backup_dir_of(None, Some("/v".into()), some("/s"), some("/d")),
        PathBuf::from("/v")
    );
    assert_eq!(
        backup_dir_of(None, Some("".into()), some("/s"), some("/d")),
        PathBuf::from("/s/awsprof/backups")
    );
    assert_eq!(
        backup_dir_of(None, None, None, some("/d")),
        PathBuf::from("/d/awsprof/backups")
    );
    assert_eq!(
        backup_dir_of(None, None, None, None),
        PathBuf::from(".awsprof-backups")
    );
    assert_eq!(
        BackupStore::locate(Some("/f".into())).dir,
        PathBuf::from("/f")
    );
}

#[test]
fn a_backup_holds_each_file_privately_with_its_hash_and_reads_back_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let manifest = back_up(&store, Some("[profile a]\n"), None);
    assert!(is_backup_id(&manifest.id) && backup_time(&manifest.id).is_some());
    assert_eq!(manifest.command, "awsprof test");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store.dir), 0o700);
    assert_eq!(mode(&store.dir.join(&manifest.id)), 0o700);
    let stored = store.dir.join(&manifest.id).join("config");
    assert_eq!(mode(&stored), 0o600);

    let config = manifest.file(FileKind::Config).unwrap();
    assert_eq!(
        (config.existed, config.size, config.mode),
        (true, 12, Some(0o600))
    );
    assert_eq!(config.sha256, sha256_hex(b"[profile a]\n"));
    assert_eq!(config.path, PathBuf::from("/aws/config"));
    assert_eq!(
        store.content(&manifest, config).unwrap().as_deref(),
        Some(&b"[profile a]\n"[..])
    );
    let credentials = manifest.file(FileKind::Credentials).unwrap();
    assert!(!credentials.existed);
    assert_eq!(store.content(&manifest, credentials).unwrap(), None);
    assert!(!store.dir.join(&manifest.id).join("credentials").exists());

    assert_eq!(store.manifest(&manifest.id).unwrap(), manifest);
    assert_eq!(store.list().unwrap(), vec![manifest.clone()]);
    assert_eq!(store.complete_ids().unwrap(), vec![manifest.id.clone()]);

    // Changed after it was taken, whether its size changed or not.
    fs::write(&stored, "[profile b]\n").unwrap();
    assert!(matches!(
        store.content(&manifest, config),
        Err(StoreError::Tampered { .. })
    ));
    fs::write(&stored, "[profile a]\n\n").unwrap();
    assert!(matches!(
        store.content(&manifest, config),
        Err(StoreError::Tampered { .. })
    ));
}

#[test]
fn backups_taken_in_one_second_get_their_own_folders_oldest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let ids: Vec<String> = (0..3)
        .map(|_| back_up(&store, Some("x"), Some("y")).id)
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 3);
    assert_eq!(store.complete_ids().unwrap(), ids);
    let listed: Vec<String> = store.list().unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(listed, ids);
}

#[test]
fn the_first_backup_of_a_file_is_pinned() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let first = back_up(&store, Some("x"), None);
    back_up(&store, Some("y"), None);
    assert_eq!(store.pinned().unwrap(), BTreeSet::from([first.id.clone()]));
    // The marker is a symbolic link naming the id: nothing to flush. It
    // leads nowhere, so nothing that follows links takes it for a backup.
    let marker = store.pin_marker(Path::new("/aws/config"));
    let target = format!("first-backup:{}", first.id);
    assert_eq!(fs::read_link(&marker).unwrap(), Path::new(&target));
    assert!(!marker.exists());
    assert_ne!(marker, store.pin_marker(Path::new("/aws/credentials")));
    // A marker naming something that cannot be a backup is not believed.
    fs::write(store.dir.join("pinned-0000000000000000"), "../elsewhere").unwrap();
    // Nor is one that is a link to a file naming a backup: markers are
    // never followed.
    let decoy = store.dir.join("decoy");
    fs::write(&decoy, id_at(time::OffsetDateTime::now_utc(), 7)).unwrap();
    std::os::unix::fs::symlink(&decoy, store.dir.join("pinned-1111111111111111")).unwrap();
    // Nor one whose target is a bare id, which is a backup's folder.
    let bare = id_at(time::OffsetDateTime::now_utc(), 8);
    std::os::unix::fs::symlink(&bare, store.dir.join("pinned-2222222222222222")).unwrap();
    assert_eq!(store.pinned().unwrap(), BTreeSet::from([first.id]));
}

#[test]
fn a_pin_written_as_a_file_by_an_earlier_version_still_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let first = back_up(&store, Some("x"), None);
    let marker = store.pin_marker(Path::new("/aws/config"));
    fs::remove_file(&marker).unwrap();
    fs::write(&marker, format!("{}\n", first.id)).unwrap();
    back_up(&store, Some("y"), None);
    assert_eq!(store.pinned().unwrap(), BTreeSet::from([first.id.clone()]));
    // A large file is not read as a marker.
    fs::remove_file(store.pin_marker(Path::new("/aws/credentials"))).unwrap();
    assert_eq!(store.pinned().unwrap(), BTreeSet::from([first.id.clone()]));
    fs::write(&marker, format!("{}\n{}", first.id, " ".repeat(100))).unwrap();
    assert_eq!(store.pinned().unwrap(), BTreeSet::new());
}

#[test]
fn retention_keeps_the_newest_the_young_and_the_pinned() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let now = time::OffsetDateTime::now_utc();
    let old = now - time::Duration::days(400);
    let young = now - time::Duration::days(10);
    let mut ids: Vec<String> = (0..4).map(|n| id_at(old, n + 1)).collect();
    ids.extend((0..RETAINED).map(|n| id_at(young + time::Duration::seconds(n as i64), 1)));
    for id in &ids {
        plant(&store, id);
    }
    // The oldest is the state before awsprof first wrote the file.
    fs::write(store.pin_marker(Path::new("/aws/config")), &ids[0]).unwrap();
    fs::write(store.pin_marker(Path::new("/aws/credentials")), &ids[0]).unwrap();

    let newest = back_up(&store, Some("x"), None);
    // 55 backups, 5 beyond the newest 50: of those, the pinned one and
    // the young one stay.
    let mut kept = vec![ids[0].clone(), ids[4].clone()];
    kept.extend(ids[5..].iter().cloned());
    kept.push(newest.id);
    assert_eq!(store.complete_ids().unwrap(), kept);
}

#[test]
fn a_backup_exactly_as_old_as_the_retention_period_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let now = time::macros::datetime!(2026-12-02 12:00:00 UTC);
    let cutoff = now - time::Duration::days(RETAINED_DAYS);
    let ids: Vec<String> = [
        cutoff - time::Duration::seconds(1),
        cutoff,
        cutoff + time::Duration::seconds(1),
    ]
    .into_iter()
    .chain((0..RETAINED).map(|n| now + time::Duration::seconds(n as i64)))
    .map(|at| id_at(at, 1))
    .collect();
    for id in &ids {
        plant(&store, id);
    }
    assert_eq!(store.retain_at(now).unwrap(), vec![ids[0].clone()]);
}

#[test]
fn retention_does_nothing_up_to_its_count() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let old = time::OffsetDateTime::now_utc() - time::Duration::days(400);
    for n in 0..RETAINED - 1 {
        plant(&store, &id_at(old, n + 1));
    }
    back_up(&store, Some("x"), None);
    assert_eq!(store.complete_ids().unwrap().len(), RETAINED);
    assert_eq!(store.retain().unwrap(), Vec::<String>::new());
}

#[test]
fn prune_plans_all_but_the_newest_and_removes_only_backup_names() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let ids: Vec<String> = (1..=4)
        .map(|n| format!("20260101T000000Z-{n:03}"))
        .collect();
    for id in &ids {
        plant(&store, id);
    }
    // Incomplete (no manifest) and not a backup name: neither is counted.
    fs::create_dir(store.dir.join("20260101T000000Z-000")).unwrap();
    fs::create_dir(store.dir.join("not a backup")).unwrap();
    assert_eq!(store.prune_plan(1).unwrap(), ids[..3].to_vec());
    assert_eq!(store.prune_plan(10).unwrap(), Vec::<String>::new());
    let asked = vec![ids[0].clone(), "../backups".to_string(), ids[1].clone()];
    assert_eq!(store.remove(&asked).unwrap(), ids[..2].to_vec());
    assert_eq!(store.complete_ids().unwrap(), ids[2..].to_vec());
    assert!(tmp.path().join("backups").is_dir());
}

#[test]
fn a_retired_key_is_marked_in_every_backup_that_holds_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let holds = back_up(&store, None, Some("[a]\naws_access_key_id = AKIAOLD\n"));
    let other = back_up(&store, None, Some("[a]\naws_access_key_id = AKIANEW\n"));
    assert_eq!(
        store.mark_retired("AKIAOLD").unwrap(),
        vec![holds.id.clone()]
    );
    assert_eq!(store.manifest(&holds.id).unwrap().retired_keys, ["AKIAOLD"]);
    assert!(store.manifest(&other.id).unwrap().retired_keys.is_empty());
    // Marked once, however often it is retired.
    assert_eq!(
        store.mark_retired("AKIAOLD").unwrap(),
        vec![holds.id.clone()]
    );
    assert_eq!(store.manifest(&holds.id).unwrap().retired_keys, ["AKIAOLD"]);
}

#[test]
fn a_scrubbed_secret_leaves_every_backup_that_held_it_still_checking_out() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let text = "[a]\naws_secret_access_key = SECRET1\n";
    let holds = back_up(&store, Some("# SECRET1\n"), Some(text));
    let other = back_up(&store, None, Some("[b]\n"));
    assert_eq!(
        store.scrub("AKIA1", "SECRET1", "vault:a").unwrap(),
        vec![holds.id.clone()]
    );
    let scrubbed = store.manifest(&holds.id).unwrap();
    assert_eq!(scrubbed.scrubbed_keys, ["AKIA1"]);
    for (kind, expected) in [
        (FileKind::Config, "# vault:a\n"),
        (
            FileKind::Credentials,
            "[a]\naws_secret_access_key = vault:a\n",
        ),
    ] {
        let file = scrubbed.file(kind).unwrap();
        let bytes = store.content(&scrubbed, file).unwrap().unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    }
    assert_eq!(store.manifest(&other.id).unwrap(), other);
    assert_eq!(
        store.scrub("AKIA1", "SECRET1", "vault:a").unwrap(),
        Vec::<String>::new()
    );
    // Scrubbed again for the same key: it is listed once.
    store.scrub("AKIA1", "vault:a", "vault:b").unwrap();
    assert_eq!(store.manifest(&holds.id).unwrap().scrubbed_keys, ["AKIA1"]);
}

#[test]
fn an_unknown_or_incomplete_backup_is_not_found_and_a_broken_one_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    assert!(store.list().unwrap().is_empty(), "no directory yet");
    let kept = back_up(&store, Some("x"), None);
    let missing = |id: &str| matches!(store.manifest(id), Err(StoreError::NoSuchBackup { .. }));
    assert!(missing("20990101T000000Z-001"));
    assert!(missing("../backups"));
    fs::create_dir(store.dir.join("20260101T000000Z-001")).unwrap();
    assert!(missing("20260101T000000Z-001"), "no manifest: incomplete");

    fs::create_dir_all(store.dir.join("20260101T000000Z-002").join(MANIFEST)).unwrap();
    assert!(matches!(
        store.manifest("20260101T000000Z-002"),
        Err(StoreError::Io { .. })
    ));
    fs::create_dir(store.dir.join("20260101T000000Z-003")).unwrap();
    fs::write(store.dir.join("20260101T000000Z-003").join(MANIFEST), "{").unwrap();
    assert!(matches!(
        store.manifest("20260101T000000Z-003"),
        Err(StoreError::BadBackup { .. })
    ));
    assert_eq!(
        store.list().unwrap(),
        vec![kept],
        "the broken ones are left out"
    );
}

#[test]
fn a_file_about_to_be_replaced_is_linked_only_when_it_holds_what_was_read() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("config");
    fs::write(&live, "[profile a]\n").unwrap();
    let stored = tmp.path().join("stored");
    assert!(!link_as_backup(&live, &stored, b"[profile b]\n"));
    assert!(!stored.exists(), "a refused link leaves nothing");
    assert!(!link_as_backup(&live, &stored, b"[profile a]\n[x]\n"));
    assert!(!stored.exists());
    assert!(link_as_backup(&live, &stored, b"[profile a]\n"));
    assert_eq!(fs::metadata(&stored).unwrap().nlink(), 2);
    let third = tmp.path().join("third");
    assert!(
        !link_as_backup(&live, &third, b"[profile a]\n"),
        "a third name"
    );
    assert!(!third.exists());
    assert!(!link_as_backup(&tmp.path().join("missing"), &third, b""));

    fs::remove_file(&stored).unwrap();
    for writable_by_others in [0o620, 0o602] {
        fs::set_permissions(&live, fs::Permissions::from_mode(writable_by_others)).unwrap();
        assert!(!link_as_backup(&live, &stored, b"[profile a]\n"));
        assert!(!stored.exists());
    }
    fs::set_permissions(&live, fs::Permissions::from_mode(0o644)).unwrap();
    assert!(link_as_backup(&live, &stored, b"[profile a]\n"));
}

#[test]
fn settling_keeps_a_link_only_once_its_file_was_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let live = tmp.path().join("config");
    fs::write(&live, "[profile a]\n").unwrap();
    fs::set_permissions(&live, fs::Permissions::from_mode(0o644)).unwrap();
    let mut files = [
        state(FileKind::Config, Some("[profile a]\n")),
        state(FileKind::Credentials, Some("[a]\n")),
    ];
    files[0].replaced = Some(&live);
    let manifest = store.create(&files, "awsprof test").unwrap();
    let stored = store.dir.join(&manifest.id).join("config");
    assert_eq!(fs::metadata(&stored).unwrap().nlink(), 2, "linked");

    // The replacement did not happen: the backup becomes a copy.
    store
        .settle(&manifest, &[FileKind::Config], |kind| {
            files[usize::from(kind == FileKind::Credentials)].content
        })
        .unwrap();
    let meta = fs::metadata(&stored).unwrap();
    assert_eq!((meta.nlink(), meta.mode() & 0o777), (1, 0o600));
    assert_eq!(fs::metadata(&live).unwrap().nlink(), 1);
    fs::write(&live, "changed in place\n").unwrap();
    assert_eq!(
        store
            .content(&manifest, &manifest.files[0])
            .unwrap()
            .as_deref(),
        Some(&b"[profile a]\n"[..])
    );

    // Replaced: the old inode stays the backup, made private; the
    // backup of a file that was not replaced is not touched.
    fs::write(&live, "[profile a]\n").unwrap();
    let manifest = store.create(&files, "awsprof test").unwrap();
    let stored = store.dir.join(&manifest.id).join("config");
    let linked = fs::metadata(&stored).unwrap().ino();
    let copy = store.dir.join(&manifest.id).join("credentials");
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o400)).unwrap();
    fs::write(tmp.path().join("new"), "[profile b]\n").unwrap();
    fs::rename(tmp.path().join("new"), &live).unwrap();
    store
        .settle(&manifest, &[FileKind::Config], |_| None)
        .unwrap();
    let meta = fs::metadata(&stored).unwrap();
    assert_eq!(
        (meta.ino(), meta.nlink(), meta.mode() & 0o777),
        (linked, 1, 0o600)
    );
    assert_eq!(fs::metadata(&copy).unwrap().mode() & 0o777, 0o400);
}

#[test]
fn a_link_in_the_backup_directory_is_no_backup_whatever_it_points_to() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let real = back_up(&store, Some("x"), Some("y"));
    let link = "20991231T000000Z-001";
    std::os::unix::fs::symlink(store.dir.join(&real.id), store.dir.join(link)).unwrap();
    assert_eq!(store.complete_ids().unwrap(), vec![real.id.clone()]);
    assert_eq!(store.list().unwrap(), vec![real]);
    assert!(matches!(
        store.manifest(link),
        Err(StoreError::NoSuchBackup { .. })
    ));
}

#[test]
fn a_file_backed_up_again_unchanged_shares_the_newest_backups_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let first = back_up(&store, Some("[profile a]\n"), Some("[a]\n"));
    let second = back_up(&store, Some("[profile b]\n"), Some("[a]\n"));
    let stored = |m: &Manifest, kind: &str| store.dir.join(&m.id).join(kind);
    let (shared, links, _) = inode_of(&stored(&second, "credentials"));
    assert_eq!(
        (shared, links),
        (inode_of(&stored(&first, "credentials")).0, 2),
        "the unchanged file is the newest backup's copy, linked"
    );
    assert_ne!(
        inode_of(&stored(&second, "config")).0,
        inode_of(&stored(&first, "config")).0
    );
    // Each backup keeps it when the other goes.
    store.remove(std::slice::from_ref(&first.id)).unwrap();
    let credentials = second.file(FileKind::Credentials).unwrap();
    assert_eq!(
        store.content(&second, credentials).unwrap().as_deref(),
        Some(&b"[a]\n"[..])
    );
    assert_eq!(inode_of(&stored(&second, "credentials")).1, 1);

    // Scrubbing rewrites each backup's file on its own.
    let third = back_up(&store, Some("[profile b]\n"), Some("[a]\n"));
    assert_eq!(inode_of(&stored(&third, "credentials")).1, 2);
    store.scrub("AKIA", "[a]", "[x]").unwrap();
    for manifest in store.list().unwrap() {
        let file = manifest.file(FileKind::Credentials).unwrap();
        assert_eq!(
            store.content(&manifest, file).unwrap().as_deref(),
            Some(&b"[x]\n"[..])
        );
    }
}

#[test]
fn an_earlier_file_is_shared_only_when_it_is_a_private_copy_of_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(&tmp);
    let shared = |earlier: &Manifest, later: &Manifest| {
        let stored = |m: &Manifest| store.dir.join(&m.id).join("credentials");
        let same = inode_of(&stored(later)).0 == inode_of(&stored(earlier)).0;
        let file = later.file(FileKind::Credentials).unwrap();
        assert_eq!(
            store.content(later, file).unwrap().as_deref(),
            Some(&b"[a]\n"[..])
        );
        same
    };
    // The same length, other bytes.
    let earlier = back_up(&store, None, Some("[b]\n"));
    let later = back_up(&store, None, Some("[a]\n"));
    assert!(!shared(&earlier, &later));
    // Readable by others: not a copy awsprof keeps.
    let earlier = later;
    let earlier_file = store.dir.join(&earlier.id).join("credentials");
    fs::set_permissions(&earlier_file, fs::Permissions::from_mode(0o644)).unwrap();
    let later = back_up(&store, None, Some("[a]\n"));
    assert!(!shared(&earlier, &later));
    // A symbolic link, whatever it points to.
    let earlier = later;
    let earlier_file = store.dir.join(&earlier.id).join("credentials");
    let target = tmp.path().join("elsewhere");
    fs::write(&target, "[a]\n").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
    fs::remove_file(&earlier_file).unwrap();
    std::os::unix::fs::symlink(&target, &earlier_file).unwrap();
    let later = back_up(&store, None, Some("[a]\n"));
    let stored = store.dir.join(&later.id).join("credentials");
    assert!(!fs::symlink_metadata(&stored).unwrap().is_symlink());
    assert_ne!(inode_of(&stored).0, inode_of(&target).0);
    // The live file itself, though private: a write to it in place would
    // reach the backup.
    let live = store.dir.join(&later.id).join("credentials");
    let files = [
        state(FileKind::Config, None),
        FileState {
            path: &live,
            ..state(FileKind::Credentials, Some("[a]\n"))
        },
    ];
    let newest = store.create(&files, "awsprof test").unwrap();
    assert!(!shared(&later, &newest));
    // A private copy of the same bytes is shared.
    let again = back_up(&store, None, Some("[a]\n"));
    assert!(shared(&newest, &again));
}
