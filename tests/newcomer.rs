//! A newcomer's first hour (issue 25): what they type naturally is
//! understood, or corrected with the exact command line.

mod support;

use support::Sandbox;

const KEY: &str = "AKIAEXAMPLE000000001";
const SECRET: &str = "tanakaSecretExampleKey000000000000000000";

fn sandbox() -> Sandbox {
    Sandbox::new(
        "[profile other]\nregion = eu-west-1\n",
        &format!("[tanaka]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    )
}

#[test]
fn exec_without_separator_is_corrected_and_exit_codes_are_a_shells() {
    let sb = sandbox();
    let run = sb
        .awsprof(&["exec", "tanaka", "aws", "sts", "get-caller-identity"])
        .code(2);
    assert!(
        run.stderr
            .contains("awsprof exec tanaka -- aws sts get-caller-identity"),
        "{run:#?}"
    );
    let missing = sb.awsprof(&["exec", "tanaka", "--", "no-such-command-awsprof"]);
    assert_eq!(missing.code, 127, "{missing:#?}");
    assert!(missing.stderr.contains("command not found"), "{missing:#?}");
    let plain = sb.dir.path().join("not-executable");
    std::fs::write(&plain, "echo hi\n").unwrap();
    let denied = sb.awsprof(&["exec", "tanaka", "--", plain.to_str().unwrap()]);
    assert_eq!(denied.code, 126, "{denied:#?}");
    let ok = sb.awsprof(&["exec", "tanaka", "--", "sh", "-c", "exit 7"]);
    assert_eq!(ok.code, 7, "the child's own code: {ok:#?}");
}

#[test]
fn an_mfa_code_must_be_six_digits_before_any_call() {
    let sb = sandbox().with_endpoint(&support::closed_endpoint());
    let run = sb
        .awsprof(&["profile", "whoami", "tanaka", "--mfa-code", "abc"])
        .code(2);
    assert!(run.stderr.contains("6 digits"), "{run:#?}");
}

#[test]
fn the_profile_comes_from_the_variables_botocore_reads_and_says_so() {
    let sb = sandbox();
    let resolve = |envs: &[(&str, &str)]| {
        let mut cmd = sb.command(support::AWSPROF);
        cmd.args(["profile", "resolve"]);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) =
        resolve(&[("AWS_DEFAULT_PROFILE", "tanaka"), ("AWS_PROFILE", "other")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("tanaka"), "{stdout}");
    assert!(
        stderr.contains("AWS_DEFAULT_PROFILE=tanaka") && stderr.contains("AWS_PROFILE=other"),
        "{stderr}"
    );
    let (code, _, stderr) = resolve(&[("AWS_PROFILE", "tanak")]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("AWS_PROFILE=tanak: ") && stderr.contains("did you mean tanaka"),
        "{stderr}"
    );
    let (code, stdout, stderr) = resolve(&[("AWSPROF_PROFILE", "tanaka")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("tanaka") && stderr.contains("AWSPROF_PROFILE"),
        "{stdout}{stderr}"
    );
}

#[test]
fn backup_counts_read_as_english() {
    let sb = sandbox();
    sb.awsprof(&["profile", "set", "tanaka", "region", "eu-west-1"])
        .ok();
    sb.awsprof(&["profile", "set", "tanaka", "region", "eu-west-2"])
        .ok();
    let run = sb
        .awsprof(&["backup", "prune", "--keep", "1", "--yes"])
        .ok();
    assert!(run.stdout.starts_with("Removed 1 backup;"), "{run:#?}");
}

#[test]
fn a_mistyped_sso_session_or_services_name_gets_a_did_you_mean() {
    let sb = Sandbox::new(
        "[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9000\n",
        "",
    );
    let before = sb.read_config();
    for args in [
        &["sso-session", "rename", "corq", "other"][..],
        &["sso-session", "delete", "corq"],
    ] {
        let run = sb.awsprof(args).code(2);
        assert!(run.stderr.contains("did you mean corp?"), "{run:#?}");
    }
    let run = sb
        .awsprof(&["services", "unset", "locl", "s3.endpoint_url"])
        .code(2);
    assert!(run.stderr.contains("did you mean local?"), "{run:#?}");
    assert_eq!(sb.read_config(), before);
}
