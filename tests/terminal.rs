//! Prompts on a real pseudo-terminal (issue 25): what is asked, what is
//! echoed, and what Ctrl-C leaves behind.

mod support;

use expectrl::{Eof, Session, WaitStatus};
use std::time::Duration;
use support::Sandbox;

const KEY: &str = "AKIAEXAMPLE000000001";
const SECRET: &str = "tanakaSecretExampleKey000000000000000000";
const NEW_SECRET: &str = "typedOnTheTerminalNotEchoed0000000000000";

fn spawn(sb: &Sandbox, args: &[&str]) -> Session {
    support::on_terminal(sb, args)
}

/// Everything the terminal showed until the process ended, and its status.
fn finish(mut session: Session) -> (String, WaitStatus, bool) {
    let rest = session.expect(Eof).expect("the end of output");
    let text = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    let echo = session.get_process().get_echo().unwrap_or(false);
    let status = session.get_process().wait().expect("a status");
    (text, status, echo)
}

/// The process ended with 0, `NEW_SECRET` never showed on the screen
/// (`screen` is what showed before), and the echo is on again.
fn succeeded_unseen(session: Session, mut screen: String) {
    let (rest, status, echo) = finish(session);
    screen += &rest;
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(
        !screen.contains(NEW_SECRET),
        "the secret was echoed:\n{screen}"
    );
    assert!(echo, "the terminal's echo is back on");
}

fn sandbox() -> Sandbox {
    Sandbox::new(
        "[profile other]\nregion = eu-west-1\n",
        &format!("[tanaka]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    )
}

fn shown(session: &mut Session, needle: &str) -> String {
    let found = session
        .expect(needle)
        .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"));
    String::from_utf8_lossy(found.before()).into_owned() + needle
}

#[test]
fn configure_prompts_for_each_value_and_hides_the_secret() {
    let sb = sandbox();
    let mut s = spawn(&sb, &["profile", "configure", "zed"]);
    shown(&mut s, "AWS Access Key ID [None]: ");
    s.send_line("AKIAEXAMPLE000000009").unwrap();
    let mut screen = shown(&mut s, "AWS Secret Access Key [None]: ");
    s.send_line(NEW_SECRET).unwrap();
    screen += &shown(&mut s, "Default region name [None]: ");
    s.send_line("eu-west-1").unwrap();
    screen += &shown(&mut s, "Default output format [None]: ");
    s.send_line("json").unwrap();
    let (rest, status, echo) = finish(s);
    assert!(echo, "echo after configure");
    screen += &rest;
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(
        screen.contains("AKIAEXAMPLE000000009"),
        "the key id is echoed:\n{screen}"
    );
    assert!(
        screen.contains("eu-west-1"),
        "the region is echoed:\n{screen}"
    );
    assert!(
        !screen.contains(NEW_SECRET),
        "the secret was echoed:\n{screen}"
    );
    assert!(sb.read_credentials().contains(NEW_SECRET));
    assert!(sb
        .read_config()
        .contains("[profile zed]\nregion = eu-west-1\noutput = json"));
}

#[test]
fn a_secret_from_dash_on_a_terminal_is_prompted_for_without_echo() {
    let sb = sandbox();
    let mut s = spawn(
        &sb,
        &["profile", "set", "tanaka", "aws_secret_access_key", "-"],
    );
    let screen = shown(&mut s, "aws_secret_access_key for profile tanaka: ");
    s.send_line(NEW_SECRET).unwrap();
    succeeded_unseen(s, screen);
    assert!(sb
        .read_credentials()
        .contains(&format!("aws_secret_access_key = {NEW_SECRET}")));
}

#[test]
fn ctrl_c_at_a_hidden_prompt_exits_130_restores_echo_and_writes_nothing() {
    let sb = sandbox();
    let (config, credentials) = (sb.read_config(), sb.read_credentials());
    let mut s = spawn(
        &sb,
        &["profile", "set", "tanaka", "aws_secret_access_key", "-"],
    );
    shown(&mut s, "aws_secret_access_key for profile tanaka: ");
    s.send("half-typed").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    s.send([3u8]).unwrap(); // Ctrl-C
    let (screen, status, echo) = finish(s);
    assert!(
        matches!(status, WaitStatus::Exited(_, 130)),
        "{status:?}\n{screen}"
    );
    assert!(echo, "Ctrl-C left the terminal without echo");
    assert!(!screen.contains("half-typed"), "{screen}");
    assert_eq!(
        (sb.read_config(), sb.read_credentials()),
        (config, credentials)
    );
    assert!(
        sb.backup_ids().is_empty(),
        "no backup: nothing was to be written"
    );
}

#[test]
fn ctrl_c_at_a_configure_prompt_writes_nothing() {
    let sb = sandbox();
    let (config, credentials) = (sb.read_config(), sb.read_credentials());
    let mut s = spawn(&sb, &["profile", "configure", "zed"]);
    shown(&mut s, "AWS Access Key ID [None]: ");
    s.send_line("AKIAEXAMPLE000000009").unwrap();
    shown(&mut s, "AWS Secret Access Key [None]: ");
    s.send([3u8]).unwrap();
    let (_, status, echo) = finish(s);
    assert!(matches!(status, WaitStatus::Exited(_, 130)), "{status:?}");
    assert!(echo);
    assert_eq!(
        (sb.read_config(), sb.read_credentials()),
        (config, credentials)
    );
}

#[test]
fn key_import_on_a_terminal_asks_for_the_paste_and_hides_it() {
    let sb = sandbox();
    let mut s = spawn(&sb, &["key", "import", "zed"]);
    let screen = shown(&mut s, "then press Ctrl-D");
    let json = format!(
        r#"{{"AccessKey": {{"UserName": "zed", "AccessKeyId": "AKIAEXAMPLE000000007", "Status": "Active", "SecretAccessKey": "{NEW_SECRET}"}}}}"#
    );
    s.send_line(&json).unwrap();
    s.send([4u8]).unwrap(); // Ctrl-D
    succeeded_unseen(s, screen);
    let credentials = sb.read_credentials();
    assert!(
        credentials.contains("[zed]\naws_access_key_id = AKIAEXAMPLE000000007"),
        "{credentials}"
    );
}

#[test]
fn the_mfa_prompt_hides_the_code_and_asks_again_for_one_that_is_not_six_digits() {
    let sb = Sandbox::new(
        "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = tanaka\nmfa_serial = arn:aws:iam::123456789012:mfa/tanaka\n",
        &format!("[tanaka]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    )
    .with_endpoint(&support::closed_endpoint());
    let mut s = spawn(&sb, &["profile", "whoami", "admin", "--no-cache"]);
    let question = "MFA code for arn:aws:iam::123456789012:mfa/tanaka (profile admin): ";
    shown(&mut s, question);
    s.send_line("12ab56").unwrap();
    let mut screen = shown(&mut s, "6 digits");
    screen += &shown(&mut s, question);
    s.send_line("246810").unwrap();
    let (rest, status, _) = finish(s);
    screen += &rest;
    assert!(!screen.contains("246810"), "the code was echoed:\n{screen}");
    // The code was taken and the call made: the closed endpoint answers nothing.
    assert!(
        matches!(status, WaitStatus::Exited(_, 3)),
        "{status:?}\n{screen}"
    );
    assert!(screen.contains("could not reach"), "{screen}");
}
