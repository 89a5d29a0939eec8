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
    dir: tempfile::TempDir,
}

impl KeyringSession {
    fn start() -> KeyringSession {
        let dir = tempfile::tempdir().unwrap();
        let address_file = dir.path().join("address");
        let script = format!(
            "printf '%s' \"$DBUS_SESSION_BUS_ADDRESS\" > {addr}.tmp && \
             printf 'keyring-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
             printf '%s' $$ > {session} && mv {addr}.tmp {addr} && exec sleep 600",
            addr = address_file.display(),
            session = dir.path().join("session-pid").display()
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
        let mut child = child;
        while !address_file.exists() {
            let ended = child.try_wait().unwrap();
            assert!(
                ended.is_none(),
                "the keyring's session ended ({ended:?}): are gnome-keyring and dbus installed? scripts/test.sh installs them"
            );
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the keyring did not start within a minute"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let address = std::fs::read_to_string(&address_file).unwrap();
        KeyringSession {
            child,
            address,
            dir,
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
        // Ending the session's program lets dbus-run-session stop its bus,
        // and gnome-keyring-daemon leaves with it; killing dbus-run-session
        // itself would leave both running after the tests.
        let session = std::fs::read_to_string(self.dir.path().join("session-pid"));
        if let Ok(pid) = session {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
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
        let kind = entry.file_type().ok();
        // A first backup's pin is a symbolic link naming its id, no file.
        if kind.is_some_and(|k| k.is_symlink()) {
            continue;
        }
        if kind.is_some_and(|k| k.is_dir()) {
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
    // The line names the binary the user runs, not awsprof-full behind it.
    let line = format!("credential_process = {AWSPROF} vault get tanaka-keys --store os");
    assert!(sb.read_config().contains(&line), "{}", sb.read_config());
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
    // key list finds the new key's holder in the vault, not in a file.
    let listed = run(
        file_store(),
        &[
            "key", "list", "tanaka", "--admin", "admin", "--output", "json",
        ],
    );
    assert_eq!(listed.code, 0, "{listed:#?}");
    let holders = &listed.json()["keys"][0]["profiles"];
    assert_eq!(holders, &serde_json::json!(["tanaka-keys"]), "{listed:#?}");
    let whoami = run(file_store(), &["profile", "whoami", "tanaka", "--no-cache"]);
    assert!(
        whoami.stdout.contains("assumed-role/toy-role"),
        "{whoami:#?}"
    );

    // iam create-user into a vaulted profile: the new key goes into its
    // item; one holding another key is refused before any IAM call.
    let with_bob = format!(
        "{}\n[bob]\naws_access_key_id = {KEY_1}\naws_secret_access_key = {SECRET_1}\n",
        sb.read_credentials()
    );
    sb.write_credentials(&with_bob);
    let moved = run(file_store(), &["vault", "move", "bob", "--store", "file"]);
    assert_eq!(moved.code, 0, "{moved:#?}");
    let refused = run(
        file_store(),
        &["iam", "create-user", "bob", "--admin", "admin"],
    );
    assert_eq!(refused.code, 2, "{refused:#?}");
    assert!(refused.stderr.contains("--force"), "{refused:#?}");
    let created = run(
        file_store(),
        &["iam", "create-user", "bob", "--admin", "admin", "--force"],
    );
    assert_eq!(created.code, 0, "{created:#?}");
    assert!(
        created.stdout.contains("stored in the file store as `bob`"),
        "{created:#?}"
    );
    let keys = world.access_keys("bob");
    assert_eq!(keys.len(), 1, "{keys:?}");
    let held = item_key(&sb, "bob").expect("the item holds the key");
    assert_eq!(held.0, keys[0].0);
    assert!(!sb.read_credentials().contains(&held.1));
}

const KEY_1: &str = "AKIAIOSFODNN7EXAMPL1";
const SECRET_1: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE1";
const KEY_2: &str = "AKIAIOSFODNN7EXAMPL2";
const SECRET_2: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE2";
const SECRET_3: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE3";

/// The file store's item `item`, as `vault get` hands it out.
fn item_key(sb: &Sandbox, item: &str) -> Option<(String, String)> {
    let mut cmd = command(sb, AWSPROF, None);
    cmd.env("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE);
    let got = run(cmd, &["vault", "get", item, "--store", "file"]);
    (got.code == 0).then(|| {
        let v = got.json();
        let s = |k: &str| v[k].as_str().unwrap().to_string();
        (s("AccessKeyId"), s("SecretAccessKey"))
    })
}

#[test]
fn every_command_that_writes_a_key_writes_a_vaulted_profile_into_the_vault() {
    let sb = Sandbox::new(
        "[profile dev]\nregion = eu-west-1\n",
        &format!("[dev]\naws_access_key_id = {KEY_1}\naws_secret_access_key = {SECRET_1}\n"),
    );
    let awsprof = |args: &[&str], input: Option<&str>| {
        let mut cmd = command(&sb, AWSPROF, None);
        cmd.env("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE)
            .env("AWSPROF_VAULT_STORE", "file");
        let Some(input) = input else {
            return run(cmd, args);
        };
        let mut child = cmd
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        Run::of(child.wait_with_output().unwrap())
    };
    assert_eq!(awsprof(&["vault", "move", "dev"], None).code, 0);
    let files_now = || format!("{}{}", sb.read_config(), sb.read_credentials());

    // key import: another key is refused without --force, then stored in
    // the vault, never in the file.
    let json = format!(
        "{{\"AccessKey\": {{\"AccessKeyId\": \"{KEY_2}\", \"SecretAccessKey\": \"{SECRET_2}\"}}}}"
    );
    let before = files_now();
    let refused = awsprof(&["key", "import", "dev", "-"], Some(&json));
    assert_eq!(refused.code, 2, "{refused:#?}");
    assert!(refused.stderr.contains("--force"), "{refused:#?}");
    assert_eq!(item_key(&sb, "dev"), Some((KEY_1.into(), SECRET_1.into())));
    let imported = awsprof(
        &[
            "key",
            "import",
            "dev",
            "-",
            "--force",
            "--region",
            "eu-north-1",
        ],
        Some(&json),
    );
    assert_eq!(imported.code, 0, "{imported:#?}");
    assert!(
        imported
            .stdout
            .contains("stored in the file store as `dev`"),
        "{imported:#?}"
    );
    assert_eq!(item_key(&sb, "dev"), Some((KEY_2.into(), SECRET_2.into())));
    assert!(!files_now().contains(SECRET_2) && !files_now().contains(KEY_2));
    // The key it replaced is not lost: the file's backups would keep it.
    assert_eq!(
        item_key(&sb, "dev.previous"),
        Some((KEY_1.into(), SECRET_1.into()))
    );
    assert!(
        imported.stdout.contains("kept as `dev.previous`"),
        "{imported:#?}"
    );
    assert_eq!(
        files_now(),
        before.replace("eu-west-1", "eu-north-1"),
        "only the region changed in the files"
    );
    let again = awsprof(&["key", "import", "dev", "-"], Some(&json));
    assert_eq!(again.code, 0, "{again:#?}");
    assert!(
        again.stdout.contains("holds key") && again.stdout.contains("already"),
        "{again:#?}"
    );

    // profile configure: the secret alone replaces the vault's, the id kept.
    let configured = awsprof(
        &["profile", "configure", "dev", "--secret-access-key-stdin"],
        Some(SECRET_3),
    );
    assert_eq!(configured.code, 0, "{configured:#?}");
    assert_eq!(item_key(&sb, "dev"), Some((KEY_2.into(), SECRET_3.into())));
    assert!(!files_now().contains(SECRET_3));

    // A rename the files refuse (the name is taken) leaves no item behind.
    assert_eq!(
        awsprof(
            &["profile", "set", "taken", "region", "eu-west-1", "--create"],
            None
        )
        .code,
        0
    );
    let refused = awsprof(&["profile", "rename", "dev", "taken"], None);
    assert_eq!(refused.code, 2, "{refused:#?}");
    assert_eq!(item_key(&sb, "taken"), None);
    assert_eq!(item_key(&sb, "dev").map(|k| k.0), Some(KEY_2.to_string()));

    // rename carries the item: the old one goes, the line names the new.
    let renamed = awsprof(&["profile", "rename", "dev", "dev2"], None);
    assert_eq!(renamed.code, 0, "{renamed:#?}");
    assert!(
        renamed.stdout.contains("item `dev` is now `dev2`"),
        "{renamed:#?}"
    );
    assert_eq!(item_key(&sb, "dev"), None);
    assert_eq!(item_key(&sb, "dev2"), Some((KEY_2.into(), SECRET_3.into())));
    assert!(
        sb.read_config().contains("vault get dev2 --store file"),
        "{}",
        sb.read_config()
    );
    let served = awsprof(&["credential-process", "dev2"], None);
    assert!(served.stdout.contains(KEY_2), "{served:#?}");

    // copy gets an item of its own, so that moving one profile's keys back
    // to the file leaves the other working; --without-keys gets no line.
    assert_eq!(awsprof(&["profile", "copy", "dev2", "dev3"], None).code, 0);
    assert_eq!(item_key(&sb, "dev3"), Some((KEY_2.into(), SECRET_3.into())));
    let bare = awsprof(&["profile", "copy", "dev2", "bare", "--without-keys"], None);
    assert_eq!(bare.code, 0, "{bare:#?}");
    let shown = awsprof(&["profile", "show", "bare", "--output", "json"], None);
    assert!(!shown.stdout.contains("credential_process"), "{shown:#?}");
    let back = awsprof(&["vault", "move", "dev2", "--to-file"], None);
    assert_eq!(back.code, 0, "{back:#?}");
    assert_eq!(item_key(&sb, "dev2"), None);
    assert!(sb.read_credentials().contains(SECRET_3));
    let served = awsprof(&["credential-process", "dev3"], None);
    assert!(served.stdout.contains(KEY_2), "{served:#?}");

    // delete asks about the item; without a terminal the key is kept,
    // and --vault-item delete removes it.
    assert_eq!(awsprof(&["profile", "copy", "dev3", "dev4"], None).code, 0);
    // setsid: no controlling terminal to ask on.
    let mut no_terminal = command(&sb, "setsid", None);
    no_terminal
        .env("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE)
        .env("AWSPROF_VAULT_STORE", "file");
    let kept = run(no_terminal, &[AWSPROF, "profile", "delete", "dev3"]);
    assert_eq!(kept.code, 0, "{kept:#?}");
    assert!(
        kept.stdout
            .contains("stays in the file store as item `dev3`"),
        "{kept:#?}"
    );
    assert!(item_key(&sb, "dev3").is_some());
    let gone = awsprof(
        &["profile", "delete", "dev4", "--vault-item", "delete"],
        None,
    );
    assert_eq!(gone.code, 0, "{gone:#?}");
    assert!(
        gone.stdout.contains("deleted from the file store"),
        "{gone:#?}"
    );
    assert_eq!(item_key(&sb, "dev4"), None);
}

#[test]
fn a_split_profile_takes_its_keys_profile_and_item_along() {
    let role = "role_arn = arn:aws:iam::123456789012:role/toy-role";
    let sb = Sandbox::new(
        &format!("[profile toy]\n{role}\nsource_profile = toy\n\n[profile taken-keys]\nregion = eu-west-1\n"),
        &format!("[toy]\naws_access_key_id = {KEY_1}\naws_secret_access_key = {SECRET_1}\n"),
    );
    let awsprof = |args: &[&str]| {
        let mut cmd = command(&sb, AWSPROF, None);
        cmd.env("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE)
            .env("AWSPROF_VAULT_STORE", "file");
        run(cmd, args)
    };
    let moved = awsprof(&["vault", "move", "toy"]);
    assert_eq!(moved.code, 0, "{moved:#?}");
    assert!(
        sb.read_config().contains("source_profile = toy-keys"),
        "{}",
        sb.read_config()
    );

    // The keys profile and its item are renamed with the profile.
    let renamed = awsprof(&["profile", "rename", "toy", "sato"]);
    assert_eq!(renamed.code, 0, "{renamed:#?}");
    let config = sb.read_config();
    assert!(
        config.contains("[profile sato-keys]")
            && config.contains("source_profile = sato-keys")
            && config.contains("vault get sato-keys --store file")
            && !config.contains("toy-keys")
            && !config.contains("[profile toy]"),
        "{config}"
    );
    assert_eq!(
        item_key(&sb, "sato-keys"),
        Some((KEY_1.into(), SECRET_1.into()))
    );
    assert_eq!(item_key(&sb, "toy-keys"), None);

    // Where NEW-keys is taken, the keys profile keeps its name and item.
    let renamed = awsprof(&["profile", "rename", "sato", "taken"]);
    assert_eq!(renamed.code, 0, "{renamed:#?}");
    let config = sb.read_config();
    assert!(
        config.contains("[profile sato-keys]") && config.contains("[profile taken]"),
        "{config}"
    );
    assert!(item_key(&sb, "sato-keys").is_some());

    // A copy stands on the same keys profile: no item of its own.
    let copied = awsprof(&["profile", "copy", "taken", "taken2"]);
    assert_eq!(copied.code, 0, "{copied:#?}");
    assert_eq!(item_key(&sb, "taken2-keys"), None);
    assert_eq!(item_key(&sb, "taken2"), None);
    let shown = awsprof(&["profile", "show", "taken2", "--output", "json"]);
    assert!(shown.stdout.contains("sato-keys"), "{shown:#?}");
}

#[test]
fn a_move_back_cut_short_is_finished_by_the_next_run() {
    let sb = Sandbox::new(
        "",
        &format!("[dev]\naws_access_key_id = {KEY_1}\naws_secret_access_key = {SECRET_1}\n"),
    );
    let awsprof = |kill_at: Option<&str>| {
        let mut cmd = command(&sb, AWSPROF, None);
        cmd.env("AWSPROF_VAULT_PASSPHRASE", PASSPHRASE)
            .env("AWSPROF_VAULT_STORE", "file");
        if let Some(point) = kill_at {
            cmd.env("AWSPROF_TEST_KILL_AT", point);
        }
        cmd
    };
    let credentials = sb.read_credentials();
    assert_eq!(run(awsprof(None), &["vault", "move", "dev"]).code, 0);
    let out = awsprof(Some("restored"))
        .args(["vault", "move", "dev", "--to-file"])
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(9), "{out:#?}");
    assert_eq!(sb.read_credentials(), credentials, "the file holds the key");
    assert!(
        item_key(&sb, "dev").is_some(),
        "and the item is still there"
    );
    let finished = run(awsprof(None), &["vault", "move", "dev", "--to-file"]);
    assert_eq!(finished.code, 0, "{finished:#?}");
    assert!(finished.stdout.contains("interrupted"), "{finished:#?}");
    assert_eq!(item_key(&sb, "dev"), None);
    assert_eq!(sb.read_credentials(), credentials);

    // A rename cut short after the key was carried: both items exist,
    // and the run again finishes it.
    assert_eq!(run(awsprof(None), &["vault", "move", "dev"]).code, 0);
    let out = awsprof(Some("carried"))
        .args(["profile", "rename", "dev", "dev2"])
        .output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(9), "{out:#?}");
    assert!(item_key(&sb, "dev").is_some() && item_key(&sb, "dev2").is_some());
    assert!(
        sb.read_config().contains("vault get dev "),
        "{}",
        sb.read_config()
    );
    let renamed = run(awsprof(None), &["profile", "rename", "dev", "dev2"]);
    assert_eq!(renamed.code, 0, "{renamed:#?}");
    assert_eq!(item_key(&sb, "dev"), None);
    assert_eq!(item_key(&sb, "dev2"), Some((KEY_1.into(), SECRET_1.into())));

    // A store that cannot be asked (no passphrase, no terminal) does not
    // stop a rename: the line keeps naming its item, which still works.
    let mut locked = command(&sb, "setsid", None);
    locked.env("AWSPROF_VAULT_STORE", "file");
    let renamed = run(locked, &[AWSPROF, "profile", "rename", "dev2", "dev3"]);
    assert_eq!(renamed.code, 0, "{renamed:#?}");
    assert!(renamed.stdout.contains("not carried"), "{renamed:#?}");
    assert!(
        sb.read_config().contains("vault get dev2 "),
        "{}",
        sb.read_config()
    );
    let served = run(awsprof(None), &["credential-process", "dev3"]);
    assert!(served.stdout.contains(KEY_1), "{served:#?}");
}

#[test]
fn backup_scrub_takes_a_profiles_secrets_out_of_every_backup() {
    let sb = Sandbox::new(
        "",
        &format!("[ops]\naws_access_key_id = {KEY_1}\naws_secret_access_key = {SECRET_1}\n"),
    );
    let awsprof = |args: &[&str]| run(command(&sb, AWSPROF, None), args);
    // Backups of the old key, then of the new one.
    assert_eq!(
        awsprof(&["profile", "set", "ops", "region", "eu-west-1"]).code,
        0
    );
    let json = format!(
        "{{\"AccessKey\": {{\"AccessKeyId\": \"{KEY_2}\", \"SecretAccessKey\": \"{SECRET_2}\"}}}}"
    );
    let imported = sb.awsprof_with_input(&["key", "import", "ops", "-", "--force"], &json);
    assert_eq!(imported.code, 0, "{imported:#?}");
    assert_eq!(
        awsprof(&["profile", "set", "ops", "output", "json"]).code,
        0
    );
    let holding = |secret: &str| {
        files_under(&sb.backups())
            .into_iter()
            .filter(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).contains(secret))
            .count()
    };
    assert!(holding(SECRET_1) > 0 && holding(SECRET_2) > 0);

    let scrubbed = awsprof(&["backup", "scrub", "ops"]);
    assert_eq!(scrubbed.code, 0, "{scrubbed:#?}");
    assert!(
        scrubbed.stdout.contains("scrubbed from 3 backups"),
        "{scrubbed:#?}"
    );
    assert!(
        scrubbed.stdout.contains("vault move ops"),
        "the file still holds it: {scrubbed:#?}"
    );
    assert_eq!((holding(SECRET_1), holding(SECRET_2)), (0, 0));
    assert!(
        sb.read_credentials().contains(SECRET_2),
        "the file itself is not touched"
    );
    // Every manifest still matches its files: show checks each sha256.
    let ids = sb.backup_ids();
    for id in &ids {
        let diff = awsprof(&["backup", "diff", id]);
        assert_eq!(diff.code, 0, "{diff:#?}");
    }
    // A scrubbed backup is not restored over a working key unasked.
    let refused = awsprof(&["backup", "restore", &ids[0]]);
    assert_eq!(refused.code, 2, "{refused:#?}");
    assert!(refused.stderr.contains("scrubbed"), "{refused:#?}");
    assert!(sb.read_credentials().contains(SECRET_2));
}

#[test]
fn vault_unlock_keeps_the_file_stores_key_for_the_session_and_no_longer() {
    let sb = Sandbox::new(
        "",
        &format!("[dev]\naws_access_key_id = {KEY_1}\naws_secret_access_key = {SECRET_1}\n"),
    );
    let runtime = sb.dir.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    // setsid: no terminal to ask a passphrase on.
    let awsprof = |passphrase: Option<&str>, args: &[&str]| {
        let mut cmd = command(&sb, "setsid", None);
        cmd.env("AWSPROF_VAULT_STORE", "file")
            .env("XDG_RUNTIME_DIR", &runtime);
        if let Some(p) = passphrase {
            cmd.env("AWSPROF_VAULT_PASSPHRASE", p);
        }
        run(cmd, &[&[AWSPROF], args].concat())
    };
    assert_eq!(awsprof(Some(PASSPHRASE), &["vault", "move", "dev"]).code, 0);
    let locked = awsprof(None, &["credential-process", "dev"]);
    assert_ne!(locked.code, 0, "{locked:#?}");
    assert!(
        locked.stderr.contains("AWSPROF_VAULT_PASSPHRASE"),
        "{locked:#?}"
    );

    let wrong = awsprof(Some("not it"), &["vault", "unlock"]);
    assert_eq!(wrong.code, 4, "{wrong:#?}");
    assert!(files_under(&runtime).is_empty(), "nothing kept: {wrong:#?}");
    let unlocked = awsprof(Some(PASSPHRASE), &["vault", "unlock", "--for", "1h"]);
    assert_eq!(unlocked.code, 0, "{unlocked:#?}");
    let kept = files_under(&runtime);
    assert_eq!(kept.len(), 1, "{kept:?}");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        (mode(&kept[0]), mode(kept[0].parent().unwrap())),
        (0o600, 0o700)
    );
    assert!(!std::fs::read_to_string(&kept[0])
        .unwrap()
        .contains(SECRET_1));

    // No passphrase now, through awsprof's chain and through the vault line.
    let served = awsprof(None, &["credential-process", "dev"]);
    assert_eq!(served.code, 0, "{served:#?}");
    assert!(served.stdout.contains(KEY_1), "{served:#?}");
    assert_eq!(item_key(&sb, "dev").map(|k| k.0), Some(KEY_1.to_string()));

    // An unlock others could read is not believed (exit 2), nor one whose
    // time is up (removed; the passphrase is asked again).
    std::fs::set_permissions(&kept[0], std::fs::Permissions::from_mode(0o644)).unwrap();
    let shared = awsprof(None, &["vault", "get", "dev"]);
    assert_eq!(shared.code, 2, "{shared:#?}");
    assert!(shared.stderr.contains("does not believe"), "{shared:#?}");
    std::fs::set_permissions(&kept[0], std::fs::Permissions::from_mode(0o600)).unwrap();
    let text = std::fs::read_to_string(&kept[0]).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["expires"] = "2020-01-01T00:00:00Z".into();
    std::fs::write(&kept[0], v.to_string()).unwrap();
    let expired = awsprof(None, &["credential-process", "dev"]);
    assert_ne!(expired.code, 0, "{expired:#?}");
    assert!(!kept[0].exists(), "the expired unlock is removed");

    assert_eq!(awsprof(Some(PASSPHRASE), &["vault", "unlock"]).code, 0);
    assert_eq!(awsprof(None, &["credential-process", "dev"]).code, 0);
    let lock = awsprof(None, &["vault", "lock"]);
    assert_eq!(lock.code, 0, "{lock:#?}");
    assert!(files_under(&runtime).is_empty());
    assert_ne!(awsprof(None, &["credential-process", "dev"]).code, 0);
}
