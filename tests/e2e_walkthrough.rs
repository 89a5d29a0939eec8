//! The walkthrough, end to end, against a real moto server with IAM
//! enforced: real SigV4-signed calls from awsprof and from the AWS CLI.

mod support;

use serde_json::json;
use support::{tanaka_with_role, toy_role, Moto, Sandbox, World, ACCOUNT};

/// The walkthrough's expectations, as verify flags.
const WALKTHROUGH_CHECKS: [&str; 4] = [
    "--allow",
    "ec2:DescribeInstanceTypes",
    "--deny",
    "ec2:DescribeVpcs",
];

fn verify_args<'a>(profile: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["profile", "verify", profile];
    args.extend(WALKTHROUGH_CHECKS);
    args.extend(extra);
    args
}

#[test]
fn walkthrough_every_step() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = Sandbox::new(
        "[default]\nregion = us-east-1\n",
        &world.tanaka_credentials(),
    )
    .with_endpoint(&moto.endpoint);

    // tanaka alone is refused.
    let refused = sandbox.aws(&[
        "ec2",
        "describe-instance-types",
        "--profile",
        "tanaka",
        "--max-results",
        "5",
    ]);
    assert_eq!(
        refused.code, 255,
        "the AWS CLI (v1) exits 255 on a service error: {refused:#?}"
    );
    assert!(refused.stderr.contains("AccessDenied"), "{refused:#?}");

    // add-role adds exactly the two lines and changes nothing else.
    let before = sandbox.read_credentials();
    let config_before = sandbox.read_config();
    let added = sandbox
        .awsprof(&["profile", "add-role", "tanaka", "--role-arn", &toy_role()])
        .ok();
    assert_eq!(
        sandbox.read_credentials(),
        format!(
            "{before}role_arn = {}\nsource_profile = tanaka\n",
            toy_role()
        )
    );
    assert_eq!(sandbox.read_config(), config_before);
    assert!(!added
        .stdout
        .contains(&world.get("/tanaka/secret_access_key")));
    let backup_id = sandbox.backup_ids().pop().expect("add-role took a backup");
    assert!(added.stdout.contains(&backup_id), "{added:#?}");

    // The AWS CLI reads what awsprof wrote.
    let got = sandbox
        .aws(&["configure", "get", "role_arn", "--profile", "tanaka"])
        .ok();
    assert_eq!(got.stdout.trim(), toy_role());

    // whoami is the assumed role.
    let whoami = sandbox.awsprof(&["profile", "whoami", "tanaka"]).ok();
    assert!(
        whoami
            .stdout
            .trim()
            .starts_with(&format!("arn:aws:sts::{ACCOUNT}:assumed-role/toy-role/")),
        "{whoami:#?}"
    );

    // verify proves the walkthrough's expectations.
    sandbox.awsprof(&verify_args("tanaka", &[])).ok();

    // The AWS CLI on the same files: allowed now, and still refused DescribeVpcs.
    sandbox
        .aws(&[
            "ec2",
            "describe-instance-types",
            "--profile",
            "tanaka",
            "--max-results",
            "5",
        ])
        .ok();
    let vpcs = sandbox.aws(&["ec2", "describe-vpcs", "--profile", "tanaka"]);
    assert_eq!(
        vpcs.code, 255,
        "the AWS CLI (v1) exits 255 on a service error: {vpcs:#?}"
    );
    assert!(vpcs.stderr.contains("AccessDenied"), "{vpcs:#?}");

    // Restore brings the credentials file back, byte for byte.
    sandbox.awsprof(&["backup", "restore", &backup_id]).ok();
    assert_eq!(sandbox.read_credentials(), before);
    assert_eq!(sandbox.read_config(), config_before);
}

#[test]
fn verify_swapped_expectations_exit_1_and_json_says_why() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let run = sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--deny",
            "ec2:DescribeInstanceTypes",
            "--allow",
            "ec2:DescribeVpcs",
            "--output",
            "json",
        ])
        .code(1);
    let report = run.json();
    assert_eq!(report["passed"], json!(false));
    assert_eq!(report["identity"]["account"], json!(ACCOUNT));
    let outcomes: Vec<(String, String)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_string(),
                c["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(outcomes.contains(&("ec2:DescribeInstanceTypes".into(), "allowed".into())));
    assert!(outcomes.contains(&("ec2:DescribeVpcs".into(), "denied".into())));
}

#[test]
fn verify_dry_run_checks_and_explicit_deny() {
    let moto = Moto::start();
    let world = World::build(
        &moto,
        &[
            "--role-allow",
            "ec2:CreateTags",
            "--role-allow",
            "ec2:Describe*",
            "--role-deny",
            "ec2:DescribeVpcs",
        ],
    );
    let sandbox = tanaka_with_role(&moto, &world);
    let run = sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--allow",
            "ec2:CreateTags",
            "--deny",
            "ec2:RunInstances",
            "--allow",
            "ec2:DescribeSubnets",
            "--deny",
            "ec2:DescribeVpcs",
            "--output",
            "json",
        ])
        .ok();
    let report = run.json();
    let check = |action: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["action"] == action)
            .unwrap()
            .clone()
    };
    // An allowed DryRun call answers DryRunOperation: allowed, nothing created.
    assert_eq!(check("ec2:CreateTags")["outcome"], "allowed");
    assert_eq!(check("ec2:CreateTags")["code"], "DryRunOperation");
    assert_eq!(check("ec2:RunInstances")["outcome"], "denied");
    // The explicit Deny wins over ec2:Describe*.
    assert_eq!(check("ec2:DescribeSubnets")["outcome"], "allowed");
    assert_eq!(check("ec2:DescribeVpcs")["outcome"], "denied");
}

#[test]
fn unreachable_ec2_is_error_never_a_pass() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let run = sandbox
        .command(support::AWSPROF)
        .env("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:1")
        .args(verify_args("tanaka", &["--output", "json"]))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    for check in report["checks"].as_array().unwrap() {
        assert_eq!(check["outcome"], "error", "{check}");
    }
    assert_eq!(report["passed"], json!(false));
}

#[test]
fn unreachable_sts_names_the_hop_and_exits_3() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world).with_endpoint("http://127.0.0.1:1");
    let run = sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--allow",
            "ec2:DescribeInstanceTypes",
        ])
        .code(3);
    assert!(
        run.stderr.contains("tanaka -> toy-role: NetworkError"),
        "{run:#?}"
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn two_hop_chain_and_a_refused_hop() {
    let moto = Moto::start();
    let world = World::build(&moto, &["--chain"]);
    let config = format!(
        "[profile hop-a]\nrole_arn = {}\nsource_profile = tanaka\nrole_session_name = {}\n\n[profile hop-b]\nrole_arn = {}\nsource_profile = hop-a\n\n[profile skip-a]\nrole_arn = {}\nsource_profile = tanaka\n",
        world.get("/hop_a_arn"),
        world.get("/hop_a_session_name"),
        world.get("/hop_b_arn"),
        world.get("/hop_b_arn"),
    );
    let sandbox = Sandbox::new(&config, &world.tanaka_credentials()).with_endpoint(&moto.endpoint);

    let resolved = sandbox
        .awsprof(&["profile", "resolve", "hop-b", "--output", "json"])
        .ok()
        .json();
    let chain = resolved["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 3);
    assert_eq!(chain[0]["source"], "static");
    assert_eq!(chain[1]["role_arn"], world.get("/hop_a_arn").as_str());
    assert_eq!(chain[2]["role_arn"], world.get("/hop_b_arn").as_str());
    assert!(!resolved
        .to_string()
        .contains(&world.get("/tanaka/secret_access_key")));

    let who = sandbox
        .awsprof(&["profile", "whoami", "hop-b", "-v", "--output", "json"])
        .ok();
    let identity = who.json();
    assert!(
        identity["arn"]
            .as_str()
            .unwrap()
            .contains(":assumed-role/hop-b/"),
        "{identity}"
    );
    assert!(
        who.stderr.contains(":assumed-role/hop-a/awsprof-chain"),
        "{who:#?}"
    );

    sandbox.awsprof(&verify_args("hop-b", &[])).ok();

    // hop-b trusts only hop-a's session: straight from tanaka is refused, and
    // the error names the hop. (--no-cache: the AWS CLI's cache key is the
    // AssumeRole arguments alone, so hop-b's cached session would be reused.)
    let refused = sandbox
        .awsprof(&["profile", "whoami", "skip-a", "--no-cache"])
        .code(3);
    assert!(
        refused.stderr.contains("tanaka -> hop-b: AccessDenied"),
        "{refused:#?}"
    );
}

#[test]
fn second_run_uses_the_shared_cache_and_makes_no_assume_role_call() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let first = sandbox.awsprof(&["profile", "whoami", "tanaka"]).ok();

    // The cache file is where the AWS CLI looks, under botocore's key.
    let cache_dir = sandbox.home().join(".aws/cli/cache");
    let files: Vec<_> = std::fs::read_dir(&cache_dir)
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        files[0].metadata().unwrap().permissions().mode() & 0o777,
        0o600
    );
    let body: serde_json::Value =
        serde_json::from_slice(&std::fs::read(files[0].path()).unwrap()).unwrap();
    assert!(body["Credentials"]["SessionToken"].is_string());

    // With tanaka's key gone, a new AssumeRole would fail...
    world.admin_iam(
        "delete_access_key",
        json!({"UserName": "tanaka", "AccessKeyId": world.get("/tanaka/access_key_id")}),
    );
    // ...so a second run that succeeds did not call it.
    let second = sandbox.awsprof(&["profile", "whoami", "tanaka", "-v"]).ok();
    assert_eq!(second.stdout, first.stdout);
    assert!(second.stderr.contains("[cached]"), "{second:#?}");
    // And --no-cache really goes to STS, where the deleted key is refused.
    let fresh = sandbox
        .awsprof(&["profile", "whoami", "tanaka", "--no-cache"])
        .code(3);
    assert!(fresh.stderr.contains("tanaka -> toy-role"), "{fresh:#?}");
}

#[test]
fn plan_file_and_compare_source() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sandbox = tanaka_with_role(&moto, &world);
    let plan = sandbox.dir.path().join("least-privilege.toml");
    std::fs::write(
        &plan,
        "[profiles.tanaka]\nallow = [\"ec2:DescribeInstanceTypes\", \"sts:GetCallerIdentity\"]\ndeny = [\"ec2:DescribeVpcs\", \"ec2:TerminateInstances\"]\n",
    )
    .unwrap();
    let planned = sandbox
        .awsprof(&[
            "profile",
            "verify",
            "--plan",
            plan.to_str().unwrap(),
            "--output",
            "json",
        ])
        .ok();
    let report = planned.json();
    // One profile in the plan: its report, unwrapped.
    let checks: Vec<(String, String, String)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap().to_string();
            (field("action"), field("expected"), field("outcome"))
        })
        .collect();
    let want = |a: &str, e: &str, o: &str| (a.to_string(), e.to_string(), o.to_string());
    assert_eq!(
        checks,
        vec![
            want("ec2:DescribeInstanceTypes", "allow", "allowed"),
            want("sts:GetCallerIdentity", "allow", "allowed"),
            want("ec2:DescribeVpcs", "deny", "denied"),
            want("ec2:TerminateInstances", "deny", "denied"),
        ],
        "{planned:#?}"
    );
    assert_eq!(report["profile"], "tanaka");
    assert_eq!(report["passed"], true);

    let run = sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--allow",
            "ec2:DescribeInstanceTypes",
            "--compare-source",
            "--output",
            "json",
        ])
        .ok();
    let check = &run.json()["checks"][0];
    assert_eq!(check["outcome"], "allowed");
    assert_eq!(
        check["source"]["outcome"], "denied",
        "before the role, tanaka is refused"
    );

    let text = sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--allow",
            "ec2:DescribeInstanceTypes",
            "--compare-source",
        ])
        .ok();
    assert!(text.stdout.contains("TANAKA (BASE)"), "{text:#?}");
}

#[test]
fn mfa_code_and_external_id_are_passed_through() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let config = format!(
        "[profile mfa]\nrole_arn = {}\nsource_profile = tanaka\nmfa_serial = arn:aws:iam::{ACCOUNT}:mfa/tanaka\nexternal_id = partner-42\nduration_seconds = 900\n",
        toy_role()
    );
    let sandbox = Sandbox::new(&config, &world.tanaka_credentials()).with_endpoint(&moto.endpoint);
    // Without a terminal to prompt on (setsid: no controlling terminal) and
    // without --mfa-code, the error says what to do.
    let asked = sandbox
        .command("setsid")
        .args(["--wait", support::AWSPROF, "profile", "whoami", "mfa"])
        .output()
        .expect("setsid (util-linux) runs");
    assert_eq!(asked.status.code(), Some(2), "{asked:#?}");
    assert!(
        String::from_utf8_lossy(&asked.stderr).contains("pass --mfa-code"),
        "{asked:#?}"
    );
    let who = sandbox
        .awsprof(&[
            "profile",
            "whoami",
            "mfa",
            "--mfa-code",
            "123456",
            "--no-cache",
            // moto refuses AssumeRole signed with its own GetSessionToken
            // session under IAM enforcement; tests/sts_parameters.rs
            // covers the MFA session against a recording stub.
            "--no-mfa-session",
        ])
        .ok();
    assert!(who.stdout.contains(":assumed-role/toy-role/"), "{who:#?}");
}
