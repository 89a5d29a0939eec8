//! `awsprof console`: the sign-in URL for each kind of credentials.
//!
//! A role's session comes from moto with IAM enforced (the walkthrough's
//! tanaka -> toy-role). What moto lacks is played by
//! `tests/support/federation_stub.py`, a loopback stub that checks what
//! it is sent and refuses what AWS refuses: the federation endpoint
//! (`getSigninToken`, which checks a role session against moto itself),
//! and GetFederationToken / GetSessionToken, whose credentials moto
//! refuses under IAM enforcement. The browser is a script that records
//! the URL it is given.

mod support;

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use support::{tanaka_with_role, Moto, PyStub, Run, Sandbox, World};

const LONG_TERM_KEY: &str = "AKIASTUBLONGTERM0001";

struct FederationStub(PyStub);

impl FederationStub {
    fn start(moto_endpoint: &str) -> FederationStub {
        FederationStub(PyStub::start(
            "tests/support/federation_stub.py",
            &["--moto", moto_endpoint, "--long-term-key", LONG_TERM_KEY],
        ))
    }

    fn federation_url(&self) -> String {
        format!("{}/federation", self.0.endpoint)
    }

    fn signin_requests(&self) -> Vec<Value> {
        self.0
            .requests()
            .into_iter()
            .filter(|r| r["endpoint"] == "federation")
            .collect()
    }

    fn sts_requests(&self, action: &str) -> Vec<Value> {
        self.0
            .requests()
            .into_iter()
            .filter(|r| r["endpoint"] == "sts" && r["params"]["Action"] == action)
            .collect()
    }
}

/// A "browser" that writes the URL it is given to a file.
struct Browser {
    script: PathBuf,
    opened: PathBuf,
}

impl Browser {
    fn new(sb: &Sandbox) -> Browser {
        let script = sb.dir.path().join("browser");
        let opened = sb.dir.path().join("opened-url");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
        Browser { script, opened }
    }

    fn url(&self) -> String {
        std::fs::read_to_string(&self.opened).expect("the browser was given a URL")
    }
}

fn console(sb: &Sandbox, stub: &FederationStub, browser: &Browser, args: &[&str]) -> Run {
    Run::of(
        sb.command(support::AWSPROF)
            .arg("console")
            .args(args)
            .env("AWSPROF_FEDERATION_ENDPOINT", stub.federation_url())
            .env("BROWSER", &browser.script)
            .output()
            .unwrap(),
    )
}

/// The `Session` JSON of a getSigninToken request.
fn session_of(request: &Value) -> Value {
    serde_json::from_str(request["query"]["Session"].as_str().unwrap()).unwrap()
}

/// A JSON object's field names, sorted.
fn field_names(object: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort();
    names
}

#[test]
fn a_role_session_opens_in_the_browser_and_reaches_stdout_only_with_print() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sb = tanaka_with_role(&moto, &world);
    let stub = FederationStub::start(&moto.endpoint);
    let browser = Browser::new(&sb);

    let run = console(
        &sb,
        &stub,
        &browser,
        &["tanaka", "--service", "ec2", "--region", "eu-west-1"],
    )
    .ok();
    assert_eq!(run.stdout, "", "the URL is a credential: {run:#?}");
    assert!(
        run.stderr
            .starts_with("awsprof: opened the console for profile tanaka (the role session) with "),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("stub-token"), "{run:#?}");
    let url = browser.url();
    let prefix = format!(
        "{}?Action=login&Issuer=awsprof&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1&SigninToken=stub-token-role-",
        stub.federation_url()
    );
    assert!(url.starts_with(&prefix), "{url}");

    let signin = stub.signin_requests();
    assert_eq!(signin.len(), 1);
    let query = &signin[0]["query"];
    assert_eq!(
        field_names(query),
        ["Action", "Session"],
        "no SessionDuration unless asked"
    );
    assert_eq!(query["Action"], "getSigninToken");
    let session = session_of(&signin[0]);
    assert_eq!(
        field_names(&session),
        ["sessionId", "sessionKey", "sessionToken"]
    );
    assert!(session["sessionId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(signin[0]["status"], 200);

    // --print: the URL alone on stdout; a role's --duration is SessionDuration.
    let printed = console(
        &sb,
        &stub,
        &browser,
        &["tanaka", "--duration", "3600", "--print"],
    )
    .ok();
    let line = printed.stdout.strip_suffix('\n').unwrap();
    assert!(!line.contains('\n'));
    assert!(
        line.starts_with(&format!(
            "{}?Action=login&Issuer=awsprof&Destination=https%3A%2F%2Fus-east-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dus-east-1&SigninToken=stub-token-role-",
            stub.federation_url()
        )),
        "{printed:#?}"
    );
    let signin = stub.signin_requests();
    assert_eq!(signin.len(), 2);
    assert_eq!(signin[1]["query"]["SessionDuration"], "3600");
    // --output json: the same link in a field, with how it was signed.
    let as_json = console(
        &sb,
        &stub,
        &browser,
        &["tanaka", "--print", "--output", "json"],
    )
    .ok();
    let said: Value = serde_json::from_str(&as_json.stdout).unwrap();
    assert_eq!(said["profile"], "tanaka");
    assert_eq!(said["signed_in_with"], "the role session");
    assert!(said["url"]
        .as_str()
        .unwrap()
        .contains("&SigninToken=stub-token-role-"));
    assert_eq!(stub.signin_requests().len(), 3);
    assert_eq!(signin[1]["status"], 200);

    // Longer than a role's console session: refused before any request.
    let too_long = console(&sb, &stub, &browser, &["tanaka", "--duration", "50000"]).code(2);
    assert!(too_long.stderr.contains("at most 43200 s"), "{too_long:#?}");
    assert_eq!(stub.signin_requests().len(), 3);

    // A landing page off the console is refused before any request.
    let elsewhere = console(
        &sb,
        &stub,
        &browser,
        &[
            "tanaka",
            "--destination",
            "https://console.aws.amazon.com.evil.example/",
        ],
    )
    .code(2);
    assert!(
        elsewhere.stderr.contains("is not a page of the console"),
        "{elsewhere:#?}"
    );
    assert_eq!(stub.signin_requests().len(), 3);

    // Opened with --output json: how, and with what; the link stays off stdout.
    let opened = console(&sb, &stub, &browser, &["tanaka", "--output", "json"]).ok();
    let said: Value = serde_json::from_str(&opened.stdout).unwrap();
    assert_eq!(
        field_names(&said),
        ["opened_with", "profile", "signed_in_with"]
    );
    assert!(!opened.stdout.contains("stub-token"), "{opened:#?}");
    assert!(browser.url().contains("&SigninToken=stub-token-role-"));

    // No browser to open: exit 2, pointing at --print, the URL shown nowhere.
    let no_browser = Run::of(
        sb.command(support::AWSPROF)
            .args(["console", "tanaka"])
            .env("AWSPROF_FEDERATION_ENDPOINT", stub.federation_url())
            .env("BROWSER", "/nonexistent/browser")
            .output()
            .unwrap(),
    )
    .code(2);
    assert_eq!(no_browser.stdout, "");
    assert!(no_browser.stderr.contains("--print"), "{no_browser:#?}");
    assert!(!no_browser.stderr.contains("stub-token"), "{no_browser:#?}");
}

#[test]
fn long_term_keys_sign_in_through_a_named_federation_token() {
    let stub = FederationStub::start(&support::closed_endpoint());
    let keys = format!("aws_access_key_id = {LONG_TERM_KEY}\naws_secret_access_key = stubLongTermSecret000000000000000000000\n");
    let long_name = "a-profile-name-longer-than-thirty-two";
    let sb = Sandbox::new(
        "[profile mfa-user]\nmfa_serial = arn:aws:iam::123456789012:mfa/tanaka\n",
        &format!("[tanaka]\n{keys}[{long_name}]\n{keys}[mfa-user]\n{keys}"),
    )
    .with_endpoint(&stub.0.endpoint);
    let browser = Browser::new(&sb);

    let run = console(&sb, &stub, &browser, &["tanaka", "--print"]).ok();
    let federation = stub.sts_requests("GetFederationToken");
    assert_eq!(federation.len(), 1);
    let sent = &federation[0]["params"];
    assert_eq!(sent["Name"], "tanaka");
    assert_eq!(
        serde_json::from_str::<Value>(sent["Policy"].as_str().unwrap()).unwrap(),
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    );
    assert!(sent.get("DurationSeconds").is_none(), "{sent}");
    assert_eq!(federation[0]["signed_by"], LONG_TERM_KEY);
    let signin = stub.signin_requests();
    assert_eq!(signin.len(), 1);
    assert!(signin[0]["query"].get("SessionDuration").is_none());
    assert!(session_of(&signin[0])["sessionId"]
        .as_str()
        .unwrap()
        .starts_with("ASIASTUBFED"));
    assert_eq!(signin[0]["status"], 200);
    assert!(
        run.stdout.contains("&SigninToken=stub-token-federation-"),
        "{run:#?}"
    );

    // --duration goes to GetFederationToken, never to the endpoint.
    console(
        &sb,
        &stub,
        &browser,
        &["tanaka", "--duration", "7200", "--print"],
    )
    .ok();
    assert_eq!(
        stub.sts_requests("GetFederationToken")[1]["params"]["DurationSeconds"],
        "7200"
    );
    let signin = stub.signin_requests();
    assert!(signin[1]["query"].get("SessionDuration").is_none());
    assert_eq!(signin[1]["status"], 200);

    // The name is cut to GetFederationToken's 32 characters.
    console(&sb, &stub, &browser, &[long_name, "--print"]).ok();
    assert_eq!(
        stub.sts_requests("GetFederationToken")[2]["params"]["Name"],
        &long_name[..32]
    );

    // An MFA device on a keys-only profile: said plainly, still signed in.
    let noted = console(&sb, &stub, &browser, &["mfa-user", "--print"]).ok();
    assert!(
        noted
            .stderr
            .contains("GetFederationToken takes no MFA code"),
        "{noted:#?}"
    );
}

#[test]
fn session_credentials_are_told_apart_by_whom_they_belong_to() {
    let stub = FederationStub::start(&support::closed_endpoint());
    // Two sessions made from the long-term key, as another tool would.
    let issue = |action: &str| -> Value {
        let script = format!(
            "import boto3, json\nsts = boto3.client('sts', endpoint_url='{}', region_name='us-east-1', aws_access_key_id='{LONG_TERM_KEY}', aws_secret_access_key='x')\nc = sts.{action}(**({{'Name': 'fed-user', 'Policy': '{{}}'}} if '{action}' == 'get_federation_token' else {{}}))['Credentials']\nprint(json.dumps({{k: c[k] for k in ('AccessKeyId', 'SecretAccessKey', 'SessionToken')}}))",
            stub.0.endpoint
        );
        let out = Command::new("python3")
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let section = |name: &str, c: &Value| {
        format!(
            "[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            c["AccessKeyId"].as_str().unwrap(),
            c["SecretAccessKey"].as_str().unwrap(),
            c["SessionToken"].as_str().unwrap()
        )
    };
    let session = issue("get_session_token");
    let federated = issue("get_federation_token");
    let sb = Sandbox::new(
        "",
        &(section("gst", &session) + &section("fed", &federated)),
    )
    .with_endpoint(&stub.0.endpoint);
    let browser = Browser::new(&sb);

    // GetSessionToken's session: refused with the reason, before the endpoint.
    let refused = console(&sb, &stub, &browser, &["gst", "--print"]).code(2);
    assert!(
        refused.stderr.contains(
            "arn:aws:iam::123456789012:user/tanaka from GetSessionToken, which the federation endpoint refuses"
        ),
        "{refused:#?}"
    );
    assert_eq!(refused.stdout, "");
    assert!(stub.signin_requests().is_empty());

    // A federation token is used as it is, with no SessionDuration.
    let run = console(&sb, &stub, &browser, &["fed", "--print"]).ok();
    assert!(
        run.stdout.contains("SigninToken=stub-token-federation-"),
        "{run:#?}"
    );
    let signin = stub.signin_requests();
    assert_eq!(signin.len(), 1);
    assert_eq!(
        session_of(&signin[0])["sessionId"],
        federated["AccessKeyId"]
    );
    assert!(signin[0]["query"].get("SessionDuration").is_none());
    let with_duration = console(
        &sb,
        &stub,
        &browser,
        &["fed", "--duration", "900", "--print"],
    )
    .code(2);
    assert!(
        with_duration.stderr.contains("takes no --duration"),
        "{with_duration:#?}"
    );
    assert_eq!(stub.signin_requests().len(), 1);
}
