//! Access keys against moto with IAM enforced: import without pasting a
//! secret, list, and rotate without ever losing a working key (a user
//! with two keys, a refused delete, a crash right after the key exists).

mod support;

use serde_json::json;
use support::{Moto, Sandbox, World, AWSPROF};

/// tanaka may manage his own keys.
const SELF_SERVICE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey","iam:DeleteAccessKey","iam:GetAccessKeyLastUsed","sts:GetCallerIdentity"],"Resource":"*"}]}"#;

fn world_with_self_service(extra: Option<&str>) -> (Moto, World, Sandbox) {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    world.admin_iam(
        "put_user_policy",
        json!({"UserName": "tanaka", "PolicyName": "self-service", "PolicyDocument": SELF_SERVICE}),
    );
    if let Some(deny) = extra {
        world.admin_iam(
            "put_user_policy",
            json!({"UserName": "tanaka", "PolicyName": "deny", "PolicyDocument": deny}),
        );
    }
    let credentials = format!(
        "# tanaka's own key\n{}\n[tanaka-ci]\n# the same key, for CI\naws_access_key_id = {}\naws_secret_access_key = {}\nregion = eu-west-1\n",
        world.tanaka_credentials(),
        world.get("/tanaka/access_key_id"),
        world.get("/tanaka/secret_access_key"),
    );
    let sandbox = Sandbox::new("[profile tanaka]\nregion = us-east-1\n", &credentials)
        .with_endpoint(&moto.endpoint);
    (moto, world, sandbox)
}

fn held_key(sandbox: &Sandbox, profile: &str) -> String {
    let json = sandbox
        .awsprof(&["profile", "list", "--output", "json"])
        .ok()
        .json();
    json["profiles"][profile]["aws_access_key_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn import_from_create_access_key_json_piped_in() {
    let moto = Moto::start();
    let world = World::build(&moto, &["--admin-only"]);
    let sandbox = Sandbox::new("", &world.admin_credentials()).with_endpoint(&moto.endpoint);
    sandbox
        .aws(&[
            "iam",
            "create-user",
            "--user-name",
            "tanaka",
            "--profile",
            "admin",
        ])
        .ok();
    let piped = sandbox
        .command("bash")
        .args([
            "-c",
            &format!("set -o pipefail; aws iam create-access-key --user-name tanaka --profile admin --output json | '{AWSPROF}' key import tanaka"),
        ])
        .output()
        .unwrap();
    assert!(piped.status.success(), "{piped:#?}");
    let stdout = String::from_utf8_lossy(&piped.stdout);
    let credentials = sandbox.read_credentials();
    let secret = credentials
        .lines()
        .skip_while(|l| *l != "[tanaka]")
        .find_map(|l| l.strip_prefix("aws_secret_access_key = "))
        .expect("the secret is in the file");
    assert!(!stdout.contains(secret), "{stdout}");
    assert!(stdout.contains("aws_secret_access_key = ****"), "{stdout}");
    let who = sandbox.awsprof(&["profile", "whoami", "tanaka"]).ok();
    assert!(who.stdout.contains(":user/tanaka"), "{who:#?}");
    assert_eq!(sandbox.backup_ids().len(), 1, "one write, one backup");
}

#[test]
fn import_from_the_consoles_csv_with_a_bom() {
    let moto = Moto::start();
    let world = World::build(&moto, &["--admin-only"]);
    let sandbox = Sandbox::new("", &world.admin_credentials()).with_endpoint(&moto.endpoint);
    world.admin_iam("create_user", json!({"UserName": "tanaka"}));
    let key = world.admin_iam("create_access_key", json!({"UserName": "tanaka"}));
    let (id, secret) = (
        key["AccessKey"]["AccessKeyId"].as_str().unwrap(),
        key["AccessKey"]["SecretAccessKey"].as_str().unwrap(),
    );
    let csv = sandbox.dir.path().join("tanaka_accessKeys.csv");
    std::fs::write(
        &csv,
        format!("\u{feff}Access key ID,Secret access key\r\n{id},{secret}\r\n"),
    )
    .unwrap();
    let run = sandbox
        .awsprof(&[
            "key",
            "import",
            "tanaka",
            csv.to_str().unwrap(),
            "--region",
            "ap-northeast-1",
            "--output-format",
            "json",
        ])
        .ok();
    assert!(!run.stdout.contains(secret));
    assert_eq!(sandbox.backup_ids().len(), 1, "one write, one backup");
    assert!(sandbox
        .read_config()
        .contains("[profile tanaka]\nregion = ap-northeast-1\noutput = json\n"));
    assert_eq!(held_key(&sandbox, "tanaka"), id);
    sandbox.awsprof(&["profile", "whoami", "tanaka"]).ok();

    // Importing the same key again changes nothing; a different one is
    // refused without --force; malformed input names the line.
    sandbox
        .awsprof(&["key", "import", "tanaka", csv.to_str().unwrap()])
        .ok();
    assert_eq!(sandbox.backup_ids().len(), 1);
    std::fs::write(
        &csv,
        format!("Access key ID,Secret access key\nAKIAOTHER00000000001,{secret}\n"),
    )
    .unwrap();
    let refused = sandbox
        .awsprof(&["key", "import", "tanaka", csv.to_str().unwrap()])
        .code(2);
    assert!(refused.stderr.contains("--force"), "{refused:#?}");
    std::fs::write(&csv, "Access key ID,Secret access key\nshort,x\n").unwrap();
    let bad = sandbox
        .awsprof(&["key", "import", "tanaka", csv.to_str().unwrap()])
        .code(2);
    assert!(
        bad.stderr.contains(&format!("{}:2:", csv.display())),
        "{bad:#?}"
    );
    assert_eq!(held_key(&sandbox, "tanaka"), id);
}

#[test]
fn rotate_replaces_the_key_everywhere_and_deletes_the_old_one() {
    let (_moto, world, sandbox) = world_with_self_service(None);
    let old = world.get("/tanaka/access_key_id");
    let listed = sandbox
        .awsprof(&[
            "key",
            "list",
            "tanaka",
            "--output",
            "json",
            "--max-age",
            "30",
        ])
        .ok()
        .json();
    assert_eq!(listed["user"], "tanaka");
    assert_eq!(listed["keys"][0]["status"], "Active");
    assert_eq!(
        listed["keys"][0]["profiles"],
        json!(["tanaka", "tanaka-ci"])
    );
    assert!(!listed.to_string().contains(&old), "ids are masked");
    assert_eq!(listed["passed"], true);
    // --max-age exits 1 on a key older than it. The key's age is measured
    // at AWSPROF_TEST_NOW (an injectable clock): 40 days on, it is too old.
    let later = |days: u64| {
        let at = std::time::SystemTime::now() + std::time::Duration::from_secs(days * 86_400);
        let mut cmd = sandbox.command(support::AWSPROF);
        cmd.env("AWSPROF_TEST_NOW", awsprof::isotime::format(at))
            .args(["key", "list", "tanaka", "--max-age", "30"]);
        support::Run::of(cmd.output().unwrap())
    };
    let old_key = later(40).code(1);
    assert!(
        old_key.stdout.contains("(older than --max-age)"),
        "{old_key:#?}"
    );
    assert!(old_key.stdout.contains("40d"), "{old_key:#?}");
    let young = later(29).ok();
    assert!(!young.stdout.contains("older than"), "{young:#?}");

    let before = sandbox.read_credentials();
    let run = sandbox.awsprof(&["key", "rotate", "tanaka"]).ok();
    assert!(run.stdout.contains("Old key ****"), "{run:#?}");
    let after = sandbox.read_credentials();
    let new = held_key(&sandbox, "tanaka");
    assert_ne!(new, old);
    assert_eq!(held_key(&sandbox, "tanaka-ci"), new);
    // Exactly the value lines changed: comments, order and the rest stay.
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 4, "{changed:#?}");
    assert!(
        changed
            .iter()
            .all(|(a, _)| a.starts_with("aws_access_key_id")
                || a.starts_with("aws_secret_access_key"))
    );
    assert_eq!(
        world.access_keys("tanaka"),
        vec![(new.clone(), "Active".into())]
    );
    assert!(!run
        .stdout
        .contains(&after.lines().find(|l| l.starts_with("aws_secret")).unwrap()[24..]));
    assert_eq!(sandbox.backup_ids().len(), 1);
    let recorded = sandbox.awsprof(&["backup", "list"]).ok();
    assert!(
        recorded.stdout.contains("awsprof key rotate tanaka"),
        "{recorded:#?}"
    );
    sandbox.awsprof(&["profile", "whoami", "tanaka-ci"]).ok();
}

#[test]
fn a_user_with_two_keys_is_refused_before_anything_changes() {
    let (_moto, world, sandbox) = world_with_self_service(None);
    world.admin_iam("create_access_key", json!({"UserName": "tanaka"}));
    let before = sandbox.read_credentials();
    let run = sandbox.awsprof(&["key", "rotate", "tanaka"]).code(2);
    assert!(run.stderr.contains("two access keys"), "{run:#?}");
    assert!(run
        .stderr
        .contains("aws iam delete-access-key --user-name tanaka --access-key-id AKIA"));
    assert_eq!(sandbox.read_credentials(), before);
    assert_eq!(world.access_keys("tanaka").len(), 2);
    assert!(sandbox.backup_ids().is_empty());
}

#[test]
fn a_refused_delete_leaves_the_old_key_inactive_and_the_new_key_in_the_file() {
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteAccessKey","Resource":"*"}]}"#;
    let (_moto, world, sandbox) = world_with_self_service(Some(deny));
    let old = world.get("/tanaka/access_key_id");
    let run = sandbox.awsprof(&["key", "rotate", "tanaka"]).code(3);
    assert!(run.stderr.contains("delete the old key"), "{run:#?}");
    assert!(run.stderr.contains("iam:DeleteAccessKey"), "{run:#?}");
    let new = held_key(&sandbox, "tanaka");
    assert_ne!(new, old);
    let mut keys = world.access_keys("tanaka");
    keys.sort();
    let mut want = vec![(old, "Inactive".to_string()), (new, "Active".to_string())];
    want.sort();
    assert_eq!(keys, want);
    sandbox.awsprof(&["profile", "whoami", "tanaka"]).ok();
}

/// Every point where rotation can be killed, in order, and the key the
/// file holds when it is killed there.
const CRASH_POINTS: [(&str, &str); 4] = [
    ("created", "old"),
    ("written", "new"),
    ("proved", "new"),
    ("deactivated", "new"),
];

#[test]
fn a_rotation_killed_at_any_step_finishes_with_the_key_it_created() {
    for (point, file_holds) in CRASH_POINTS {
        let (_moto, world, sandbox) = world_with_self_service(None);
        let old = world.get("/tanaka/access_key_id");
        let mut killed = sandbox.command(AWSPROF);
        killed
            .env("AWSPROF_TEST_KILL_AT", point)
            .args(["key", "rotate", "tanaka"]);
        let out = killed.output().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            out.status.signal(),
            Some(9),
            "{point}: killed by SIGKILL: {out:#?}"
        );
        let keys = world.access_keys("tanaka");
        assert_eq!(keys.len(), 2, "{point}");
        let created = keys.iter().find(|(id, _)| *id != old).unwrap().0.clone();
        let want = if file_holds == "old" { &old } else { &created };
        assert_eq!(
            &held_key(&sandbox, "tanaka"),
            want,
            "{point}: the key in the file"
        );
        // The file's key works at every point.
        sandbox
            .awsprof(&["profile", "whoami", "tanaka", "--no-cache"])
            .ok();

        let run = sandbox.awsprof(&["key", "rotate", "tanaka"]).ok();
        assert!(run.stdout.contains("Resumed"), "{point}: {run:#?}");
        assert_eq!(held_key(&sandbox, "tanaka"), created, "{point}");
        assert_eq!(
            world.access_keys("tanaka"),
            vec![(created, "Active".into())],
            "{point}: no third key, the old one gone"
        );
        sandbox.awsprof(&["profile", "whoami", "tanaka"]).ok();
    }
}

#[test]
fn every_crash_point_of_the_rotation_is_tested() {
    let source = std::fs::read_to_string(support::repo_path("src/operations/rotate.rs")).unwrap();
    let in_code: Vec<&str> = source
        .match_indices("crash_point(\"")
        .map(|(at, m)| {
            let rest = &source[at + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let tested: Vec<&str> = CRASH_POINTS.iter().map(|(p, _)| *p).collect();
    assert_eq!(in_code, tested);
}
