//! `exec --server` against a real moto with IAM enforced: the AWS CLI and
//! boto3, run as the child, fetch the role's credentials from awsprof's
//! loopback endpoint (the SDKs' container provider), a request without
//! the token is refused, a session shorter than the refresh margin is
//! renewed between two fetches of one child run, and the endpoint ends
//! with the child.

mod support;

use serde_json::Value;
use support::{tanaka_with_role, Moto, Sandbox, World, ACCOUNT};

/// Run by the child: fetches credentials twice through botocore's own
/// provider chain (each a new session, so nothing is cached between them),
/// uses them, and asks the endpoint without and with a wrong token.
const CHILD: &str = r#"
import boto3, json, os, urllib.request, urllib.error
endpoint = os.environ["AWS_ENDPOINT_URL"]
def fetch():
    session = boto3.Session()
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    arn = session.client("sts", endpoint_url=endpoint).get_caller_identity()["Arn"]
    ec2 = session.client("ec2", endpoint_url=endpoint)
    ec2.describe_instance_types(MaxResults=5)
    try:
        ec2.describe_vpcs()
        vpcs = "allowed"
    except Exception as e:
        vpcs = e.response["Error"]["Code"]
    return {"method": creds.method, "key": frozen.access_key, "arn": arn, "vpcs": vpcs}
def status(headers):
    request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], headers=headers)
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code
first, second = fetch(), fetch()
print(json.dumps({
    "first": first, "second": second,
    "no_token": status({}),
    "wrong_token": status({"Authorization": "x" * 64}),
    "static_in_env": [k for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN") if k in os.environ],
    "url": os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
}))
"#;

fn run_child(sandbox: &Sandbox) -> Value {
    let run = sandbox
        .awsprof(&["exec", "tanaka", "--server", "--", "python3", "-c", CHILD])
        .ok();
    serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

#[test]
fn boto3_and_the_aws_cli_get_the_role_through_the_server_and_strangers_get_403() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let seen = run_child(&sandbox);
    let role = format!("arn:aws:sts::{ACCOUNT}:assumed-role/toy-role/");
    for fetch in [&seen["first"], &seen["second"]] {
        assert_eq!(fetch["method"], "container-role", "{seen:#}");
        assert!(
            fetch["arn"].as_str().unwrap().starts_with(&role),
            "{seen:#}"
        );
        // The role's policy allows DescribeInstanceTypes (called above
        // without error) and nothing else.
        assert_eq!(fetch["vpcs"], "AccessDenied", "{seen:#}");
    }
    // An hour-long session is served as it is: no AssumeRole per request.
    assert_eq!(seen["first"]["key"], seen["second"]["key"], "{seen:#}");
    assert_eq!(seen["no_token"], 403);
    assert_eq!(seen["wrong_token"], 403);
    assert_eq!(seen["static_in_env"], serde_json::json!([]));
    assert!(seen["url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));

    // The endpoint lived as long as the child: nothing listens now.
    let url = seen["url"].as_str().unwrap();
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "{url} still answers"
    );

    // The AWS CLI as the child, and the child's exit code is awsprof's.
    let cli = sandbox
        .awsprof(&[
            "exec",
            "tanaka",
            "--server",
            "--",
            "sh",
            "-c",
            "aws sts get-caller-identity --query Arn --output text && exit 7",
        ])
        .code(7);
    assert!(cli.stdout.starts_with(&role), "{cli:#?}");
}

#[test]
fn a_session_shorter_than_the_refresh_margin_is_renewed_within_one_child_run() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    // 900 s, the least STS gives, is inside the 15 minutes before expiry
    // in which awsprof renews: every fetch gets a new session.
    sandbox
        .awsprof(&["profile", "set", "tanaka", "duration_seconds", "900"])
        .ok();
    let seen = run_child(&sandbox);
    assert_ne!(seen["first"]["key"], seen["second"]["key"], "{seen:#}");
    for fetch in [&seen["first"], &seen["second"]] {
        assert!(
            fetch["arn"]
                .as_str()
                .unwrap()
                .contains(":assumed-role/toy-role/"),
            "{seen:#}"
        );
    }
}

#[test]
fn long_term_keys_are_refused_and_a_credentialed_default_is_warned_about() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let mut credentials = sandbox.read_credentials();
    credentials.push_str("[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    sandbox.write_credentials(&credentials);
    let refused = sandbox
        .awsprof(&["exec", "keys", "--server", "--", "true"])
        .code(2);
    assert!(
        refused.stderr.contains("long-term keys") && refused.stderr.contains("without --server"),
        "{refused:#?}"
    );

    sandbox.write_credentials(&(credentials + "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"));
    let warned = sandbox
        .awsprof(&["exec", "tanaka", "--server", "--", "true"])
        .ok();
    assert!(
        warned
            .stderr
            .contains("warning: profile default holds credential settings"),
        "{warned:#?}"
    );
}

#[test]
fn sigterm_to_awsprof_reaches_the_child() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let mut child = sandbox
        .command(support::AWSPROF)
        .args(["exec", "tanaka", "--server", "--", "sleep", "30"])
        .spawn()
        .unwrap();
    // The sleep has started once awsprof has a child of its own.
    let children = format!("/proc/{}/task/{}/children", child.id(), child.id());
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&children)
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        assert!(started.elapsed().as_secs() < 20, "the child never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{status:?}");
    assert!(started.elapsed().as_secs() < 20, "the sleep was not ended");
}

#[test]
fn a_refresh_that_needs_an_mfa_code_answers_503_and_says_why_without_prompting() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let serial = format!("arn:aws:iam::{ACCOUNT}:mfa/tanaka");
    for (key, value) in [("mfa_serial", serial.as_str()), ("duration_seconds", "900")] {
        sandbox
            .awsprof(&["profile", "set", "tanaka", key, value])
            .ok();
    }
    // The code given for the start is spent; the 900 s session is due for
    // renewal at once, and the renewal would need a new code.
    let child = r#"
import os, urllib.request, urllib.error
request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
    headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
try:
    urllib.request.urlopen(request)
    print(200)
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
"#;
    let run = sandbox
        .awsprof(&[
            "exec",
            "tanaka",
            "--server",
            "--mfa-code",
            "123456",
            // Without the MFA session (moto cannot serve one here; see
            // tests/sts_parameters.rs for the renewal that uses it).
            "--no-mfa-session",
            "--",
            "python3",
            "-c",
            child,
        ])
        .ok();
    assert!(run.stdout.starts_with("503 "), "{run:#?}");
    assert!(
        run.stdout.contains("\"Code\":\"RefreshFailed\""),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("cannot refresh the credentials of profile tanaka")
            && run.stderr.contains("its MFA code cannot be asked for"),
        "{run:#?}"
    );
}
