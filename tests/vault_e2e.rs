//! The vault end to end: the walkthrough with tanaka's keys moved out of
//! the credentials file, against moto with IAM enforced, through awsprof
//! and through the AWS CLI. The OS store is a real gnome-keyring-daemon
//! in its own D-Bus session (`dbus-run-session`), checked from outside
//! with `secret-tool`; the encrypted file store needs nothing.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{Moto, Run, Sandbox, World, AWSPROF};

const PASSPHRASE: &str = "correct horse battery staple";

/// A D-Bus session with an unlocked gnome-keyring-daemon in it.
struct KeyringSession {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl KeyringSession {
    fn start() -> KeyringSession {
        let dir = tempfile::tempdir().unwrap();
        let address_file = dir.path().join("address");
        let script = format!(
            "printf '%s' \"$DBUS_SESSION_BUS_ADDRESS\" > {addr}.tmp && \
             printf 'keyring-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
             mv {addr}.tmp {addr} && exec sleep 600",
            addr = address_file.display()
        );
        let child = Command::new("dbus-run-session")
            .args(["--", "bash", "-c", &script])
            .env("HOME", dir.path())
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_RUNTIME_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-run-session (dbus) and gnome-keyring are installed");
        let started = Instant::now();
        while !address_file.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the keyring did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let address = std::fs::read_to_string(&address_file).unwrap();
        KeyringSession {
            child,
            address,
            _dir: dir,
        }
    }

    fn secret_tool(&self, args: &[&str]) -> Run {
        let out = Command::new("secret-tool")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("secret-tool (libsecret-tools) is installed");
        Run::of(out)
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A command in the sandbox, on the keyring's bus (or on none).
fn command(sb: &Sandbox, program: &str, bus: Option<&KeyringSession>) -> Command {
    let mut cmd = sb.command(program);
    cmd.env("AWSPROF_STATE_DIR", sb.dir.path().join("state"));
    match bus {
        Some(session) => cmd.env("DBUS_SESSION_BUS_ADDRESS", &session.address),
        None => cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus"),
    };
    cmd
}

fn run(mut cmd: Command, args: &[&str]) -> Run {
    Run::of(cmd.args(args).output().unwrap())
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn assert_secret_nowhere(sb: &Sandbox, secret: &str) {
    let mut places = vec![sb.credentials(), sb.config()];
    places.extend(files_under(&sb.backups()));
    assert!(places.len() > 3, "backups exist to check: {places:?}");
    for path in places {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        assert!(
            !text.contains(secret),
            "{} holds the secret",
            path.display()
        );
    }
}

/// The walkthrough's last steps, through the AWS CLI and awsprof, with
/// `env` set (the file store's passphrase).
fn assert_walkthrough_holds(sb: &Sandbox, bus: Option<&KeyringSession>, env: &[(&str, &str)]) {
    let command = |program| {
        let mut cmd = command(sb, program, bus);
        cmd.envs(env.iter().copied());
        cmd
    };
    let allowed = run(
        command("aws"),
        &[
            "ec2",
            "describe-instance-types",
            "--profile",
            "tanaka",
            "--max-results",
            "5",
        ],
    );
    assert_eq!(allowed.code, 0, "{allowed:#?}");
    let refused = run(
        command("aws"),
        &["ec2", "describe-vpcs", "--profile", "tanaka"],
    );
    assert!(
        refused.code == 255 && refused.stderr.contains("AccessDenied"),
        "{refused:#?}"
    );
    let verify = run(
        command(AWSPROF),
        &[
            "profile",
            "verify",
            "tanaka",
            "--allow",
            "ec2:DescribeInstanceTypes",
            "--deny",
            "ec2:DescribeVpcs",
            "--no-cache",
        ],
    );
    assert_eq!(verify.code, 0, "{verify:#?}");
}

#[test]
fn the_walkthrough_with_tanakas_keys_in_the_os_store() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sb = support::tanaka_with_role(&moto, &world);
    let secret = world.get("/tanaka/secret_access_key");
    let key_id = world.get("/tanaka/access_key_id");
    let (config, credentials) = (sb.read_config(), sb.read_credentials());
    let keyring = KeyringSession::start();

    let moved = run(
        command(&sb, AWSPROF, Some(&keyring)),
        &["vault", "move", "tanaka", "--output", "json"],
    );
    assert_eq!(moved.code, 0, "{moved:#?}");
    assert_eq!(
        moved.json()["moved"][0]["store"],
        "os",
        "the OS store answers, so it is chosen"
    );
    assert_eq!(moved.json()["moved"][0]["item"], "tanaka-keys");
    let stored = keyring.secret_tool(&["lookup", "service", "awsprof", "username", "tanaka-keys"]);
    assert!(
        stored.code == 0 && stored.stdout.contains(&key_id),
        "{stored:#?}"
    );
    assert_secret_nowhere(&sb, &secret);
    assert_walkthrough_holds(&sb, Some(&keyring), &[]);

    let back = run(
        command(&sb, AWSPROF, Some(&keyring)),
        &["vault", "move", "tanaka", "--to-file"],
    );
    assert_eq!(back.code, 0, "{back:#?}");
    assert_eq!(
        (sb.read_config(), sb.read_credentials()),
        (config, credentials),
        "the original bytes"
    );
    let gone = keyring.secret_tool(&["lookup", "service", "awsprof", "username", "tanaka-keys"]);
    assert_ne!(
        gone.code, 0,
        "the item is deleted once the file holds the key: {gone:#?}"
    );
}

#[test]
fn the_walkthrough_with_tanakas_keys_in_the_encrypted_file_store() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sb = support::tanaka_with_role(&moto, &world);
    let secret = world.get("/tanaka/secret_access_key");
    let (config, credentials) = (sb.read_config(), sb.read_credentials());
    let file_store = |bus| {
        let mut cmd = command(&sb, AWSPROF, bus);
        cmd.env("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE);
        cmd
    };

    // No OS store answers: the error says how to choose the file store,
    // exit 4, and nothing changed. Never a silent fallback.
    let refused = run(file_store(None), &["vault", "move", "tanaka"]);
    assert_eq!(refused.code, 4, "{refused:#?}");
    assert!(refused.stderr.contains("--store file"), "{refused:#?}");
    assert_eq!(
        (sb.read_config(), sb.read_credentials()),
        (config.clone(), credentials.clone())
    );

    // Killed after storing, before the file is rewritten: the key is in
    // both places, and a second run finishes the move.
    let mut killed = file_store(None);
    killed.env("AWSPROF_TEST_KILL_AT", "stored");
    let out = killed
        .args(["vault", "move", "tanaka", "--store", "file"])
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(9), "{out:#?}");
    assert_eq!(
        sb.read_credentials(),
        credentials,
        "the file still holds the key"
    );
    let item = sb.dir.path().join("state/vault/tanaka-keys.age");
    assert!(item.exists());
    let moved = run(
        file_store(None),
        &["vault", "move", "tanaka", "--store", "file"],
    );
    assert_eq!(moved.code, 0, "{moved:#?}");
    assert!(moved.stdout.contains("scrubbed"), "{moved:#?}");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&item), mode(item.parent().unwrap())), (0o600, 0o700));
    assert!(!String::from_utf8_lossy(&std::fs::read(&item).unwrap()).contains(&secret));
    assert_secret_nowhere(&sb, &secret);

    // The AWS CLI runs the vault line, which takes the passphrase from
    // the environment; awsprof reads the store in-process.
    assert_walkthrough_holds(&sb, None, &[("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE)]);

    // A wrong passphrase is exit 4 with what to do.
    let mut wrong = command(&sb, AWSPROF, None);
    wrong.env("AWSPROF_VAULT_PASSPHRASE", "not it");
    let wrong = run(wrong, &["vault", "get", "tanaka-keys", "--store", "file"]);
    assert_eq!(wrong.code, 4, "{wrong:#?}");
    assert!(
        wrong.stderr.contains("AWSPROF_VAULT_PASSPHRASE"),
        "{wrong:#?}"
    );

    let back = run(file_store(None), &["vault", "move", "tanaka", "--to-file"]);
    assert_eq!(back.code, 0, "{back:#?}");
    assert_eq!(
        (sb.read_config(), sb.read_credentials()),
        (config, credentials)
    );
    assert!(
        !item.exists(),
        "the item is removed once the file holds the key"
    );
}

#[test]
fn lint_names_plaintext_keys_and_vault_items_the_store_lacks() {
    let sb = Sandbox::new(
        "[profile gone]\ncredential_process = awsprof vault get gone --store file\n",
        "[dev]\naws_access_key_id = AKIAEXAMPLEKEY000001\naws_secret_access_key = s3cr3t\n",
    );
    let lint = run(command(&sb, AWSPROF, None), &["lint", "--output", "json"]);
    assert_eq!(lint.code, 1, "an error finding: {lint:#?}");
    let found: Vec<(String, String, u64)> = lint.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("code"), s("severity"), f["line"].as_u64().unwrap())
        })
        .collect();
    let want = |c: &str, s: &str, l: u64| (c.to_string(), s.to_string(), l);
    assert!(
        found.contains(&want("vault-item-missing", "error", 2)),
        "{found:?}"
    );
    assert!(
        found.contains(&want("plaintext-access-key", "info", 2)),
        "{found:?}"
    );
}

#[test]
fn key_rotate_on_a_vaulted_profile_writes_the_new_key_into_the_vault() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sb = support::tanaka_with_role(&moto, &world);
    // tanaka may not manage keys: the admin does, with --admin.
    let credentials = format!("{}\n{}", sb.read_credentials(), world.admin_credentials());
    sb.write_credentials(&credentials);
    let old = world.get("/tanaka/access_key_id");
    let file_store = || {
        let mut cmd = command(&sb, AWSPROF, None);
        cmd.env("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE);
        cmd
    };
    let moved = run(
        file_store(),
        &["vault", "move", "tanaka", "--store", "file"],
    );
    assert_eq!(moved.code, 0, "{moved:#?}");
    let before = (sb.read_config(), sb.read_credentials());

    // Killed once the new key exists: it waits in the vault as a pending
    // item, and the journal holds no secret.
    let mut killed = file_store();
    killed.env("AWSPROF_TEST_KILL_AT", "created");
    let out = killed
        .args(["key", "rotate", "tanaka", "--admin", "admin"])
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(9), "{out:#?}");
    let pending = run(
        file_store(),
        &["vault", "get", "tanaka-keys.rotating", "--store", "file"],
    );
    let pending_secret = pending.json()["SecretAccessKey"]
        .as_str()
        .unwrap()
        .to_string();
    let journal: Vec<PathBuf> = files_under(&sb.dir.path().join("state"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("journal"))
        .collect();
    assert!(!journal.is_empty(), "the rotation is journaled");
    for path in &journal {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            !text.contains(&pending_secret),
            "{} holds the new secret",
            path.display()
        );
    }

    let rotated = run(
        file_store(),
        &[
            "key", "rotate", "tanaka", "--admin", "admin", "--output", "json",
        ],
    );
    assert_eq!(rotated.code, 0, "{rotated:#?}");
    assert_eq!(rotated.json()["resumed"], true, "{rotated:#?}");
    let keys = world.access_keys("tanaka");
    assert_eq!(keys.len(), 1, "the old key is deleted: {keys:?}");
    let (new, status) = &keys[0];
    assert!(new != &old && status == "Active", "{keys:?}");
    assert_eq!(
        (sb.read_config(), sb.read_credentials()),
        before,
        "the files hold no key, so nothing in them changed"
    );
    let get = run(
        file_store(),
        &["vault", "get", "tanaka-keys", "--store", "file"],
    );
    assert!(
        get.stdout.contains(new.as_str()),
        "the vault holds the new key: {get:#?}"
    );
    let state = sb.dir.path().join("state");
    let leftovers: Vec<_> = files_under(&state)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("rotat"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no journal or pending item is left: {leftovers:?}"
    );
    let whoami = run(file_store(), &["profile", "whoami", "tanaka", "--no-cache"]);
    assert!(
        whoami.stdout.contains("assumed-role/toy-role"),
        "{whoami:#?}"
    );
}
