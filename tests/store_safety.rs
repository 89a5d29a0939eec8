//! The write path under stress, with real files and real processes.

mod support;

use proptest::prelude::*;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{Sandbox, AWSPROF};

const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A config with many profiles, so that a write takes long enough to be
/// interrupted at many different instants.
fn big_config(profiles: usize) -> String {
    (0..profiles)
        .map(|i| format!("# team {i}\n[profile p{i}]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/r{i}\ncredential_source = Environment\n\n"))
        .collect()
}

/// awsprof's temp files beside the sandbox's files.
fn temp_files(sb: &Sandbox) -> Vec<String> {
    std::fs::read_dir(sb.home().join(".aws"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".awsprof-") && n.ends_with(".tmp"))
        .collect()
}

#[test]
fn sigkill_at_any_instant_leaves_old_or_new_file_whole() {
    let old = big_config(3000);
    let sb = Sandbox::new(&old, "");
    // How long one uninterrupted write takes: kills are spread over it.
    let started = Instant::now();
    sb.awsprof(&["profile", "set", "p2999", "region", "ap-south-1"])
        .ok();
    let lifetime_us = (started.elapsed().as_micros() as u64).max(1000) * 6 / 5;
    let mut seen_new = 0;
    let mut killed = 0;
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut leftovers_seen = 0;
    for i in 0..150 {
        sb.write_config(&old);
        let mut child = sb
            .command(AWSPROF)
            .args([
                "profile",
                "set",
                "p2999",
                "region",
                &format!("eu-west-{}", i % 3 + 1),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % lifetime_us));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let now = sb.read_config();
        let new = old.replace(
            "[profile p2999]\nregion = us-east-1\n",
            &format!("[profile p2999]\nregion = eu-west-{}\n", i % 3 + 1),
        );
        assert!(
            now == old || now == new,
            "iteration {i}: the file is neither the old nor the new content"
        );
        if now == new {
            seen_new += 1;
        }
        // A killed writer may leave its temp file; it never replaces the
        // target, and the next writer removes it.
        leftovers_seen = leftovers_seen.max(temp_files(&sb).len());
    }
    assert!(killed > 0, "some writers were killed mid-run");
    assert!(
        seen_new > 0 && seen_new < 150,
        "kills land both before and after the commit ({seen_new} of 150 committed)"
    );
    sb.awsprof(&["profile", "set", "p1", "region", "ap-south-1"])
        .ok();
    assert_eq!(
        temp_files(&sb),
        Vec::<String>::new(),
        "no temp file remains"
    );
    eprintln!("killed {killed} of 150 writers; {seen_new} had already committed; at most {leftovers_seen} temp file(s) at once");
}

#[test]
fn concurrent_writers_all_land() {
    let sb = Sandbox::new("[default]\nregion = us-east-1\n", "");
    let children: Vec<_> = (0..8)
        .map(|i| {
            sb.command(AWSPROF)
                .args([
                    "profile",
                    "set",
                    &format!("team{i}"),
                    "region",
                    "eu-central-1",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list = sb.awsprof(&["profile", "list"]).ok();
    for i in 0..8 {
        assert!(
            list.stdout.contains(&format!("team{i}\n")),
            "team{i} lost: {}",
            list.stdout
        );
    }
}

#[test]
fn a_foreign_write_during_the_edit_is_kept() {
    let sb = Sandbox::new("[default]\nregion = us-east-1\n", "");
    let child = sb
        .command(AWSPROF)
        .env("AWSPROF_TEST_PAUSE_BEFORE_COMMIT_MS", "2000")
        .args(["profile", "set", "mine", "region", "eu-west-1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until awsprof has read the file and says it is pausing: without
    // that line the hook did not run, and the test proves nothing.
    let mut child = child;
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    assert!(
        line.contains("test pause before commit"),
        "no pause: {line:?}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "still before its commit"
    );
    // Another program (not awsprof: no lock) appends a profile meanwhile.
    let mut text = sb.read_config();
    text.push_str("[profile theirs]\nregion = sa-east-1\n");
    sb.write_config(&text);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let now = sb.read_config();
    assert!(
        now.contains("[profile theirs]\nregion = sa-east-1\n"),
        "{now}"
    );
    assert!(
        now.contains("[profile mine]\nregion = eu-west-1\n"),
        "{now}"
    );
}

#[test]
fn modes_are_kept_and_new_files_are_private() {
    let sb = Sandbox::new(
        "[default]\nregion = us-east-1\n",
        "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\n",
    );
    std::fs::set_permissions(sb.config(), std::fs::Permissions::from_mode(0o640)).unwrap();
    sb.awsprof(&["profile", "set", "x", "region", "eu-west-1"])
        .ok();
    assert_eq!(mode(&sb.config()), 0o640);
    sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
        .ok();
    assert_eq!(mode(&sb.credentials()), 0o600);

    // A fresh HOME: ~/.aws is created 0700 and the file 0600.
    let fresh = tempfile::tempdir().unwrap();
    let home = fresh.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let mut cmd = std::process::Command::new(AWSPROF);
    support::scrub_aws_env(&mut cmd);
    let out = cmd
        .env("HOME", &home)
        .env("AWSPROF_BACKUP_DIR", fresh.path().join("b"))
        .args([
            "profile",
            "set",
            "dev",
            "aws_access_key_id",
            "AKIAEXAMPLE00000",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&home.join(".aws")), 0o700);
    assert_eq!(mode(&home.join(".aws/credentials")), 0o600);
    assert_eq!(mode(&fresh.path().join("b")), 0o700);
}

#[test]
fn a_symlinked_file_stays_a_symlink() {
    let sb = Sandbox::new("", "");
    let real = sb.dir.path().join("dotfiles-credentials");
    std::fs::write(
        &real,
        "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\n",
    )
    .unwrap();
    std::fs::remove_file(sb.credentials()).unwrap();
    std::os::unix::fs::symlink(&real, sb.credentials()).unwrap();
    sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
        .ok();
    assert!(std::fs::symlink_metadata(sb.credentials())
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("role_arn = "));
}

/// Makes a directory unwritable, even for root (with the immutable flag),
/// until dropped.
struct Unwritable(std::path::PathBuf);

impl Unwritable {
    fn new(dir: &std::path::Path) -> Unwritable {
        let root = std::fs::metadata("/proc/self")
            .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
            .unwrap_or(false);
        if root {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "chattr +i works here (apt-get install e2fsprogs)");
        } else {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o500)).unwrap();
        }
        Unwritable(dir.to_path_buf())
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700));
    }
}

#[test]
fn an_unwritable_directory_is_a_clear_error_and_nothing_changes() {
    let original = "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\n";
    let sb = Sandbox::new("", original);
    // Lock files exist from an earlier run: the write itself must fail.
    sb.awsprof(&["profile", "set", "tanaka", "region", "us-east-1"])
        .ok();
    sb.awsprof(&["profile", "unset", "tanaka", "region"]).ok();
    let guard = Unwritable::new(&sb.home().join(".aws"));
    let run = sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE]);
    drop(guard);
    assert_eq!(run.code, 4, "{run:#?}");
    assert!(
        run.stderr.contains(&sb.credentials().display().to_string()),
        "{run:#?}"
    );
    assert!(run.stderr.contains("Nothing was changed"), "{run:#?}");
    assert_eq!(sb.read_credentials(), original);
}

/// A backup file that cannot be written in full (here: a file size limit,
/// as a full disk would) leaves no manifest, so no backup that looks
/// complete, and the edit is not made.
#[test]
fn a_backup_that_cannot_be_written_whole_stops_the_edit() {
    use std::os::unix::process::CommandExt;
    let mut credentials = String::new();
    for n in 0..3_000 {
        credentials.push_str(&format!(
            "[c{n}]\naws_access_key_id = AKIA{n:016}\naws_secret_access_key = {n:040}\n\n"
        ));
    }
    let config = "[profile tanaka]\nregion = us-east-1\n";
    let sb = Sandbox::new(config, &credentials);
    let limit: u64 = 64 * 1024;
    assert!(credentials.len() as u64 > 2 * limit);
    let mut command = sb.command(AWSPROF);
    command.args(["profile", "set", "tanaka", "region", "eu-west-1"]);
    // SAFETY: between fork and exec, only async-signal-safe calls.
    unsafe {
        command.pre_exec(move || {
            // A write past the limit then fails with EFBIG, as a full disk
            // fails one, instead of killing the process.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let rlimit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let run = support::Run::of(command.output().expect("awsprof runs"));
    assert_eq!(run.code, 4, "{run:#?}");
    assert!(run.stderr.contains("write the backup"), "{run:#?}");
    assert_eq!(sb.read_config(), config, "the edit is not made");
    assert_eq!(sb.read_credentials(), credentials);
    for id in sb.backup_ids() {
        assert!(
            !sb.backups().join(&id).join("manifest.json").exists(),
            "backup {id} has a manifest but not its files"
        );
    }
    assert!(sb
        .awsprof(&["backup", "list"])
        .ok()
        .stdout
        .contains("No backups"));
}

#[test]
fn a_lock_held_elsewhere_times_out_naming_the_lock_file() {
    let sb = Sandbox::new(
        "",
        "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\n",
    );
    let lock_path =
        awsprof::store::lock_path_in(&sb.home().join(".local/state/awsprof"), &sb.credentials());
    std::fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let holder = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap();
    holder.lock().unwrap();
    let started = Instant::now();
    let run = sb
        .awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
        .code(4);
    assert!(started.elapsed() >= Duration::from_secs(4));
    assert!(
        run.stderr.contains(&lock_path.display().to_string()),
        "{run:#?}"
    );
    drop(holder);
    sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE])
        .ok();
}

fn section() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[other]\nx = 1\n".to_string()),
        Just("# a comment\n; another\n".to_string()),
        Just("\n\n".to_string()),
        Just("[svc]\ns3 =\n  a = b\n".to_string()),
        Just("[dup]\nk = 1\n[dup]\nk = 2\n".to_string()),
        "[a-z]{1,8}".prop_map(|n| format!("[{n}]\nregion = eu-west-1\n")),
    ]
}

fn credentials_file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(section(), 0..4),
        prop::collection::vec(section(), 0..4),
        prop_oneof![Just(" = "), Just("="), Just("  =  ")],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(before, after, sep, crlf, bom, final_newline)| {
            let tanaka =
                format!("[tanaka]\naws_access_key_id{sep}A\naws_secret_access_key{sep}B # k\n");
            let mut text = format!("{}{tanaka}{}", before.concat(), after.concat());
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            if bom {
                text.insert(0, '\u{feff}');
            }
            if !final_newline {
                while text.ends_with('\n') || text.ends_with('\r') {
                    text.pop();
                }
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn add_role_then_remove_role_gives_back_the_original_bytes(credentials in credentials_file()) {
        let sb = Sandbox::new("", &credentials);
        let add = sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", ROLE]);
        prop_assert_eq!(add.code, 0, "{:#?}", add);
        prop_assert_ne!(sb.read_credentials(), credentials.clone());
        let remove = sb.awsprof(&["profile", "remove-role", "tanaka"]);
        prop_assert_eq!(remove.code, 0, "{:#?}", remove);
        prop_assert_eq!(std::fs::read(sb.credentials()).unwrap(), credentials.into_bytes());
    }
}
