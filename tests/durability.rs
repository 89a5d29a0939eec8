//! The write path's durability, seen from outside by strace: a crash or a
//! power cut cannot be staged in a test, but the system calls that make a
//! change survive one can be watched. Every file awsprof replaces is
//! written to a temp file beside it, flushed, renamed over it, and then
//! its directory is flushed; a backup is durable, down to the backup
//! directory's own entry, before the file it saves is replaced; a removed
//! state file's directory is flushed after the unlink.

mod support;

use std::path::{Path, PathBuf};
use support::{Sandbox, AWSPROF};

const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";

#[derive(Debug, PartialEq)]
enum Call {
    /// fsync or fdatasync of the file or directory at this path.
    Sync(PathBuf),
    Rename {
        from: PathBuf,
        to: PathBuf,
    },
    Unlink(PathBuf),
    /// A symbolic link made at this path.
    Symlink(PathBuf),
}

/// The successful calls of `args` under `strace -f -y`, in order.
fn traced(sb: &Sandbox, args: &[&str]) -> Vec<Call> {
    let log = sb.home().join("../strace.log");
    let mut all = vec![
        "-f",
        "-qq",
        "-y",
        "-e",
        "trace=fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat,symlink,symlinkat",
        "-o",
    ];
    let log_arg = log.to_string_lossy().into_owned();
    all.push(&log_arg);
    all.push(AWSPROF);
    all.extend_from_slice(args);
    let run = support::Run::of(sb.command("strace").args(&all).output().unwrap());
    assert_eq!(run.code, 0, "{run:#?}");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).unwrap();
    joined(&text).iter().filter_map(|l| parse(l)).collect()
}

/// The log with each call on one line: a call another thread interrupted
/// (`PID fsync(5</a> <unfinished ...>`, later `PID <... fsync resumed>) = 0`)
/// is put back together, in the place where it ended.
fn joined(text: &str) -> Vec<String> {
    let mut open: std::collections::HashMap<&str, &str> = Default::default();
    let mut lines = Vec::new();
    for line in text.lines() {
        let Some((pid, rest)) = line.split_once(' ') else {
            continue;
        };
        if let Some(start) = rest.strip_suffix(" <unfinished ...>") {
            open.insert(pid, start);
        } else if let Some(resumed) = rest.trim_start().strip_prefix("<... ") {
            let tail = &resumed[resumed.find(" resumed>").unwrap() + " resumed>".len()..];
            let start = open.remove(pid).expect("a resumed call was started");
            lines.push(format!("{pid} {start}{tail}"));
        } else {
            lines.push(line.to_string());
        }
    }
    lines
}

/// One line of strace's log (`PID name(args) = 0`); failed calls are none.
fn parse(line: &str) -> Option<Call> {
    let (_pid, call) = line.split_once(' ')?;
    let call = call.trim_start();
    if !call.ends_with(" = 0") {
        return None;
    }
    let name = &call[..call.find('(')?];
    match name {
        "fsync" | "fdatasync" => {
            // fsync(3</path/to/file>) = 0
            let start = call.find('<')? + 1;
            let end = call.rfind(">)")?;
            Some(Call::Sync(PathBuf::from(&call[start..end])))
        }
        "rename" | "renameat" | "renameat2" => {
            let paths = quoted(call);
            let [from, to] = paths.as_slice() else {
                panic!("two paths in {line}");
            };
            Some(Call::Rename {
                from: from.into(),
                to: to.into(),
            })
        }
        "unlink" | "unlinkat" => Some(Call::Unlink(quoted(call).first()?.into())),
        // symlinkat("target", AT_FDCWD, "/path/to/link") = 0
        "symlink" | "symlinkat" => Some(Call::Symlink(quoted(call).get(1)?.into())),
        _ => None,
    }
}

/// The double-quoted strings of a call, in order (awsprof's paths here
/// hold no quotes or escapes).
fn quoted(call: &str) -> Vec<String> {
    call.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

fn position(calls: &[Call], wanted: impl Fn(&Call) -> bool, what: &str) -> usize {
    calls
        .iter()
        .position(wanted)
        .unwrap_or_else(|| panic!("no {what} in {calls:#?}"))
}

/// Asserts that `target` was replaced durably, and returns the index of
/// its rename: a temp file beside it (named as awsprof names its temps)
/// flushed before the rename, the directory flushed after it.
fn durably_replaced(calls: &[Call], target: &Path) -> usize {
    let renamed = position(
        calls,
        |c| matches!(c, Call::Rename { to, .. } if to == target),
        &format!("rename over {}", target.display()),
    );
    let Call::Rename { from, .. } = &calls[renamed] else {
        unreachable!()
    };
    assert_eq!(from.parent(), target.parent(), "a temp beside the file");
    let temp_name = from.file_name().unwrap().to_string_lossy();
    assert!(temp_name.ends_with(".tmp"), "{temp_name}");
    let flushed = position(
        calls,
        |c| *c == Call::Sync(from.clone()),
        &format!("fsync of {}", from.display()),
    );
    assert!(flushed < renamed, "the temp is flushed before the rename");
    let dir = target.parent().unwrap().to_path_buf();
    assert!(
        calls[renamed..].contains(&Call::Sync(dir.clone())),
        "{} flushed after the rename: {calls:#?}",
        dir.display()
    );
    renamed
}

fn real(path: PathBuf) -> PathBuf {
    std::fs::canonicalize(path).unwrap()
}

#[test]
fn an_edit_is_durable_and_its_backup_is_durable_before_it() {
    let sb = Sandbox::new(
        "[profile tanaka]\nregion = us-east-1\n",
        "[tanaka]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let config = real(sb.config());
    // The first backup of a file is also pinned (a marker for each of
    // the two files); the second is not, and must be as durable.
    for (args, pins) in [
        (
            &["profile", "add-role", "tanaka", "--role-arn", ROLE][..],
            2,
        ),
        (&["profile", "set", "tanaka", "region", "eu-west-1"][..], 0),
    ] {
        let calls = traced(&sb, args);
        let edited = durably_replaced(&calls, &config);
        let backups = real(sb.backups());
        let manifest_at = backed_up_before(&calls, &backups, edited);
        assert_eq!(
            pinned_before(&calls, &backups, manifest_at, edited),
            pins,
            "{calls:#?}"
        );
    }
}

/// How many pin markers (symbolic links beside the backups) were made;
/// asserts that each was made once its backup's manifest was in place (the
/// call at `manifest_at`) and that the backup directory was flushed after
/// it, before the call at `edited`.
fn pinned_before(calls: &[Call], backups: &Path, manifest_at: usize, edited: usize) -> usize {
    let pins: Vec<usize> = (0..calls.len())
        .filter(|&i| matches!(&calls[i], Call::Symlink(at) if at.parent() == Some(backups)))
        .collect();
    for &pin in &pins {
        assert!(manifest_at < pin && pin < edited, "{calls:#?}");
        assert!(
            calls[pin..edited].contains(&Call::Sync(backups.to_path_buf())),
            "the pin is durable before the edit: {calls:#?}"
        );
    }
    pins.len()
}

/// The backup: its config (a copy, or the replaced file's own inode
/// linked in) and its credentials flushed, its manifest replaced
/// durably, and the backup directory's entry for it flushed, all before
/// the call at `edited`. Returns the index of the manifest's rename.
fn backed_up_before(calls: &[Call], backups: &Path, edited: usize) -> usize {
    let manifest_at = position(
        calls,
        |c| matches!(c, Call::Rename { to, .. } if to.ends_with("manifest.json")),
        "the manifest's rename",
    );
    let Call::Rename { to: manifest, .. } = &calls[manifest_at] else {
        unreachable!()
    };
    let backup = manifest.parent().unwrap().to_path_buf();
    assert_eq!(backup.parent(), Some(backups));
    assert_eq!(durably_replaced(calls, manifest), manifest_at);
    let copy = position(
        calls,
        |c| *c == Call::Sync(backup.join("config")),
        "fsync of the backup's copy",
    );
    assert!(copy < manifest_at, "the copy before the manifest");
    // The credentials file, unchanged: copied, or (on a later backup) the
    // earlier backup's copy linked in; flushed either way.
    let credentials = position(
        calls,
        |c| *c == Call::Sync(backup.join("credentials")),
        "fsync of the backup's credentials",
    );
    assert!(
        credentials < manifest_at,
        "the credentials before the manifest"
    );
    assert!(
        calls[manifest_at..edited].contains(&Call::Sync(backups.to_path_buf())),
        "the backup's directory entry is durable before the edit: {calls:#?}"
    );
    manifest_at
}

#[test]
fn a_credentials_change_and_a_removed_cache_entry_are_durable() {
    let sb = Sandbox::new(
        "[profile tanaka]\nregion = us-east-1\n",
        "[tanaka]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    let calls = traced(&sb, &["profile", "rename", "tanaka", "sato"]);
    durably_replaced(&calls, &real(sb.credentials()));
    durably_replaced(&calls, &real(sb.config()));

    // sso logout removes the token: the unlink, then its directory flushed.
    sb.write_config("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n");
    let cache = sb.home().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700)).unwrap();
    // Python: hashlib.sha1(b"corp").hexdigest()
    let token = cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    std::fs::write(&token, "{}").unwrap();
    let calls = traced(&sb, &["sso", "logout", "--sso-session", "corp"]);
    let token = real(cache.clone()).join(token.file_name().unwrap());
    let unlinked = position(&calls, |c| *c == Call::Unlink(token.clone()), "the unlink");
    assert!(
        calls[unlinked..].contains(&Call::Sync(real(cache))),
        "{calls:#?}"
    );
}
