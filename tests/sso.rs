//! SSO profiles: what awsprof reads of the AWS CLI v2's token cache.
//! The tokens here are written by botocore itself (its `SSOTokenLoader`
//! over a `JSONFileCache`, as `aws sso login` leaves them), so the key
//! derivation and the field names are botocore's, not a copy of them.

mod support;

use support::Sandbox;

const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[profile ops]\nsso_session = fresh\nsso_account_id = 123456789012\nsso_role_name = Ops\n[profile old]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Old\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n[sso-session fresh]\nsso_start_url = https://fresh.awsapps.com/start\nsso_region = us-east-1\n";

/// Saves a token the way `aws sso login` does, with botocore's own code.
fn botocore_saves(sb: &Sandbox, start_url: &str, session: Option<&str>, token: &str) {
    let session = session.map_or("None".to_string(), |s| format!("'{s}'"));
    let script = format!(
        "import json\nfrom botocore.utils import SSOTokenLoader, JSONFileCache\nSSOTokenLoader(cache=JSONFileCache('{}')).save_token('{start_url}', json.loads('{token}'), session_name={session})",
        sb.home().join(".aws/sso/cache").display()
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
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
