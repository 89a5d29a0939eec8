//! `profile export`, `exec` and `credential-process` through the binary,
//! where no AWS call is needed: static keys, the shared cache, loops,
//! nesting and bad input. The chain against moto is in e2e_credentials.rs.

mod support;

use awsprof::aws::cache::{cache_path, AssumeRoleArgs};
use std::time::{Duration, SystemTime};
use support::Sandbox;

const KEY: &str = "AKIAEXAMPLE000000001";
const SECRET: &str = "tanakaSecretExampleKey000000000000000000";
const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";

fn credentials() -> String {
    format!("[tanaka]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
}

fn role_sandbox() -> Sandbox {
    Sandbox::new(
        &format!(
            "[profile role]\nrole_arn = {ROLE}\nsource_profile = tanaka\nregion = eu-west-1\n"
        ),
        &credentials(),
    )
    .with_endpoint(&support::closed_endpoint())
}

/// Writes a cached session for `role` the way the AWS CLI does.
fn cache(sb: &Sandbox, expires_in: Duration, body: Option<&str>) {
    let dir = sb.home().join(".aws/cli/cache");
    std::fs::create_dir_all(&dir).unwrap();
    let args = AssumeRoleArgs {
        role_arn: ROLE.into(),
        ..Default::default()
    };
    let expiration = awsprof::isotime::format(SystemTime::now() + expires_in);
    let json = format!(
        r#"{{"Credentials": {{"AccessKeyId": "ASIACACHED000000", "SecretAccessKey": "cachedSecret", "SessionToken": "cachedToken", "Expiration": "{expiration}"}}}}"#
    );
    std::fs::write(cache_path(&dir, &args), body.unwrap_or(&json)).unwrap();
}

#[test]
fn static_keys_export_in_every_format_and_nothing_else_on_stdout() {
    let sb = Sandbox::new("", &credentials());
    let process = sb.awsprof(&["profile", "export", "tanaka"]).ok();
    assert_eq!(
        process.stdout,
        format!("{{\n  \"Version\": 1,\n  \"AccessKeyId\": \"{KEY}\",\n  \"SecretAccessKey\": \"{SECRET}\"\n}}\n")
    );
    assert_eq!(process.stderr, "");
    let env = sb
        .awsprof(&["profile", "export", "tanaka", "--format", "env"])
        .ok();
    assert_eq!(
        env.stdout,
        format!("export AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\n")
    );
    for format in [
        "env-no-export",
        "powershell",
        "windows-cmd",
        "fish",
        "dotenv",
        "ini",
    ] {
        let run = sb
            .awsprof(&["profile", "export", "tanaka", "--format", format])
            .ok();
        assert!(run.stdout.contains(SECRET), "{format}: {run:#?}");
        assert!(run.stdout.ends_with('\n') && !run.stdout.contains('\r'));
    }
}

#[test]
fn bad_input_is_exit_2_with_nothing_on_stdout() {
    let sb = Sandbox::new("", &credentials());
    let unknown = sb.awsprof(&["profile", "export", "nobody"]).code(2);
    assert_eq!(unknown.stdout, "");
    assert!(unknown.stderr.contains("not found"), "{unknown:#?}");
    let format = sb
        .awsprof(&["profile", "export", "tanaka", "--format", "yaml"])
        .code(2);
    assert_eq!(format.stdout, "");
    sb.write_config(
        "[profile broken]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = nobody\n",
    );
    let broken = sb.awsprof(&["credential-process", "broken"]).code(2);
    assert_eq!(broken.stdout, "");
    assert!(broken.stderr.contains("config:3"), "{broken:#?}");
}

#[test]
fn a_fresh_cached_session_is_used_without_any_call() {
    let sb = role_sandbox();
    cache(&sb, Duration::from_secs(3600), None);
    // The endpoint is closed: only the cache can answer.
    let run = sb.awsprof(&["credential-process", "role"]).ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["Version"], 1);
    assert_eq!(json["AccessKeyId"], "ASIACACHED000000");
    assert_eq!(json["SessionToken"], "cachedToken");
    assert!(json["Expiration"].as_str().unwrap().ends_with("+00:00"));
    let env = sb
        .awsprof(&["profile", "export", "role", "--format", "env-no-export"])
        .ok();
    assert!(
        env.stdout.contains("AWS_CREDENTIAL_EXPIRATION="),
        "{env:#?}"
    );
}

#[test]
fn stale_expired_or_corrupt_cache_entries_are_never_handed_out() {
    for (expires_in, body) in [
        (Duration::from_secs(10 * 60), None), // within 15 minutes of expiry
        (Duration::ZERO, None),               // expired
        (
            Duration::from_secs(3600),
            Some("{\"Credentials\": {\"AccessKeyId\""),
        ), // half written
    ] {
        let sb = role_sandbox();
        cache(&sb, expires_in, body);
        // So the chain goes to STS, which is unreachable here.
        let run = sb.awsprof(&["credential-process", "role"]).code(3);
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("tanaka -> toy-role"), "{run:#?}");
    }
}

#[test]
fn no_cache_skips_a_fresh_entry() {
    let sb = role_sandbox();
    cache(&sb, Duration::from_secs(3600), None);
    sb.awsprof(&["profile", "export", "role", "--no-cache"])
        .code(3);
}

#[test]
fn a_credential_process_that_calls_awsprof_for_itself_is_refused() {
    let sb = Sandbox::new(
        "[profile a]\ncredential_process = awsprof credential-process b\n\
         [profile b]\ncredential_process = awsprof credential-process a\n",
        "",
    );
    let run = sb.awsprof(&["credential-process", "a"]).code(2);
    assert!(run.stderr.contains("a -> b -> a"), "{run:#?}");
    assert_eq!(run.stdout, "");
    // A loop awsprof cannot see in the files (through a wrapper) is
    // caught by the stack its own processes pass down.
    let mut cmd = sb.command(support::AWSPROF);
    cmd.env("AWSPROF_CREDENTIAL_PROCESS_STACK", "x,tanaka")
        .args(["credential-process", "tanaka"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x -> tanaka -> tanaka"));
}

#[test]
fn exec_hands_the_child_the_credentials_and_nothing_that_resolves_again() {
    let sb = Sandbox::new(
        "[profile tanaka]\nregion = ap-northeast-1\n",
        &credentials(),
    );
    let mut cmd = sb.command(support::AWSPROF);
    // The environment's region would win over the profile's, as in the SDKs.
    cmd.env_remove("AWS_DEFAULT_REGION")
        .env("AWS_PROFILE", "someone-else")
        .env("AWS_DEFAULT_PROFILE", "someone-else")
        .args(["exec", "tanaka", "--", "env"]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:#?}");
    let env = String::from_utf8_lossy(&out.stdout);
    let has = |line: &str| env.lines().any(|l| l == line);
    assert!(has(&format!("AWS_ACCESS_KEY_ID={KEY}")));
    assert!(has(&format!("AWS_SECRET_ACCESS_KEY={SECRET}")));
    assert!(has("AWS_REGION=ap-northeast-1") && has("AWS_DEFAULT_REGION=ap-northeast-1"));
    assert!(has("AWSPROF_PROFILE=tanaka"));
    assert!(!env
        .lines()
        .any(|l| l.starts_with("AWS_PROFILE=") || l.starts_with("AWS_DEFAULT_PROFILE=")));
    assert!(
        !env.contains("AWS_SESSION_TOKEN="),
        "static keys have no token"
    );
    // The child's exit code is awsprof's.
    sb.awsprof(&["exec", "tanaka", "--", "sh", "-c", "exit 7"])
        .code(7);
}

#[test]
fn exec_inside_exec_is_refused_unless_nested() {
    let sb = Sandbox::new("", &credentials());
    let mut cmd = sb.command(support::AWSPROF);
    cmd.env("AWSPROF_PROFILE", "outer")
        .args(["exec", "tanaka", "--", "true"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--nested"));
    let mut cmd = sb.command(support::AWSPROF);
    cmd.env("AWSPROF_PROFILE", "outer")
        .args(["exec", "tanaka", "--nested", "--", "true"]);
    assert!(cmd.output().unwrap().status.success());
    // No command: $SHELL runs.
    let mut cmd = sb.command(support::AWSPROF);
    cmd.env("SHELL", "/bin/true").args(["exec", "tanaka"]);
    assert!(cmd.output().unwrap().status.success());
}
