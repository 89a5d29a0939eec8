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

/// awsprof with the stub as IAM Identity Center (OIDC and portal) and a
/// browser that opens nothing.
fn with_stub(sb: &Sandbox, stub: &PyStub, args: &[&str]) -> Run {
    Run::of(
        sb.command(support::AWSPROF)
            .args(args)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &stub.endpoint)
            .env("AWS_ENDPOINT_URL_SSO", &stub.endpoint)
            .env("BROWSER", "true")
            .output()
            .unwrap(),
    )
}

fn sso(sb: &Sandbox, stub: &PyStub, args: &[&str]) -> Run {
    let mut all = vec!["sso"];
    all.extend_from_slice(args);
    with_stub(sb, stub, &all)
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
    let as_json = sso(
        &sb,
        &stub,
        &["logout", "--sso-session", "corp", "--output", "json"],
    )
    .ok();
    assert_eq!(
        serde_json::from_str::<Value>(&as_json.stdout).unwrap(),
        serde_json::json!({"signed_out": "sso-session corp", "token_removed": false, "role_credentials_removed": 0})
    );
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

/// The walkthrough's world in moto, the SSO stub handing out toy-role's
/// credentials, and a sandbox with profile sso-toy on sso-session corp.
fn sso_toy() -> (support::Moto, support::World, PyStub, Sandbox) {
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
    (moto, world, stub, sb)
}

#[test]
fn an_sso_profile_signed_in_by_awsprof_reaches_moto_and_is_verified() {
    let (_moto, _world, stub, sb) = sso_toy();
    // Not signed in: exit 2, naming the login.
    let before = with_stub(&sb, &stub, &["profile", "whoami", "sso-toy"]).code(2);
    assert!(
        before
            .stderr
            .contains("run `awsprof sso login --sso-session corp`"),
        "{before:#?}"
    );

    let login = with_stub(
        &sb,
        &stub,
        &[
            "sso",
            "login",
            "sso-toy",
            "--use-device-code",
            "--output",
            "json",
        ],
    )
    .ok();
    // --output json: what was signed in to, until when, and where it is kept.
    let said: Value = serde_json::from_str(&login.stdout).unwrap();
    let file = sb
        .home()
        .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    let kept: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        said,
        serde_json::json!({
            "signed_in": "sso-session corp",
            "expires_at": kept["expiresAt"],
            "token_file": file.display().to_string(),
        })
    );
    let who = with_stub(&sb, &stub, &["profile", "whoami", "sso-toy"]).ok();
    assert!(
        who.stdout.contains(":assumed-role/toy-role/sso-stub"),
        "{who:#?}"
    );
    with_stub(
        &sb,
        &stub,
        &[
            "profile",
            "verify",
            "sso-toy",
            "--allow",
            "ec2:DescribeInstanceTypes",
            "--deny",
            "ec2:DescribeVpcs",
        ],
    )
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

    // The role's credentials are cached as the AWS CLI v2 caches them: the
    // next run asks the portal nothing, and neither does botocore.
    let portal_calls = || {
        stub.requests()
            .iter()
            .filter(|r| r["path"] == "/federation/credentials")
            .count()
    };
    let asked = portal_calls();
    let again = with_stub(&sb, &stub, &["profile", "whoami", "sso-toy", "-v"]).ok();
    assert!(
        again.stderr.contains("sso-toy (SSO): ") && again.stderr.contains("[cached]"),
        "{again:#?}"
    );
    // botocore's own SSO provider with the file cache the AWS CLI v2 gives
    // it (the v1 CLI installed here keeps SSO credentials in memory only).
    let script = format!(
        "import botocore.session\nfrom botocore.credentials import JSONFileCache\ns = botocore.session.Session(profile='sso-toy')\ns.get_component('credential_provider').get_provider('sso').cache = JSONFileCache('{}')\nprint(s.create_client('sts', region_name='us-east-1').get_caller_identity()['Arn'])",
        sb.home().join(".aws/cli/cache").display()
    );
    let aws_cli = || {
        Run::of(
            sb.command("python3")
                .args(["-c", &script])
                .env("AWS_ENDPOINT_URL_SSO", &stub.endpoint)
                .env("AWS_ENDPOINT_URL_SSO_OIDC", &stub.endpoint)
                .output()
                .unwrap(),
        )
    };
    let cli = aws_cli();
    assert_eq!(cli.code, 0, "{cli:#?}");
    assert!(
        cli.stdout.contains("assumed-role/toy-role/sso-stub"),
        "{cli:#?}"
    );
    assert_eq!(portal_calls(), asked, "awsprof's entry served both");
    // botocore first: awsprof uses its entry.
    std::fs::remove_dir_all(sb.home().join(".aws/cli/cache")).unwrap();
    assert_eq!(aws_cli().code, 0);
    assert_eq!(portal_calls(), asked + 1);
    with_stub(&sb, &stub, &["profile", "whoami", "sso-toy"]).ok();
    assert_eq!(portal_calls(), asked + 1, "botocore's entry served awsprof");

    // Signed out: the token and the role's cached credentials go; exit 2.
    let out = with_stub(&sb, &stub, &["sso", "logout", "sso-toy"]).ok();
    assert_eq!(
        out.stdout,
        "Signed out of sso-session corp: its cached token is removed, and one role's cached credentials.\n"
    );
    with_stub(&sb, &stub, &["profile", "whoami", "sso-toy"]).code(2);
}

/// The config section populate writes for one account and role.
fn populated(name: &str, account: &str, role: &str) -> String {
    format!("\n[profile {name}]\n# written by awsprof sso populate --sso-session corp; it updates or prunes this profile\nsso_session = corp\nsso_account_id = {account}\nsso_role_name = {role}\n")
}

#[test]
fn populate_writes_each_account_and_role_once_and_prunes_what_the_portal_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.json");
    let three = serde_json::json!({"accounts": [
        {"accountId": "111111111111", "accountName": "Dev", "roles": ["Admin", "ReadOnly"]},
        {"accountId": "222222222222", "accountName": "Prod EU", "roles": ["Admin", "ReadOnly"]},
        {"accountId": "333333333333", "accountName": "Sandbox", "roles": ["Admin", "ReadOnly"]},
    ]});
    std::fs::write(&org, three.to_string()).unwrap();
    let stub = PyStub::start(
        "tests/support/sso_stub.py",
        &["--start-url", CORP_URL, "--org", org.to_str().unwrap()],
    );
    // A hand-written profile with the name populate would give Dev/Admin.
    let original = format!("# my own\n[profile Dev-Admin]\nregion = us-west-2\n\n[sso-session corp]\nsso_start_url = {CORP_URL}\nsso_region = us-east-1\n");
    let sb = Sandbox::new(&original, "");
    let run = |args: &[&str]| with_stub(&sb, &stub, args);
    let before_login = run(&["sso", "populate", "--sso-session", "corp"]).code(2);
    assert!(before_login
        .stderr
        .contains("awsprof sso login --sso-session corp"));
    run(&["sso", "login", "--sso-session", "corp", "--use-device-code"]).ok();

    let dry = run(&["sso", "populate", "--sso-session", "corp", "--dry-run"]).ok();
    assert!(
        dry.stdout.contains("+[profile Prod-EU-ReadOnly]"),
        "{dry:#?}"
    );
    assert_eq!(sb.read_config(), original, "a dry run writes nothing");

    let first = run(&["sso", "populate", "--sso-session", "corp"]).ok();
    assert!(
        first
            .stderr
            .contains("profile `Dev-Admin` exists and was not written by populate"),
        "{first:#?}"
    );
    let after = original.clone()
        + &populated("Dev-ReadOnly", "111111111111", "ReadOnly")
        + &populated("Prod-EU-Admin", "222222222222", "Admin")
        + &populated("Prod-EU-ReadOnly", "222222222222", "ReadOnly")
        + &populated("Sandbox-Admin", "333333333333", "Admin")
        + &populated("Sandbox-ReadOnly", "333333333333", "ReadOnly");
    assert_eq!(sb.read_config(), after);
    let backups = sb.backup_ids().len();

    // Nothing changed: nothing written, no backup.
    let again = run(&["sso", "populate", "--sso-session", "corp"]).ok();
    assert!(
        again.stdout.contains("is as populate would write it"),
        "{again:#?}"
    );
    assert_eq!(sb.read_config(), after);
    assert_eq!(sb.backup_ids().len(), backups);

    // The Sandbox account is gone: named, kept without --prune.
    let two = serde_json::json!({"accounts": three["accounts"].as_array().unwrap()[..2]});
    std::fs::write(&org, two.to_string()).unwrap();
    let stale = run(&["sso", "populate", "--sso-session", "corp"]).ok();
    assert!(
        stale
            .stderr
            .contains("no longer lists these populated profiles: Sandbox-Admin, Sandbox-ReadOnly; --prune removes them"),
        "{stale:#?}"
    );
    assert_eq!(sb.read_config(), after);
    // --prune without a terminal to ask on (setsid: none) needs --yes.
    let unasked = Run::of(
        sb.command("setsid")
            .args([
                "--wait",
                support::AWSPROF,
                "sso",
                "populate",
                "--sso-session",
                "corp",
                "--prune",
            ])
            .env("AWS_ENDPOINT_URL_SSO", &stub.endpoint)
            .output()
            .unwrap(),
    )
    .code(2);
    assert!(unasked.stderr.contains("pass --yes"), "{unasked:#?}");
    assert_eq!(sb.read_config(), after);
    run(&[
        "sso",
        "populate",
        "--sso-session",
        "corp",
        "--prune",
        "--yes",
    ])
    .ok();
    let pruned = original
        + &populated("Dev-ReadOnly", "111111111111", "ReadOnly")
        + &populated("Prod-EU-Admin", "222222222222", "Admin")
        + &populated("Prod-EU-ReadOnly", "222222222222", "ReadOnly");
    assert_eq!(sb.read_config(), pruned);

    // Every listing call carried the token the login cached.
    let token = botocore_loads(&sb, CORP_URL, "corp")["accessToken"].clone();
    let listings: Vec<Value> = stub
        .requests()
        .into_iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/assignment/"))
        })
        .collect();
    assert!(
        listings.iter().any(|r| r["query"]["next_token"] == "2"),
        "paged"
    );
    assert!(listings
        .iter()
        .all(|r| r["bearer"] == token && r["status"] == 200));
}

/// A "browser": a script that runs `python` with the page's URL as
/// `sys.argv[1]`, writing what it prints to `page.txt`.
fn browser(sb: &Sandbox, python: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = sb.dir.path().join("browser");
    let page = sb.dir.path().join("page.txt");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexec python3 -c '{python}' \"$1\" > '{}' 2>&1\n",
            page.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    script
}

#[test]
fn the_browser_flow_signs_in_through_the_loopback_redirect_with_pkce() {
    let config = CONFIG.replace(
        "[sso-session corp]\n",
        "[sso-session corp]\nsso_registration_scopes = sso:account:access\n",
    );
    let sb = Sandbox::new(&config, "");
    let stub = oidc_stub(false);
    // Follows the authorize page's redirect to awsprof's loopback server.
    let follows = browser(
        &sb,
        "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
    );
    let run = Run::of(
        sb.command(support::AWSPROF)
            .args(["sso", "login", "dev"])
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &stub.endpoint)
            .env("BROWSER", &follows)
            .output()
            .unwrap(),
    )
    .ok();
    let page = std::fs::read_to_string(sb.dir.path().join("page.txt")).unwrap();
    assert!(
        page.contains("the sign-in is back in your terminal"),
        "{page}"
    );
    let token = botocore_loads(&sb, CORP_URL, "corp");
    assert!(token["refreshToken"].is_string(), "{token}");
    let access = token["accessToken"].as_str().unwrap();
    assert!(!run.stderr.contains(access) && !run.stdout.contains(access));

    let sent = stub.requests();
    let paths: Vec<&str> = sent.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/client/register", "/authorize", "/token"]);
    let register = &sent[0]["body"];
    assert_eq!(
        register["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(register["issuerUrl"], CORP_URL);
    let redirect = register["redirectUris"][0].as_str().unwrap();
    assert!(redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/oauth/callback"));
    let authorize = &sent[1]["query"];
    assert_eq!(authorize["code_challenge_method"], "S256");
    assert_eq!(authorize["redirect_uri"], redirect);
    assert_eq!(authorize["state"].as_str().unwrap().len(), 32);
    assert_eq!(sent[1]["status"], 302);
    assert_eq!(sent[2]["body"]["grantType"], "authorization_code");
    assert_eq!(sent[2]["body"]["redirectUri"], redirect);
    assert_eq!(sent[2]["status"], 200, "the verifier matched the challenge");
}

#[test]
fn a_redirect_without_this_logins_state_is_refused() {
    let sb = Sandbox::new(CONFIG, "");
    let stub = oidc_stub(false);
    // Calls awsprof's redirect URI itself, with a code and a forged state.
    let forges = browser(
        &sb,
        "import sys, urllib.parse, urllib.request; q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(sys.argv[1]).query)); print(urllib.request.urlopen(q[\"redirect_uri\"] + \"?code=stolen&state=forged\").read().decode())",
    );
    let run = Run::of(
        sb.command(support::AWSPROF)
            .args(["sso", "login", "dev"])
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &stub.endpoint)
            .env("BROWSER", &forges)
            .output()
            .unwrap(),
    )
    .code(3);
    assert!(
        run.stderr.contains("it was not ours, so it is refused"),
        "{run:#?}"
    );
    assert!(!sb.home().join(".aws/sso/cache").exists());
    assert!(stub.requests().iter().all(|r| r["path"] != "/token"));
}

#[test]
fn an_ended_token_is_refreshed_with_its_refresh_token() {
    let (_moto, world, stub, sb) = sso_toy();
    with_stub(
        &sb,
        &stub,
        &["sso", "login", "sso-toy", "--use-device-code"],
    )
    .ok();
    // The token ends; its refresh token and registration are still good.
    let file = sb
        .home()
        .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    let mut token: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let old_access = token["accessToken"].clone();
    token["expiresAt"] = "2020-01-01T00:00:00Z".into();
    std::fs::write(&file, token.to_string()).unwrap();

    let who = with_stub(&sb, &stub, &["profile", "whoami", "sso-toy"]).ok();
    assert!(who.stdout.contains(":assumed-role/toy-role/"), "{who:#?}");
    let sent = stub.requests();
    let refresh: Vec<&Value> = sent
        .iter()
        .filter(|r| r["body"]["grantType"] == "refresh_token")
        .collect();
    assert_eq!(refresh.len(), 1, "{sent:#?}");
    assert_eq!(refresh[0]["status"], 200);
    // The portal was asked with the new token, not the ended one.
    let portal: Vec<&Value> = sent
        .iter()
        .filter(|r| r["path"] == "/federation/credentials")
        .collect();
    assert_eq!(portal.len(), 1);
    assert_ne!(portal[0]["bearer"], old_access);
    assert_eq!(portal[0]["status"], 200);

    // An SSO profile is a source_profile like any other: a role assumed
    // with the SSO role's session (moto needs the trust to name that
    // session, and the SSO role allowed to assume it).
    let session = "arn:aws:sts::123456789012:assumed-role/toy-role/sso-stub";
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": session}, "Action": "sts:AssumeRole"}]});
    let after = world.admin_iam(
        "create_role",
        serde_json::json!({"RoleName": "after-sso", "AssumeRolePolicyDocument": trust.to_string()}),
    );
    let after_arn = after["Role"]["Arn"].as_str().unwrap().to_string();
    let allow = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "sts:AssumeRole", "Resource": after_arn}]});
    world.admin_iam(
        "put_role_policy",
        serde_json::json!({"RoleName": "toy-role", "PolicyName": "to-after-sso", "PolicyDocument": allow.to_string()}),
    );
    let mut config = sb.read_config();
    config.push_str(&format!(
        "[profile after-sso]\nrole_arn = {after_arn}\nsource_profile = sso-toy\n"
    ));
    sb.write_config(&config);
    let chained = with_stub(&sb, &stub, &["profile", "whoami", "after-sso", "-v"]).ok();
    assert!(
        chained.stdout.contains(":assumed-role/after-sso/"),
        "{chained:#?}"
    );
    assert!(chained.stderr.contains("sso-toy (SSO): "), "{chained:#?}");
}
