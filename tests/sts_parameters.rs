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
//!
//! The stub also answers GetSessionToken, which moto cannot serve here
//! (under IAM enforcement it refuses the credentials it issued itself):
//! only for the source key, only with the right device and code, for
//! 900..129600 seconds; and it takes AssumeRole signed with the MFA
//! session it issued (key and token), refusing more than an hour there,
//! as STS refuses it for role chaining.

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
const OTHER_ROLE: &str = "arn:aws:iam::123456789012:role/other-role";
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

/// The session each GetSessionToken issues.
fn mfa_session(n: usize) -> (String, String, String) {
    (
        format!("ASIASTUBMFASESS{n:05}"),
        format!("stubmfasecret{n}"),
        format!("stubmfatoken{n}"),
    )
}

/// The key id a request is signed with (SigV4's Credential=).
fn signer(headers: &BTreeMap<String, String>) -> String {
    let auth = headers.get("authorization").cloned().unwrap_or_default();
    auth.split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').next())
        .unwrap_or_default()
        .to_string()
}

/// What the stub was asked for so far: the role of each AssumeRole (the
/// n-th is `session(n)`'s) and how many GetSessionToken calls.
struct Issued {
    roles: Vec<String>,
    mfa_sessions: usize,
}

/// Whether the request is signed with an MFA session the stub issued,
/// carrying its token.
fn signed_by_mfa_session(headers: &BTreeMap<String, String>, issued: &Issued) -> bool {
    let token = headers.get("x-amz-security-token");
    let by = signer(headers);
    (0..issued.mfa_sessions)
        .map(mfa_session)
        .any(|(id, _, t)| id == by && token == Some(&t))
}

fn answer(params: &Params, headers: &BTreeMap<String, String>, issued: &Issued) -> (u16, String) {
    let auth = headers.get("authorization").cloned().unwrap_or_default();
    let signed_by = signer(headers);
    if !auth.starts_with("AWS4-HMAC-SHA256 ") {
        return error(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        );
    }
    let from_mfa_session = signed_by_mfa_session(headers, issued);
    match params.get("Action").map(String::as_str) {
        Some("GetSessionToken") => {
            if signed_by != SOURCE_KEY || headers.contains_key("x-amz-security-token") {
                return error(
                    403,
                    "AccessDenied",
                    "Cannot call GetSessionToken with session credentials",
                );
            }
            let seconds: i64 = params
                .get("DurationSeconds")
                .map_or(43200, |d| d.parse().unwrap_or(0));
            if !(900..=129600).contains(&seconds) {
                return error(400, "ValidationError", "DurationSeconds out of range");
            }
            if params.get("SerialNumber").map(String::as_str) != Some(SERIAL)
                || params.get("TokenCode").map(String::as_str) != Some(MFA_CODE)
            {
                return error(
                    403,
                    "AccessDenied",
                    "MultiFactorAuthentication failed with invalid MFA one time pass code.",
                );
            }
            let (id, secret, token) = mfa_session(issued.mfa_sessions);
            let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
            let expires = expires
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            (
                200,
                format!(
                    r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult><Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expires}</Expiration></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetSessionTokenResponse>"#
                ),
            )
        }
        Some("AssumeRole") => {
            if signed_by != SOURCE_KEY && !from_mfa_session {
                return error(
                    403,
                    "InvalidClientTokenId",
                    "The security token included in the request is invalid.",
                );
            }
            let role = params.get("RoleArn").map(String::as_str);
            if !matches!(role, Some(ROLE | OTHER_ROLE)) || !params.contains_key("RoleSessionName") {
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
                if from_mfa_session && d > 3600 {
                    return error(
                        400,
                        "ValidationError",
                        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
                    );
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
            let (id, secret, token) = session(issued.roles.len());
            let seconds: i64 = params
                .get("DurationSeconds")
                .map_or(3600, |d| d.parse().unwrap());
            let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
            let expires = expires
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            let name = &params["RoleSessionName"];
            let role_name = role.unwrap().rsplit('/').next().unwrap();
            (
                200,
                format!(
                    r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expires}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROASTUBROLE:{name}</AssumedRoleId><Arn>arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/{name}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></AssumeRoleResponse>"#
                ),
            )
        }
        Some("GetCallerIdentity") if from_mfa_session => (
            200,
            format!(
                r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/tanaka</Arn><UserId>AIDASTUBTANAKA</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#
            ),
        ),
        Some("GetCallerIdentity") => {
            // Only a session this stub issued, with its token.
            let known = (0..issued.roles.len())
                .map(|n| (session(n), issued.roles[n].rsplit('/').next().unwrap()))
                .find(|((id, _, _), _)| *id == signed_by);
            let token = headers.get("x-amz-security-token");
            match known {
                Some(((_, _, t), role_name)) if token == Some(&t) => (
                    200,
                    format!(
                        r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/{signed_by}</Arn><UserId>AROASTUBROLE:{signed_by}</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#
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
            let asked = |action: &'static str| {
                all.iter()
                    .filter(move |p| p.get("Action").map(String::as_str) == Some(action))
            };
            let issued = Issued {
                roles: asked("AssumeRole")
                    .map(|p| p.get("RoleArn").cloned().unwrap_or_default())
                    .collect(),
                mfa_sessions: asked("GetSessionToken").count(),
            };
            let (status, text) = answer(&params, &headers, &issued);
            // What signed it and how it went, beside what was sent.
            let mut seen = params.clone();
            seen.insert("(signed by)".into(), signer(&headers));
            seen.insert("(status)".into(), status.to_string());
            all.push(seen);
            (status, text)
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
    // --no-mfa-session: the AWS CLI's way, the code sent with AssumeRole.
    let who = sb
        .awsprof(&[
            "profile",
            "whoami",
            "p",
            "--mfa-code",
            MFA_CODE,
            "--no-cache",
            "--no-mfa-session",
        ])
        .ok();
    assert!(who.stdout.contains("assumed-role/toy-role/"), "{who:#?}");
    let sent = stub.recorded.actions("AssumeRole");
    assert_eq!(sent.len(), 1);
    assert!(stub.recorded.actions("GetSessionToken").is_empty());
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
            "--no-mfa-session",
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

/// Two roles that name the same device, from the same long-term keys.
fn two_roles(stub: &StsStub, extra: &str) -> Sandbox {
    let config = format!(
        "[profile p]\nrole_arn = {ROLE}\nsource_profile = src\nmfa_serial = {SERIAL}\n{extra}[profile q]\nrole_arn = {OTHER_ROLE}\nsource_profile = src\nmfa_serial = {SERIAL}\n"
    );
    let credentials = format!(
        "[src]\naws_access_key_id = {SOURCE_KEY}\naws_secret_access_key = stubsourcesecret\n"
    );
    Sandbox::new(&config, &credentials).with_endpoint(&stub.endpoint)
}

/// What awsprof on a terminal showed and how it ended, after `answer`
/// has spoken to it.
fn on_terminal(
    sb: &Sandbox,
    args: &[&str],
    answer: impl FnOnce(&mut expectrl::Session),
) -> (String, expectrl::WaitStatus) {
    let mut session = support::on_terminal(sb, args);
    answer(&mut session);
    let rest = session.expect(expectrl::Eof).expect("the end of output");
    let screen = String::from_utf8_lossy(rest.before()).into_owned()
        + &String::from_utf8_lossy(rest.as_bytes());
    let status = session.get_process().wait().expect("a status");
    (screen, status)
}

#[test]
fn one_mfa_code_on_the_terminal_serves_every_role_through_one_session() {
    let stub = StsStub::start();
    let sb = two_roles(&stub, "");
    let question = format!("MFA code for {SERIAL} (profile p): ");
    let (screen, status) = on_terminal(&sb, &["profile", "whoami", "p"], |s| {
        s.expect(question.as_str()).expect("the code is asked for");
        s.send_line(MFA_CODE).unwrap();
    });
    assert!(
        matches!(status, expectrl::WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(screen.contains("assumed-role/toy-role/"), "{screen}");
    // The code is a prefix of the account id: look for it elsewhere.
    assert!(
        !screen.replace(ACCOUNT, "").contains(MFA_CODE),
        "the code was echoed:\n{screen}"
    );

    // The second role asks nothing: it is assumed from the same session.
    let (screen, status) = on_terminal(&sb, &["profile", "whoami", "q"], |_| {});
    assert!(
        matches!(status, expectrl::WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(!screen.contains("MFA code"), "asked again:\n{screen}");
    assert!(screen.contains("assumed-role/other-role/"), "{screen}");

    let sessions = stub.recorded.actions("GetSessionToken");
    assert_eq!(sessions.len(), 1, "one GetSessionToken: {sessions:#?}");
    assert_eq!(sessions[0]["SerialNumber"], SERIAL);
    assert_eq!(sessions[0]["TokenCode"], MFA_CODE);
    assert_eq!(sessions[0]["DurationSeconds"], "43200");
    assert_eq!(sessions[0]["(signed by)"], SOURCE_KEY);
    let roles = stub.recorded.actions("AssumeRole");
    let arns: Vec<&str> = roles.iter().map(|r| r["RoleArn"].as_str()).collect();
    assert_eq!(arns, [ROLE, OTHER_ROLE]);
    for role in &roles {
        assert_eq!(role["(signed by)"], mfa_session(0).0, "{role:#?}");
        assert_eq!(role["(status)"], "200", "{role:#?}");
        assert!(!role.contains_key("SerialNumber"), "{role:#?}");
        assert!(!role.contains_key("TokenCode"), "{role:#?}");
    }

    // whoami -v names the session step, who it is and when it ends.
    let verbose = sb.awsprof(&["profile", "whoami", "q", "-v"]).ok();
    let line = verbose
        .stderr
        .lines()
        .find(|l| l.starts_with("src (MFA session): "))
        .unwrap_or_else(|| panic!("{verbose:#?}"));
    assert!(
        line.starts_with(&format!(
            "src (MFA session): arn:aws:iam::{ACCOUNT}:user/tanaka (expires 20"
        )) && line.ends_with("Z) [cached]"),
        "{line}"
    );
    assert_eq!(stub.recorded.actions("GetSessionToken").len(), 1);

    // The kept session is private: 0600 in a 0700 directory.
    use std::os::unix::fs::PermissionsExt;
    let dir = sb.home().join(".local/state/awsprof/mfa-sessions");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(mode(&files[0].path()), 0o600);
}

#[test]
fn a_wrong_code_keeps_no_session_and_a_planted_session_directory_is_refused() {
    let stub = StsStub::start();
    let sb = two_roles(&stub, "");
    let wrong = sb
        .awsprof(&["profile", "whoami", "p", "--mfa-code", "654321"])
        .code(3);
    assert!(
        wrong
            .stderr
            .contains("src -> MFA session: AccessDenied: MultiFactorAuthentication failed"),
        "{wrong:#?}"
    );
    assert!(stub.recorded.actions("AssumeRole").is_empty());
    // Nothing was kept: the next run asks STS again, with the right code.
    sb.awsprof(&["profile", "whoami", "p", "--mfa-code", MFA_CODE])
        .ok();
    assert_eq!(stub.recorded.actions("GetSessionToken").len(), 2);

    // A session directory others can write to is not read (exit 4).
    use std::os::unix::fs::PermissionsExt;
    let dir = sb.home().join(".local/state/awsprof/mfa-sessions");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let refused = sb.awsprof(&["profile", "whoami", "q"]).code(4);
    assert!(
        refused.stderr.contains("mfa-sessions") && refused.stderr.contains("chmod 700"),
        "{refused:#?}"
    );
    assert_eq!(stub.recorded.actions("AssumeRole").len(), 1);
}

#[test]
fn session_length_per_profile_and_run_and_roles_capped_at_an_hour() {
    let stub = StsStub::start();
    let sb = two_roles(
        &stub,
        "mfa_session_duration = 7200\nduration_seconds = 43200\n",
    );
    let run = sb
        .awsprof(&["profile", "whoami", "p", "--mfa-code", MFA_CODE])
        .ok();
    assert_eq!(
        stub.recorded.actions("GetSessionToken")[0]["DurationSeconds"],
        "7200"
    );
    // STS refuses more than an hour for a role assumed from a session:
    // awsprof asks for the hour and says so.
    assert_eq!(
        stub.recorded.actions("AssumeRole")[0]["DurationSeconds"],
        "3600"
    );
    assert!(
        run.stderr.contains(
            "warning: profile p asks for duration_seconds 43200, but a role assumed from the MFA session is role chaining, which STS caps at 3600 s"
        ),
        "{run:#?}"
    );

    // The run's length wins over the profile's; --no-cache keeps nothing.
    sb.awsprof(&[
        "profile",
        "whoami",
        "q",
        "--mfa-code",
        MFA_CODE,
        "--no-cache",
        "--mfa-session-duration",
        "900",
    ])
    .ok();
    let sessions = stub.recorded.actions("GetSessionToken");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[1]["DurationSeconds"], "900");

    // --no-mfa-session: the code goes with AssumeRole, no session is made.
    sb.awsprof(&[
        "profile",
        "whoami",
        "q",
        "--mfa-code",
        MFA_CODE,
        "--no-cache",
        "--no-mfa-session",
    ])
    .ok();
    assert_eq!(stub.recorded.actions("GetSessionToken").len(), 2);
    let last = stub.recorded.actions("AssumeRole").pop().unwrap();
    assert_eq!(last["SerialNumber"], SERIAL);
    assert_eq!(last["(signed by)"], SOURCE_KEY);

    // Out of GetSessionToken's range: refused before any call.
    let bad = sb
        .awsprof(&["profile", "whoami", "q", "--mfa-session-duration", "200000"])
        .code(2);
    assert!(bad.stderr.contains("900 to 129600"), "{bad:#?}");
}

#[test]
fn exec_server_renews_a_role_from_the_mfa_session_without_asking_again() {
    let stub = StsStub::start();
    let sb = two_roles(&stub, "duration_seconds = 900\n");
    // The 900 s role session is due for renewal at once: each fetch
    // assumes the role again, from the session the one code made.
    let child = r#"
import os, json, urllib.request
request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
    headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
for _ in range(2):
    print(json.load(urllib.request.urlopen(request))["AccessKeyId"])
"#;
    let run = sb
        .awsprof(&[
            "exec",
            "p",
            "--server",
            "--mfa-code",
            MFA_CODE,
            "--",
            "python3",
            "-c",
            child,
        ])
        .ok();
    let keys: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(keys.len(), 2, "{run:#?}");
    assert_ne!(keys[0], keys[1], "not renewed: {run:#?}");
    assert_eq!(stub.recorded.actions("GetSessionToken").len(), 1);
    let roles = stub.recorded.actions("AssumeRole");
    assert_eq!(roles.len(), 3, "the start and two renewals: {roles:#?}");
    assert!(roles
        .iter()
        .all(|r| r["(signed by)"] == mfa_session(0).0 && r["(status)"] == "200"));
}

#[test]
fn with_vaulted_keys_the_mfa_session_is_kept_in_the_vault_and_leaves_with_the_item() {
    let stub = StsStub::start();
    let sb = two_roles(&stub, "");
    // setsid: no terminal, so a second prompt could only fail.
    let run = |args: &[&str]| {
        support::Run::of(
            sb.command("setsid")
                .arg("--wait")
                .arg(support::AWSPROF)
                .args(args)
                .env("AWSPROF_VAULT_PASSPHRASE", "a passphrase for the test")
                .output()
                .unwrap(),
        )
    };
    run(&["vault", "move", "src", "--store", "file"]).ok();
    assert!(!sb.read_credentials().contains("stubsourcesecret"));
    run(&["profile", "whoami", "p", "--mfa-code", MFA_CODE]).ok();

    let state = sb.home().join(".local/state/awsprof");
    let vault_items = || -> Vec<String> {
        std::fs::read_dir(state.join("vault"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert!(
        vault_items().iter().any(|n| n.contains("src.mfa-session")),
        "{:?}",
        vault_items()
    );
    assert!(
        !state.join("mfa-sessions").exists(),
        "a vaulted key's session stays in the vault"
    );

    run(&["profile", "whoami", "q"]).ok();
    assert_eq!(stub.recorded.actions("GetSessionToken").len(), 1);
    let roles = stub.recorded.actions("AssumeRole");
    assert_eq!(roles.len(), 2);
    assert!(roles.iter().all(|r| r["(signed by)"] == mfa_session(0).0));

    // The item goes back to the file: its session goes with it.
    run(&["vault", "move", "src", "--to-file"]).ok();
    assert!(
        !vault_items().iter().any(|n| n.contains("src")),
        "{:?}",
        vault_items()
    );
}
