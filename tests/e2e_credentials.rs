//! `exec`, `profile export` and `credential-process` against a real moto
//! server with IAM enforced, in the walkthrough's world: the AWS CLI and a
//! shell use the credentials awsprof's chain reaches.

mod support;

use serde_json::json;
use support::{tanaka_with_role, Moto, Sandbox, World, ACCOUNT, AWSPROF};

#[test]
fn exec_runs_the_aws_cli_as_the_role() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let who = sandbox
        .awsprof(&["exec", "tanaka", "--", "aws", "sts", "get-caller-identity"])
        .ok();
    let json: serde_json::Value = serde_json::from_str(&who.stdout).unwrap();
    assert!(
        json["Arn"]
            .as_str()
            .unwrap()
            .starts_with(&format!("arn:aws:sts::{ACCOUNT}:assumed-role/toy-role/")),
        "{who:#?}"
    );
    assert!(!who.stderr.contains(&world.get("/tanaka/secret_access_key")));
}

#[test]
fn the_aws_cli_uses_awsprof_as_its_credential_process() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let mut config = sandbox.read_config();
    config.push_str(&format!(
        "[profile via-awsprof]\ncredential_process = {AWSPROF} credential-process tanaka\n"
    ));
    sandbox.write_config(&config);
    let allowed = sandbox.aws(&[
        "ec2",
        "describe-instance-types",
        "--profile",
        "via-awsprof",
        "--max-results",
        "5",
    ]);
    assert_eq!(allowed.code, 0, "{allowed:#?}");
    let refused = sandbox.aws(&["ec2", "describe-vpcs", "--profile", "via-awsprof"]);
    assert_eq!(
        refused.code, 255,
        "the AWS CLI (v1) exits 255 on a service error: {refused:#?}"
    );
    assert!(refused.stderr.contains("AccessDenied"), "{refused:#?}");

    // With tanaka's key deleted, only the cache can still serve the role.
    world.admin_iam(
        "delete_access_key",
        json!({"UserName": "tanaka", "AccessKeyId": world.get("/tanaka/access_key_id")}),
    );
    let again = sandbox.aws(&["sts", "get-caller-identity", "--profile", "via-awsprof"]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert!(again.stdout.contains("assumed-role/toy-role"));
    // And without the cache, STS refuses the deleted key: exit 3, the hop
    // named, nothing on stdout.
    let fresh = sandbox
        .awsprof(&["credential-process", "tanaka", "--no-cache"])
        .code(3);
    assert_eq!(fresh.stdout, "");
    assert!(fresh.stderr.contains("tanaka -> toy-role"), "{fresh:#?}");
}

#[test]
fn export_env_in_bash_gives_the_same_identity() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let direct = sandbox.awsprof(&["profile", "whoami", "tanaka"]).ok();
    let script = format!(
        "set -e; eval \"$('{AWSPROF}' profile export tanaka --format env)\"; \
         unset AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE; \
         test -n \"$AWS_CREDENTIAL_EXPIRATION\"; aws sts get-caller-identity --query Arn --output text"
    );
    let via_shell = sandbox
        .command("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(via_shell.status.success(), "{via_shell:#?}");
    assert_eq!(String::from_utf8_lossy(&via_shell.stdout), direct.stdout);

    // process JSON and the ini section read back.
    let process = sandbox.awsprof(&["profile", "export", "tanaka"]).ok();
    let json: serde_json::Value = serde_json::from_str(&process.stdout).unwrap();
    assert_eq!(json["Version"], 1);
    let expiration = json["Expiration"].as_str().unwrap();
    assert!(awsprof::isotime::parse(expiration).is_some() && expiration.ends_with("+00:00"));
    let ini = sandbox
        .awsprof(&["profile", "export", "tanaka", "--format", "ini"])
        .ok();
    let read_back = Sandbox::new("", &ini.stdout.replace("[tanaka]", "[exported]"))
        .with_endpoint(&moto.endpoint);
    let who = read_back.awsprof(&["profile", "whoami", "exported"]).ok();
    assert_eq!(who.stdout, direct.stdout);
}

#[test]
fn a_refused_hop_is_exit_3_naming_it_with_nothing_on_stdout() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = Sandbox::new(
        &format!("[profile nope]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/toy-role\nsource_profile = tanaka\nexternal_id = wrong\n"),
        &world.tanaka_credentials().replace(&world.get("/tanaka/secret_access_key"), "wrongSecret"),
    )
    .with_endpoint(&moto.endpoint);
    for args in [
        &["profile", "export", "nope"][..],
        &["credential-process", "nope"][..],
        &["exec", "nope", "--", "true"][..],
    ] {
        let run = sandbox.awsprof(args).code(3);
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("tanaka -> toy-role"), "{run:#?}");
        assert!(!run.stderr.contains("wrongSecret"));
    }
}

/// Inside `exec`, awsprof knows where it runs: with no profile named it
/// uses the exec's own profile and says so; with only keys in the
/// environment it reports whose keys they are.
#[test]
fn whoami_knows_where_it_runs() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let inside = sandbox
        .awsprof(&["exec", "tanaka", "--", AWSPROF, "profile", "whoami"])
        .ok();
    assert!(
        inside
            .stdout
            .starts_with(&format!("arn:aws:sts::{ACCOUNT}:assumed-role/toy-role/")),
        "{inside:#?}"
    );
    assert!(
        inside.stderr.contains("using profile tanaka"),
        "{inside:#?}"
    );

    let bare = Sandbox::new("", "").with_endpoint(&moto.endpoint);
    let with_env_keys = |args: &[&str]| {
        let mut cmd = bare.command(AWSPROF);
        cmd.args(args)
            .env("AWS_ACCESS_KEY_ID", world.get("/tanaka/access_key_id"))
            .env(
                "AWS_SECRET_ACCESS_KEY",
                world.get("/tanaka/secret_access_key"),
            );
        support::Run::of(cmd.output().unwrap()).ok()
    };
    let env_only = with_env_keys(&["profile", "whoami"]);
    assert_eq!(
        env_only.stdout.trim(),
        format!("arn:aws:iam::{ACCOUNT}:user/tanaka"),
        "{env_only:#?}"
    );
    assert!(
        env_only.stderr.contains("from the environment"),
        "{env_only:#?}"
    );
    let json = with_env_keys(&["profile", "whoami", "--output", "json"]);
    assert_eq!(json.json()["source"], "environment", "{json:#?}");
    // No keys and no files: the usual not-found, not an STS call.
    bare.awsprof(&["profile", "whoami"]).code(2);
}
