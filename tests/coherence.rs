//! Commands that see each other's consequences (issue 23): each test is
//! one of the ways a month of use broke one command's result with another.

mod support;

use serde_json::json;
use support::{Moto, Sandbox, World, AWSPROF};

const KEY: &str = "AKIAEXAMPLE000000001";
const SECRET: &str = "tanakaSecretExampleKey000000000000000000";
const ROLE: &str = "arn:aws:iam::123456789012:role/toy-role";

fn keys(name: &str) -> String {
    format!("[{name}]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
}

#[test]
fn rename_and_delete_see_awsprof_credential_processes() {
    let config = "[profile ci]\ncredential_process = awsprof credential-process tanaka\n\
                  [profile other]\ncredential_process = /usr/local/bin/awsprof --region eu-west-1 profile export tanaka\n";
    let sb = Sandbox::new(config, &keys("tanaka"));
    sb.awsprof(&["profile", "rename", "tanaka", "tanaka2"]).ok();
    let config = sb.read_config();
    assert!(
        config.contains("credential_process = awsprof credential-process tanaka2\n"),
        "{config}"
    );
    assert!(config.contains("credential_process = /usr/local/bin/awsprof --region eu-west-1 profile export tanaka2\n"), "{config}");
    let lint = sb.awsprof(&["lint"]).ok();
    assert!(
        !lint.stdout.contains("unknown-profile-reference"),
        "{lint:#?}"
    );
    // Delete is refused while they stand on it, naming them.
    let refused = sb.awsprof(&["profile", "delete", "tanaka2"]).code(2);
    assert!(refused.stderr.contains("ci, other"), "{refused:#?}");
    let forced = sb
        .awsprof(&["profile", "delete", "tanaka2", "--force"])
        .ok();
    assert!(forced.stderr.contains("ci, other"), "{forced:#?}");
    // lint now names the dangling references.
    let lint = sb.awsprof(&["lint"]).code(1);
    assert_eq!(
        lint.stdout
            .matches("error[unknown-profile-reference]")
            .count(),
        2,
        "{lint:#?}"
    );
}

#[test]
fn a_credential_process_loop_is_a_chain_error_everywhere() {
    let sb = Sandbox::new(
        "[profile loopa]\ncredential_process = awsprof credential-process loopb\n[profile loopb]\ncredential_process = awsprof credential-process loopa\n",
        "",
    );
    let resolve = sb.awsprof(&["profile", "resolve", "loopa"]).code(2);
    assert!(
        resolve.stderr.contains("loopa -> loopb -> loopa"),
        "{resolve:#?}"
    );
    let lint = sb.awsprof(&["lint"]).code(1);
    assert!(
        lint.stdout.contains("error[credential-process-loop]"),
        "{lint:#?}"
    );
}

#[test]
fn copy_without_keys_stands_on_its_source_and_lists_what_it_copied() {
    let mut creds = keys("tanaka");
    creds.push_str(&format!("role_arn = {ROLE}\nsource_profile = tanaka\n"));
    let sb = Sandbox::new("", &creds);
    let run = sb
        .awsprof(&["profile", "copy", "tanaka", "t2", "--without-keys"])
        .ok();
    assert!(
        run.stdout
            .contains("  + role_arn = arn:aws:iam::123456789012:role/toy-role\n"),
        "{run:#?}"
    );
    assert!(
        run.stdout.contains("  + source_profile = tanaka\n"),
        "{run:#?}"
    );
    assert!(!run.stdout.contains("~ [t2]"), "{run:#?}");
    sb.awsprof(&["profile", "resolve", "t2"]).ok();
    let with_keys = sb.awsprof(&["profile", "copy", "tanaka", "t3"]).ok();
    assert!(
        with_keys.stdout.contains("aws_secret_access_key = ****"),
        "{with_keys:#?}"
    );
    assert!(!with_keys.stdout.contains(SECRET));
}

#[test]
fn typos_of_profiles_and_keys_are_caught_before_they_are_written() {
    let sb = Sandbox::new("[profile tanaka]\nregion = us-east-1\n", &keys("tanaka"));
    let (config, credentials) = (sb.read_config(), sb.read_credentials());
    let profile = sb
        .awsprof(&["profile", "set", "tanak", "region", "us-east-1"])
        .code(2);
    assert!(
        profile.stderr.contains("did you mean tanaka") && profile.stderr.contains("--create"),
        "{profile:#?}"
    );
    let key = sb
        .awsprof(&["profile", "set", "tanaka", "regin", "us-west-2"])
        .code(2);
    assert!(
        key.stderr.contains("did you mean `region`") && key.stderr.contains("--force"),
        "{key:#?}"
    );
    assert_eq!(
        (sb.read_config(), sb.read_credentials()),
        (config, credentials)
    );
    let created = sb
        .awsprof(&["profile", "set", "tanak", "region", "us-east-1", "--create"])
        .ok();
    assert!(
        created.stdout.starts_with("new profile [tanak]"),
        "{created:#?}"
    );
    let custom = sb
        .awsprof(&["profile", "set", "tanaka", "team_name", "blue"])
        .ok();
    assert!(
        custom.stderr.contains("`team_name` is not a key"),
        "{custom:#?}"
    );
    sb.awsprof(&["profile", "set", "tanaka", "regin", "x", "--force"])
        .ok();
    // configure takes the name it was given: no typo guard, said as new.
    let configured = sb
        .awsprof(&["profile", "configure", "tanakaa", "--region", "eu-west-1"])
        .ok();
    assert!(
        configured.stdout.starts_with("new profile [tanakaa]"),
        "{configured:#?}"
    );
    let added = sb
        .awsprof(&[
            "profile",
            "add-role",
            "tanak2",
            "--role-arn",
            ROLE,
            "--source-profile",
            "tanaka",
        ])
        .code(2);
    assert!(added.stderr.contains("did you mean"), "{added:#?}");
}

#[test]
fn emptied_sections_go_with_their_blank_line() {
    let sb = Sandbox::new(
        "[profile a]\nregion = x\n\n[profile tanak]\nregion = us-east-1\n\n[services svc]\ns3 =\n  endpoint_url = http://localhost\n\n[profile z]\nregion = y\n",
        "",
    );
    sb.awsprof(&["profile", "unset", "tanak", "region"]).ok();
    sb.awsprof(&["services", "unset", "svc", "s3.endpoint_url"])
        .ok();
    assert_eq!(
        sb.read_config(),
        "[profile a]\nregion = x\n\n[profile z]\nregion = y\n"
    );
}

#[test]
fn warnings_judge_the_whole_transaction() {
    let sb = Sandbox::new("", "");
    let out = sb
        .awsprof_with_input(
            &[
                "profile",
                "configure",
                "fresh",
                "--access-key-id",
                KEY,
                "--secret-access-key-stdin",
                "--region",
                "eu-west-1",
            ],
            &format!("{SECRET}\n"),
        )
        .ok();
    assert_eq!(out.stderr, "", "no warning about a half-written profile");
    let region_only = sb
        .awsprof(&["profile", "set", "regional", "region", "eu-west-1"])
        .ok();
    assert_eq!(region_only.stderr, "", "{region_only:#?}");
}

#[test]
fn json_output_and_a_text_export_format_conflict() {
    let sb = Sandbox::new("", &keys("tanaka"));
    let run = sb
        .awsprof(&[
            "--output", "json", "profile", "export", "tanaka", "--format", "env",
        ])
        .code(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("--output json") && run.stderr.contains("--format env"),
        "{run:#?}"
    );
    sb.awsprof(&["--output", "json", "profile", "export", "tanaka"])
        .ok();
}

#[test]
fn a_configuration_error_inside_credential_process_stays_exit_2() {
    let sb = Sandbox::new(
        &format!("[profile outer]\ncredential_process = {AWSPROF} credential-process broken\n[profile broken]\nrole_arn = {ROLE}\nsource_profile = nobody\n"),
        "",
    );
    // A full path to awsprof is awsprof too.
    let run = sb.awsprof(&["profile", "export", "outer"]).code(2);
    assert!(run.stderr.contains("exited with 2"), "{run:#?}");
    assert!(run.stderr.contains("credential-process broken"), "{run:#?}");
    assert!(
        run.stderr.contains("nobody"),
        "the inner error's first line: {run:#?}"
    );
}

#[test]
fn backups_pin_the_first_and_prune_asks() {
    let sb = Sandbox::new("[profile a]\nregion = x\n", "");
    for i in 0..3 {
        sb.awsprof(&[
            "profile",
            "set",
            "a",
            "output",
            ["json", "text", "table"][i],
        ])
        .ok();
    }
    let ids = sb.backup_ids();
    assert_eq!(ids.len(), 3);
    let list = sb.awsprof(&["backup", "list"]).ok();
    let mut lines = list.stdout.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("ID ") && header.contains("CREATED") && header.contains("COMMAND"),
        "{list:#?}"
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(&ids[0]) && first.contains("pinned"),
        "{list:#?}"
    );
    // Columns line up: every row's CREATED starts where the header's does.
    let at = header.find("CREATED").unwrap();
    for row in list.stdout.lines().skip(1) {
        assert_eq!(&row[at..at + 4], "2026", "{row}");
    }
    let asked = sb.awsprof(&["backup", "prune", "--keep", "1"]).code(2);
    assert!(
        asked.stderr.contains("pinned") && asked.stderr.contains(&ids[0]),
        "{asked:#?}"
    );
    assert_eq!(sb.backup_ids().len(), 3);
    sb.awsprof(&["backup", "prune", "--keep", "1", "--yes"])
        .ok();
    assert_eq!(sb.backup_ids(), vec![ids[2].clone()]);
    sb.awsprof(&["backup", "remove", &ids[2]]).ok();
    assert!(sb.backup_ids().is_empty());
}

/// tanaka may manage his own keys; the admin sees everything.
const SELF_SERVICE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey","iam:DeleteAccessKey","iam:GetAccessKeyLastUsed","sts:GetCallerIdentity"],"Resource":"*"}]}"#;

/// A month of use against moto with IAM enforced: an awsprof
/// credential_process through a rename, a rotation then a restore, and a
/// delete-user with profiles standing on the keys, the AWS CLI reading
/// the results.
#[test]
fn a_month_of_use_end_to_end() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    world.admin_iam(
        "put_user_policy",
        json!({"UserName": "tanaka", "PolicyName": "self-service", "PolicyDocument": SELF_SERVICE}),
    );
    let sb = Sandbox::new(
        &format!("[profile ci]\ncredential_process = {AWSPROF} credential-process tanaka\n[profile mfa]\nrole_arn = {}\nsource_profile = tanaka\n", support::toy_role()),
        &format!("{}{}", world.tanaka_credentials(), world.admin_credentials()),
    )
    .with_endpoint(&moto.endpoint);
    let who = |profile: &str| {
        sb.aws(&[
            "sts",
            "get-caller-identity",
            "--profile",
            profile,
            "--output",
            "json",
        ])
    };
    assert!(who("ci").ok().stdout.contains("user/tanaka"));

    // Rename: the credential_process follows, and the AWS CLI still works.
    sb.awsprof(&["profile", "rename", "tanaka", "tanaka2"]).ok();
    assert!(sb.read_config().contains("credential-process tanaka2"));
    assert!(who("ci").ok().stdout.contains("user/tanaka"));

    // Rotate, then try to restore the backup that holds the old key.
    let before = sb.backup_ids();
    let rotated = sb.awsprof(&["key", "rotate", "tanaka2"]).ok();
    assert!(
        rotated
            .stdout
            .contains("restoring it would put a dead key back"),
        "{rotated:#?}"
    );
    assert!(!rotated.stdout.contains("undo with"), "{rotated:#?}");
    let taken = sb
        .backup_ids()
        .into_iter()
        .find(|id| !before.contains(id))
        .unwrap();
    let now = sb.read_credentials();
    let refused = sb.awsprof(&["backup", "restore", &taken]).code(2);
    assert!(
        refused.stderr.contains("retired") && refused.stderr.contains("--force"),
        "{refused:#?}"
    );
    assert_eq!(sb.read_credentials(), now);
    let listed = sb.awsprof(&["backup", "list"]).ok();
    assert!(listed.stdout.contains("retired key ****"), "{listed:#?}");
    // An older backup holding the old key is marked too.
    let older = &before[before.len() - 1];
    let older_restore = sb.awsprof(&["backup", "restore", older]).code(2);
    assert!(
        older_restore.stderr.contains("retired"),
        "{older_restore:#?}"
    );
    assert!(who("ci").ok().stdout.contains("user/tanaka"));

    // delete-user with profiles standing on the keys: refused first,
    // before any IAM change, naming them.
    let delete_user = |extra: &[&str]| {
        let mut args = vec![
            "iam",
            "delete-user",
            "tanaka",
            "--from-profile",
            "tanaka2",
            "--admin",
            "admin",
        ];
        args.extend(extra);
        sb.awsprof(&args)
    };
    let refused = delete_user(&[]).code(2);
    assert!(refused.stderr.contains("ci, mfa"), "{refused:#?}");
    assert_eq!(who("tanaka2").code, 0, "tanaka still exists");
    let forced = delete_user(&["--force"]).ok();
    assert!(forced.stderr.contains("ci, mfa"), "{forced:#?}");
}
