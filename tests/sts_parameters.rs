//! What awsprof sends to STS, and the AWS CLI's cache shared both ways.
//!
//! moto does not check an MFA serial or code, ignores DurationSeconds and
//! allows a missing ExternalId, so these tests use a recording STS stub on
//! a loopback port instead: it answers AssumeRole and GetCallerIdentity in
//! STS's documented XML, checks the SigV4 credential each request is
//! signed with (the source key for AssumeRole, the issued session key and
//! token after it), and refuses what STS refuses (an MFA serial without a
//! code or with a wrong one, a duration outside 900..43200, a missing
//! session name). A wrong ExternalId is checked against moto, which
//! refuses it when the trust policy has the condition.

mod support;

use serde_json::json;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use support::{Moto, Sandbox, World, ACCOUNT};

const SOURCE_KEY: &str = "AKIASTUBSOURCE000001";
const MFA_CODE: &str = "123456";
const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";
const SERIAL: &str = "arn:aws:iam::123456789012:mfa/tanaka";

type Params = BTreeMap<String, String>;

/// The requests the stub answered, in order.
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<Params>>>);

impl Recorded {
    fn actions(&self, action: &str) -> Vec<Params> {
        let all = self.0.lock().unwrap();
        all.iter()
            .filter(|p| p.get("Action").map(String::as_str) == Some(action))
            .cloned()
            .collect()
    }
}

struct StsStub {
    endpoint: String,
    recorded: Recorded,
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
                continue;
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn form(body: &str) -> Params {
    body.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn error(status: u16, code: &str, message: &str) -> (u16, String) {
    (
        status,
        format!(
            r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>stub</RequestId></ErrorResponse>"#
        ),
    )
}

/// The session each AssumeRole issues: a key id, secret and token of its own.
fn session(n: usize) -> (String, String, String) {
    (
        format!("ASIASTUBSESSION{n:05}"),
        format!("stubsecret{n}"),
        format!("stubtoken{n}"),
    )
}

fn answer(params: &Params, headers: &BTreeMap<String, String>, issued: usize) -> (u16, String) {
    let auth = headers.get("authorization").cloned().unwrap_or_default();
    let signed_by = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').next())
        .unwrap_or_default()
        .to_string();
    if !auth.starts_with("AWS4-HMAC-SHA256 ") {
        return error(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        );
    }
    match params.get("Action").map(String::as_str) {
        Some("AssumeRole") => {
            if signed_by != SOURCE_KEY {
                return error(
                    403,
                    "InvalidClientTokenId",
                    "The security token included in the request is invalid.",
                );
            }
            if params.get("RoleArn").map(String::as_str) != Some(ROLE)
                || !params.contains_key("RoleSessionName")
            {
                return error(
                    400,
                    "ValidationError",
                    "RoleArn and RoleSessionName are required",
                );
            }
            if let Some(d) = params.get("DurationSeconds") {
                let d: u32 = d.parse().unwrap_or(0);
                if !(900..=43200).contains(&d) {
                    return error(400, "ValidationError", "DurationSeconds out of range");
                }
            }
            match (params.get("SerialNumber"), params.get("TokenCode")) {
                (None, None) => {}
                (Some(serial), Some(code)) if serial == SERIAL && code == MFA_CODE => {}
                _ => {
                    return error(
                        403,
                        "AccessDenied",
                        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
                    )
                }
            }
            let (id, secret, token) = session(issued);
            let seconds: i64 = params
                .get("DurationSeconds")
                .map_or(3600, |d| d.parse().unwrap());
            let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
            let expires = expires
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            let name = &params["RoleSessionName"];
            (
                200,
                format!(
                    r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expires}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROASTUBROLE:{name}</AssumedRoleId><Arn>arn:aws:sts::{ACCOUNT}:assumed-role/toy-role/{name}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></AssumeRoleResponse>"#
                ),
            )
        }
        Some("GetCallerIdentity") => {
            // Only a session this stub issued, with its token.
            let known = (0..issued).map(session).find(|(id, _, _)| *id == signed_by);
            let token = headers.get("x-amz-security-token");
            match known {
                Some((_, _, t)) if token == Some(&t) => (
                    200,
                    format!(
                        r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::{ACCOUNT}:assumed-role/toy-role/{signed_by}</Arn><UserId>AROASTUBROLE:{signed_by}</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#
                    ),
                ),
                _ => error(
                    403,
                    "InvalidClientTokenId",
                    "The security token included in the request is invalid.",
                ),
            }
        }
        _ => error(400, "InvalidAction", "Could not find operation"),
    }
}

fn serve(stream: TcpStream, recorded: Recorded) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = BTreeMap::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .map_or(0, |l| l.parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let params = form(&String::from_utf8(body).unwrap());
        let (status, text) = {
            let mut all = recorded.0.lock().unwrap();
            let issued = all
                .iter()
                .filter(|p| p.get("Action").map(String::as_str) == Some("AssumeRole"))
                .count();
            all.push(params.clone());
            answer(&params, &headers, issued)
        };
        let response = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

impl StsStub {
    fn start() -> StsStub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let recorded = Recorded::default();
        let shared = recorded.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let recorded = shared.clone();
                std::thread::spawn(move || serve(stream, recorded));
            }
        });
        StsStub { endpoint, recorded }
    }
}

fn sandbox(stub: &StsStub, profile: &str) -> Sandbox {
    let config = format!("[profile p]\nrole_arn = {ROLE}\nsource_profile = src\n{profile}");
    let credentials = format!(
        "[src]\naws_access_key_id = {SOURCE_KEY}\naws_secret_access_key = stubsourcesecret\n"
    );
    Sandbox::new(&config, &credentials).with_endpoint(&stub.endpoint)
}

#[test]
fn mfa_serial_code_external_id_and_duration_reach_sts() {
    let stub = StsStub::start();
    let sb = sandbox(
        &stub,
        &format!("mfa_serial = {SERIAL}\nexternal_id = partner-42\nduration_seconds = 900\nrole_session_name = stubbed\n"),
    );
    let who = sb
        .awsprof(&[
            "profile",
            "whoami",
            "p",
            "--mfa-code",
            MFA_CODE,
            "--no-cache",
        ])
        .ok();
    assert!(who.stdout.contains("assumed-role/toy-role/"), "{who:#?}");
    let sent = stub.recorded.actions("AssumeRole");
    assert_eq!(sent.len(), 1);
    let sent = &sent[0];
    assert_eq!(sent["SerialNumber"], SERIAL);
    assert_eq!(sent["TokenCode"], MFA_CODE);
    assert_eq!(sent["ExternalId"], "partner-42");
    assert_eq!(sent["DurationSeconds"], "900");
    assert_eq!(sent["RoleSessionName"], "stubbed");

    // A wrong code is refused by the stub as STS refuses it: exit 3.
    let wrong = sb
        .awsprof(&[
            "profile",
            "whoami",
            "p",
            "--mfa-code",
            "654321",
            "--no-cache",
        ])
        .code(3);
    assert!(wrong.stderr.contains("AccessDenied"), "{wrong:#?}");
}

#[test]
fn a_wrong_external_id_is_refused_by_the_trust_policy() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": world.get("/tanaka/arn")}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "partner-42"}}}]});
    world.admin_iam(
        "update_assume_role_policy",
        json!({"RoleName": "toy-role", "PolicyDocument": trust.to_string()}),
    );
    let with = |id: &str| {
        let config = format!(
            "[profile partner]\nrole_arn = {}\nsource_profile = tanaka\nexternal_id = {id}\n",
            support::toy_role()
        );
        let sb = Sandbox::new(&config, &world.tanaka_credentials()).with_endpoint(&moto.endpoint);
        sb.awsprof(&["profile", "whoami", "partner", "--no-cache"])
    };
    let refused = with("partner-41").code(3);
    assert!(refused.stderr.contains("AccessDenied"), "{refused:#?}");
    with("partner-42").ok();
}

/// Every variant of the cache key: the AWS CLI reuses awsprof's entry
/// without an AssumeRole call, and awsprof reuses the CLI's.
#[test]
fn the_credential_cache_is_shared_with_the_aws_cli_both_ways() {
    let variants = [
        ("role", String::new()),
        ("external id", "external_id = partner-42\n".to_string()),
        ("mfa", format!("mfa_serial = {SERIAL}\n")),
        ("duration", "duration_seconds = 1800\n".to_string()),
    ];
    for (variant, extra) in variants {
        let stub = StsStub::start();
        let sb = sandbox(&stub, &extra);
        let assume_calls = || stub.recorded.actions("AssumeRole").len();
        let aws_whoami = || {
            let out = sb
                .command("setsid")
                .args([
                    "--wait",
                    "aws",
                    "sts",
                    "get-caller-identity",
                    "--profile",
                    "p",
                ])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    child
                        .stdin
                        .take()
                        .unwrap()
                        .write_all(format!("{MFA_CODE}\n").as_bytes())?;
                    child.wait_with_output()
                })
                .expect("the AWS CLI runs");
            support::Run::of(out)
        };

        // awsprof first: the CLI finds its entry.
        sb.awsprof(&["profile", "whoami", "p", "--mfa-code", MFA_CODE])
            .ok();
        assert_eq!(assume_calls(), 1, "{variant}");
        let cli = aws_whoami();
        assert_eq!(cli.code, 0, "{variant}: {cli:#?}");
        assert_eq!(
            assume_calls(),
            1,
            "{variant}: the AWS CLI called AssumeRole again"
        );

        // The CLI first: awsprof finds its entry, without asking for a code.
        std::fs::remove_dir_all(sb.home().join(".aws/cli/cache")).unwrap();
        let cli = aws_whoami();
        assert_eq!(cli.code, 0, "{variant}: {cli:#?}");
        assert_eq!(assume_calls(), 2, "{variant}");
        let ours = sb.awsprof(&["profile", "whoami", "p", "-v"]).ok();
        assert!(ours.stderr.contains("[cached]"), "{variant}: {ours:#?}");
        assert_eq!(
            assume_calls(),
            2,
            "{variant}: awsprof called AssumeRole again"
        );
    }
}
