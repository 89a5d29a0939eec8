//! Completions that know the files (issue 25): the script `awsprof
//! completions bash` prints, sourced in a real bash, completes profile
//! names, sso-sessions, services and backup ids from today's files.

mod support;

use support::{Sandbox, AWSPROF};

/// What bash offers for the last word of `words`, through the script.
fn complete(sb: &Sandbox, words: &[&str]) -> Vec<String> {
    let script = r#"
source <(awsprof completions bash)
COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
_clap_complete_awsprof awsprof "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let dir = std::path::Path::new(AWSPROF).parent().unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = sb
        .command("bash")
        .env("PATH", path)
        .args(["-c", script, "bash"])
        .args(words)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn sandbox() -> Sandbox {
    Sandbox::new(
        "[default]\nregion = us-east-1\n[profile tanaka-dev]\nregion = eu-west-1\n[profile toy]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\n[profile bad name]\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9000\n",
        "[tanaka]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = tanakaSecretExampleKey000000000000000000\n",
    )
}

#[test]
fn profile_names_complete_from_both_files() {
    let sb = sandbox();
    assert_eq!(
        complete(&sb, &["awsprof", "exec", "tan"]),
        ["tanaka", "tanaka-dev"]
    );
    assert_eq!(
        complete(&sb, &["awsprof", "profile", "whoami", "t"]),
        ["tanaka", "tanaka-dev", "toy"]
    );
    assert_eq!(
        complete(
            &sb,
            &[
                "awsprof",
                "profile",
                "add-role",
                "x",
                "--source-profile",
                "ta"
            ]
        ),
        ["tanaka", "tanaka-dev"]
    );
    assert_eq!(
        complete(
            &sb,
            &["awsprof", "iam", "create-user", "u", "--admin", "def"]
        ),
        ["default"]
    );
    // A new name is never completed from the old ones.
    assert!(complete(&sb, &["awsprof", "profile", "rename", "toy", "ta"]).is_empty());
}

#[test]
fn sso_sessions_services_and_backups_complete_in_their_own_commands() {
    let sb = sandbox();
    assert_eq!(
        complete(&sb, &["awsprof", "sso-session", "delete", "c"]),
        ["corp"]
    );
    assert_eq!(
        complete(&sb, &["awsprof", "services", "unset", "l"]),
        ["local"]
    );
    sb.awsprof(&["profile", "set", "toy", "region", "eu-west-1"])
        .ok();
    let ids = sb.backup_ids();
    assert_eq!(ids.len(), 1);
    assert_eq!(complete(&sb, &["awsprof", "backup", "restore", "2"]), ids);
}

#[test]
fn every_shell_gets_a_script_that_calls_back_into_awsprof() {
    let sb = sandbox();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = sb.awsprof(&["completions", shell]).ok().stdout;
        assert!(script.contains("AWSPROF_COMPLETE"), "{shell}:\n{script}");
    }
}
