//! SSO profiles and the AWS CLI v2's token cache. Tokens awsprof reads
//! are written by botocore itself (its `SSOTokenLoader` over a
//! `JSONFileCache`, as `aws sso login` leaves them), and the tokens
//! `awsprof sso login` writes are read back by botocore, so the key
//! derivation and the field names are botocore's, not a copy of them.
//! The sign-in runs against `tests/support/sso_stub.py`, a loopback
//! stub of the OIDC service (moto has none) that checks what it is sent.

mod support;

use serde_json::Value;
use support::{PyStub, Run, Sandbox};

const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[profile ops]\nsso_session = fresh\nsso_account_id = 123456789012\nsso_role_name = Ops\n[profile old]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Old\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n[sso-session fresh]\nsso_start_url = https://fresh.awsapps.com/start\nsso_region = us-east-1\n";

/// Runs `call` on botocore's `SSOTokenLoader` over the sandbox's token
/// cache; what the script prints.
fn with_botocore_loader(sb: &Sandbox, call: &str) -> Vec<u8> {
    let script = format!(
        "import json\nfrom botocore.utils import SSOTokenLoader, JSONFileCache\nloader = SSOTokenLoader(cache=JSONFileCache('{}'))\n{call}",
        sb.home().join(".aws/sso/cache").display()
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

/// Saves a token the way `aws sso login` does, with botocore's own code.
fn botocore_saves(sb: &Sandbox, start_url: &str, session: Option<&str>, token: &str) {
    let session = session.map_or("None".to_string(), |s| format!("'{s}'"));
    with_botocore_loader(
        sb,
        &format!("loader.save_token('{start_url}', json.loads('{token}'), session_name={session})"),
    );
}

#[test]
fn lint_names_each_ended_sign_in_once_from_the_aws_clis_cache() {
    let sb = Sandbox::new(CONFIG, "");
    let expired = r#"{"accessToken": "a", "expiresAt": "2020-01-01T00:00:00Z", "region": "us-east-1", "startUrl": "x"}"#;
    botocore_saves(&sb, "https://corp.awsapps.com/start", Some("corp"), expired);
    botocore_saves(&sb, "https://legacy.awsapps.com/start", None, expired);
    // Expired too, but renewable: the SDKs refresh it without a sign-in.
    let renewable = r#"{"accessToken": "a", "expiresAt": "2020-01-01T00:00:00Z", "refreshToken": "r", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2099-01-01T00:00:00Z"}"#;
    botocore_saves(
        &sb,
        "https://fresh.awsapps.com/start",
        Some("fresh"),
        renewable,
    );

    let out = sb.awsprof(&["lint", "--output", "json"]).ok();
    let findings = out.json()["findings"].as_array().unwrap().clone();
    let expired: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "sso-token-expired")
        .collect();
    assert_eq!(expired.len(), 2, "{findings:#?}");
    assert_eq!(expired[0]["severity"], "info");
    // At the [sso-session corp] header (line 14), once for the session.
    assert_eq!(expired[0]["line"], 14, "{:#?}", expired[0]);
    assert!(
        expired[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("the SSO token of sso-session corp expired at 2020-01-01T00:00:00Z"),
        "{:#?}",
        expired[0]
    );
    assert_eq!(expired[0]["hint"], "run `aws sso login --sso-session corp`");
    // The legacy profile's, at its sso_start_url line.
    assert_eq!(expired[1]["line"], 10, "{:#?}", expired[1]);
    assert_eq!(expired[1]["hint"], "run `aws sso login --profile old`");
    // Info only: lint still exits 0.
    assert_eq!(out.code, 0);
}

const CORP_URL: &str = "https://corp.awsapps.com/start";

fn oidc_stub(deny: bool) -> PyStub {
    let mut args = vec!["--start-url", CORP_URL];
    if deny {
        args.push("--deny");
    }
    PyStub::start("tests/support/sso_stub.py", &args)
}

fn sso(sb: &Sandbox, stub: &PyStub, args: &[&str]) -> Run {
    Run::of(
        sb.command(support::AWSPROF)
            .arg("sso")
            .args(args)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &stub.endpoint)
            .env("BROWSER", "true")
            .output()
            .unwrap(),
    )
}

/// What botocore's own loader finds in the sandbox's cache.
fn botocore_loads(sb: &Sandbox, start_url: &str, session: &str) -> Value {
    let printed = with_botocore_loader(
        sb,
        &format!("print(json.dumps(loader('{start_url}', session_name='{session}')))"),
    );
    serde_json::from_slice(&printed).unwrap()
}

#[test]
fn device_login_fills_the_aws_clis_token_cache_and_logout_empties_it() {
    let config = CONFIG.replace(
        "[sso-session corp]\n",
        "[sso-session corp]\nsso_registration_scopes = sso:account:access\n",
    );
    let sb = Sandbox::new(&config, "");
    let stub = oidc_stub(false);
    let run = sso(&sb, &stub, &["login", "dev", "--use-device-code"]).ok();
    assert!(
        run.stderr.contains("To sign in to sso-session corp, open https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH and confirm the code ABCD-EFGH"),
        "{run:#?}"
    );

    // botocore finds the token under its own key, with its field names.
    let token = botocore_loads(&sb, CORP_URL, "corp");
    let access = token["accessToken"].as_str().unwrap();
    assert!(access.starts_with("stub-access-"), "{token}");
    assert!(!run.stderr.contains(access) && !run.stdout.contains(access));
    assert_eq!(token["startUrl"], CORP_URL);
    assert_eq!(token["region"], "us-east-1");
    assert!(token["refreshToken"]
        .as_str()
        .unwrap()
        .starts_with("stub-refresh-"));
    for field in [
        "clientId",
        "clientSecret",
        "expiresAt",
        "registrationExpiresAt",
    ] {
        assert!(token[field].is_string(), "{field}: {token}");
    }
    // Python: hashlib.sha1(b"corp").hexdigest()
    let file = sb
        .home()
        .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    let named = std::fs::read_dir(sb.home().join(".aws/sso/cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect::<Vec<_>>();
    assert_eq!(named, std::slice::from_ref(&file));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // What was sent: a public client with the session's scopes, its own
    // id and secret on every later call, the device grant, polled past
    // authorization_pending and slow_down.
    let sent = stub.requests();
    let paths: Vec<&str> = sent.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "/client/register",
            "/device_authorization",
            "/token",
            "/token",
            "/token"
        ]
    );
    assert_eq!(sent[0]["body"]["clientType"], "public");
    assert_eq!(
        sent[0]["body"]["scopes"],
        serde_json::json!(["sso:account:access"])
    );
    assert_eq!(sent[1]["body"]["startUrl"], CORP_URL);
    let errors: Vec<&Value> = sent[2..].iter().map(|r| &r["error"]).collect();
    assert_eq!(
        errors,
        [
            &Value::from("AuthorizationPendingException"),
            &Value::from("SlowDownException"),
            &Value::Null
        ]
    );
    for poll in &sent[2..] {
        assert_eq!(
            poll["body"]["grantType"],
            "urn:ietf:params:oauth:grant-type:device_code"
        );
        assert_eq!(poll["body"]["deviceCode"], "device-0");
        assert_eq!(poll["body"]["clientId"], sent[1]["body"]["clientId"]);
    }
    assert_eq!(token["clientId"], sent[1]["body"]["clientId"]);

    // Signed out: botocore's file is gone; a second logout says so.
    let out = sso(&sb, &stub, &["logout", "--sso-session", "corp"]).ok();
    assert_eq!(
        out.stdout,
        "Signed out of sso-session corp: its cached token is removed.\n"
    );
    assert!(!file.exists());
    let again = sso(&sb, &stub, &["logout", "--sso-session", "corp"]).ok();
    assert!(again.stdout.starts_with("No cached token"), "{again:#?}");
}

#[test]
fn a_denied_sign_in_exits_3_and_keeps_nothing() {
    let sb = Sandbox::new(CONFIG, "");
    let stub = oidc_stub(true);
    let run = sso(
        &sb,
        &stub,
        &["login", "--sso-session", "corp", "--use-device-code"],
    )
    .code(3);
    assert!(run.stderr.contains("AccessDeniedException"), "{run:#?}");
    assert!(!sb.home().join(".aws/sso/cache").exists());
    // A session the files do not have: did you mean, exit 2, no call.
    let typo = sso(&sb, &stub, &["login", "--sso-session", "crop"]).code(2);
    assert!(typo.stderr.contains("did you mean corp?"), "{typo:#?}");
    assert_eq!(stub.requests().len(), 5);
}

#[test]
fn an_sso_profile_signed_in_by_awsprof_reaches_moto_and_is_verified() {
    let moto = support::Moto::start();
    let world = support::World::build(&moto, &[]);
    let stub = PyStub::start(
        "tests/support/sso_stub.py",
        &[
            "--start-url",
            CORP_URL,
            "--moto",
            &moto.endpoint,
            "--source-key-id",
            &world.get("/tanaka/access_key_id"),
            "--source-secret",
            &world.get("/tanaka/secret_access_key"),
        ],
    );
    let config = format!("[profile sso-toy]\nsso_session = corp\nsso_account_id = {}\nsso_role_name = toy-role\n[sso-session corp]\nsso_start_url = {CORP_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n", support::ACCOUNT);
    let sb = Sandbox::new(&config, "").with_endpoint(&moto.endpoint);
    let with_stub = |args: &[&str]| {
        Run::of(
            sb.command(support::AWSPROF)
                .args(args)
                .env("AWS_ENDPOINT_URL_SSO_OIDC", &stub.endpoint)
                .env("AWS_ENDPOINT_URL_SSO", &stub.endpoint)
                .env("BROWSER", "true")
                .output()
                .unwrap(),
        )
    };

    // Not signed in: exit 2, naming the login.
    let before = with_stub(&["profile", "whoami", "sso-toy"]).code(2);
    assert!(
        before
            .stderr
            .contains("run `awsprof sso login --sso-session corp`"),
        "{before:#?}"
    );

    with_stub(&["sso", "login", "sso-toy", "--use-device-code"]).ok();
    let who = with_stub(&["profile", "whoami", "sso-toy"]).ok();
    assert!(
        who.stdout.contains(":assumed-role/toy-role/sso-stub"),
        "{who:#?}"
    );
    with_stub(&[
        "profile",
        "verify",
        "sso-toy",
        "--allow",
        "ec2:DescribeInstanceTypes",
        "--deny",
        "ec2:DescribeVpcs",
    ])
    .ok();
    // The portal was asked with the token the login cached.
    let portal: Vec<Value> = stub
        .requests()
        .into_iter()
        .filter(|r| r["path"] == "/federation/credentials")
        .collect();
    assert!(!portal.is_empty());
    let cached = botocore_loads(&sb, CORP_URL, "corp");
    for request in &portal {
        assert_eq!(request["bearer"], cached["accessToken"], "{request}");
        assert_eq!(request["query"]["account_id"], support::ACCOUNT);
        assert_eq!(request["query"]["role_name"], "toy-role");
        assert_eq!(request["status"], 200);
    }

    // Signed out: exit 2 again.
    with_stub(&["sso", "logout", "sso-toy"]).ok();
    with_stub(&["profile", "whoami", "sso-toy"]).code(2);
}
