//! One test per row of the README's exit-code table: a real command driven
//! into that exit, with the code decided by the error's type.

mod support;

use std::net::TcpListener;
use support::Sandbox;

const CREDENTIALS: &str =
    "[tanaka]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = secretExample\n";

#[test]
fn exit_0_success() {
    let sb = Sandbox::new("", CREDENTIALS);
    let run = sb.awsprof(&["profile", "list"]).code(0);
    assert_eq!(run.stdout, "tanaka\n");
}

#[test]
fn exit_1_lint_finds_errors() {
    let sb = Sandbox::new(
        "[profile broken]\nrole_arn = not-an-arn\nsource_profile = tanaka\n",
        CREDENTIALS,
    );
    let run = sb.awsprof(&["lint"]).code(1);
    assert!(run.stdout.contains("invalid-role-arn"), "{run:#?}");
}

#[test]
fn exit_2_usage_and_configuration() {
    let sb = Sandbox::new("", CREDENTIALS);
    // An unknown profile.
    sb.awsprof(&["profile", "show", "nobody"]).code(2);
    // A bad flag value, refused before anything is read.
    sb.awsprof(&["profile", "add-role", "tanaka", "--role-arn", "toy-role"])
        .code(2);
    // A malformed file, named with its line.
    sb.write_config("[profile x]\nno equals sign here\n");
    let run = sb.awsprof(&["profile", "list"]).code(2);
    assert!(
        run.stderr
            .contains(&format!("{}:2:", sb.config().display())),
        "{run:#?}"
    );
}

#[test]
fn exit_2_when_an_mfa_code_is_needed_and_there_is_no_terminal() {
    // The prompt comes before any call to AWS, so no server is needed; the
    // endpoint is a closed port, which would be exit 3 if it were reached.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sb = Sandbox::new(
        "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\nmfa_serial = arn:aws:iam::123456789012:mfa/tanaka\n",
        CREDENTIALS,
    )
    .with_endpoint(&format!("http://127.0.0.1:{port}"));
    let out = sb
        .command("setsid")
        .args(["--wait", support::AWSPROF, "profile", "whoami", "mfa"])
        .output()
        .expect("setsid (util-linux) runs");
    assert_eq!(out.status.code(), Some(2), "{out:#?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--mfa-code"));
}

#[test]
fn exit_3_aws_unreachable() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sb = Sandbox::new("", CREDENTIALS).with_endpoint(&format!("http://127.0.0.1:{port}"));
    let run = sb.awsprof(&["profile", "whoami", "tanaka"]).code(3);
    assert!(run.stderr.contains("tanaka (static keys)"), "{run:#?}");
}

#[test]
fn exit_4_a_file_the_system_refuses() {
    let sb = Sandbox::new("", CREDENTIALS);
    // A plan that is a directory cannot be read.
    let plan = sb.dir.path().join("plan-dir");
    std::fs::create_dir(&plan).unwrap();
    let run = sb
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--plan",
            plan.to_str().unwrap(),
        ])
        .code(4);
    assert!(run.stderr.contains("cannot read the plan"), "{run:#?}");
    // A lock held by another program for longer than awsprof waits.
    let lock =
        awsprof::store::lock_path_in(&sb.home().join(".local/state/awsprof"), &sb.credentials());
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    let held = std::fs::File::create(&lock).unwrap();
    held.lock().unwrap();
    let run = sb
        .awsprof(&["profile", "set", "tanaka", "region", "eu-west-1"])
        .code(4);
    assert!(run.stderr.contains("lock"), "{run:#?}");
    assert!(!sb.read_config().contains("eu-west-1"));
}
