//! The walkthrough's admin half through awsprof, against moto with IAM
//! enforced: create-user, create-role (idempotent, --dry-run, --update),
//! delete-role, delete-user, and refused calls named.

mod support;

use serde_json::Value;
use support::{Moto, Sandbox, World, ACCOUNT};

fn admin_world() -> (Moto, World, Sandbox) {
    let moto = Moto::start();
    let world = World::build(&moto, &["--admin-only"]);
    let sandbox = Sandbox::new("", &world.admin_credentials()).with_endpoint(&moto.endpoint);
    (moto, world, sandbox)
}

const ROLE_ARGS: [&str; 10] = [
    "iam",
    "create-role",
    "toy-role",
    "--trust",
    "tanaka",
    "--allow",
    "ec2:DescribeInstanceTypes",
    "--grant-assume",
    "--admin",
    "admin",
];

/// The AWS CLI as the admin: exit code and JSON output.
fn admin_aws(sandbox: &Sandbox, args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--profile", "admin", "--output", "json"]);
    let run = sandbox.aws(&all);
    let json = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
    (run.code, json)
}

/// Asserts that IAM answers NoSuchEntity for the admin's `args`.
fn assert_absent(sandbox: &Sandbox, args: &[&str]) {
    let mut all = args.to_vec();
    all.extend(["--profile", "admin"]);
    let run = sandbox.aws(&all);
    assert!(
        run.code != 0 && run.stderr.contains("NoSuchEntity"),
        "{args:?} should find nothing: {run:#?}"
    );
}

#[test]
fn the_whole_walkthrough_runs_through_awsprof() {
    let (_moto, _world, sandbox) = admin_world();
    let user = sandbox
        .awsprof(&["iam", "create-user", "tanaka", "--admin", "admin"])
        .ok();
    let credentials = sandbox.read_credentials();
    assert!(credentials.contains("[tanaka]"), "{credentials}");
    let secret_line = credentials
        .lines()
        .skip_while(|l| *l != "[tanaka]")
        .find(|l| l.starts_with("aws_secret_access_key"))
        .unwrap();
    let secret = secret_line.split('=').nth(1).unwrap().trim();
    assert!(!user.stdout.contains(secret) && !user.stderr.contains(secret));
    assert!(user.stdout.contains("Backup:"), "{user:#?}");

    // Step 3: no permissions yet.
    sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--deny",
            "ec2:DescribeInstanceTypes",
        ])
        .ok();

    let created = sandbox.awsprof(&ROLE_ARGS).ok();
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/toy-role");
    assert!(
        created.stdout.contains(&format!("Role: {role_arn}")),
        "{created:#?}"
    );
    assert!(created.stdout.contains(&format!(
        "awsprof profile add-role tanaka --role-arn {role_arn}"
    )));

    // The same again changes nothing, and says so.
    let again = sandbox
        .awsprof(&[&ROLE_ARGS[..], &["--output", "json"]].concat())
        .ok()
        .json();
    assert_eq!(again["changed"], false, "{again}");
    assert!(again["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["status"] == "unchanged"));

    sandbox
        .awsprof(&["profile", "add-role", "tanaka", "--role-arn", &role_arn])
        .ok();
    sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--allow",
            "ec2:DescribeInstanceTypes",
            "--deny",
            "ec2:DescribeVpcs",
        ])
        .ok();

    // The documents awsprof wrote, as IAM holds them.
    let (code, role) = admin_aws(&sandbox, &["iam", "get-role", "--role-name", "toy-role"]);
    assert_eq!(code, 0);
    let trust = &role["Role"]["AssumeRolePolicyDocument"];
    let trust: Value = match trust {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        other => other.clone(),
    };
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        format!("arn:aws:iam::{ACCOUNT}:user/tanaka")
    );

    // Another permission is refused without --update; with it, it lands.
    let other = [
        "iam",
        "create-role",
        "toy-role",
        "--trust",
        "tanaka",
        "--allow",
        "ec2:DescribeVpcs",
        "--admin",
        "admin",
    ];
    let refused = sandbox.awsprof(&other).code(2);
    assert!(refused.stderr.contains("--update"), "{refused:#?}");
    sandbox.awsprof(&[&other[..], &["--update"]].concat()).ok();
    sandbox
        .awsprof(&[
            "profile",
            "verify",
            "tanaka",
            "--allow",
            "ec2:DescribeVpcs",
            "--no-cache",
        ])
        .ok();
}

#[test]
fn dry_runs_change_nothing_in_iam() {
    let (_moto, _world, sandbox) = admin_world();
    let plan = sandbox
        .awsprof(&[
            "iam",
            "create-user",
            "tanaka",
            "--admin",
            "admin",
            "--dry-run",
        ])
        .ok();
    assert!(plan.stdout.contains("would run"), "{plan:#?}");
    assert_absent(&sandbox, &["iam", "get-user", "--user-name", "tanaka"]);
    assert!(!sandbox.read_credentials().contains("[tanaka]"));

    sandbox
        .awsprof(&["iam", "create-user", "tanaka", "--admin", "admin"])
        .ok();
    let plan = sandbox
        .awsprof(
            &[
                &ROLE_ARGS[..],
                &["--dry-run", "--require-mfa", "--external-id", "partner-42"],
            ]
            .concat(),
        )
        .ok();
    assert!(plan.stdout.contains("\"sts:AssumeRole\""), "{plan:#?}");
    assert!(plan.stdout.contains("aws:MultiFactorAuthPresent"));
    assert!(plan.stdout.contains("\"ec2:DescribeInstanceTypes\""));
    assert!(plan.stdout.contains("iam:CreateRole"));
    assert_absent(&sandbox, &["iam", "get-role", "--role-name", "toy-role"]);
    let (_, policies) = admin_aws(&sandbox, &["iam", "list-policies", "--scope", "Local"]);
    assert_eq!(policies["Policies"].as_array().map(Vec::len), Some(0));
}

#[test]
fn delete_role_and_user_clean_up_what_awsprof_made() {
    let (_moto, _world, sandbox) = admin_world();
    sandbox
        .awsprof(&["iam", "create-user", "tanaka", "--admin", "admin"])
        .ok();
    sandbox.awsprof(&ROLE_ARGS).ok();
    sandbox
        .awsprof(&[
            "iam",
            "delete-role",
            "toy-role",
            "--admin",
            "admin",
            "--dry-run",
        ])
        .ok();
    assert_eq!(
        admin_aws(&sandbox, &["iam", "get-role", "--role-name", "toy-role"]).0,
        0
    );
    let deleted = sandbox
        .awsprof(&["iam", "delete-role", "toy-role", "--admin", "admin"])
        .ok();
    assert!(deleted.stdout.contains("iam:DeletePolicy"), "{deleted:#?}");
    assert_absent(&sandbox, &["iam", "get-role", "--role-name", "toy-role"]);
    let (_, policies) = admin_aws(&sandbox, &["iam", "list-policies", "--scope", "Local"]);
    assert_eq!(policies["Policies"].as_array().map(Vec::len), Some(0));
    let (_, inline) = admin_aws(
        &sandbox,
        &["iam", "list-user-policies", "--user-name", "tanaka"],
    );
    assert_eq!(inline["PolicyNames"].as_array().map(Vec::len), Some(0));

    let before = sandbox.backup_ids().len();
    sandbox
        .awsprof(&[
            "iam",
            "delete-user",
            "tanaka",
            "--from-profile",
            "tanaka",
            "--admin",
            "admin",
        ])
        .ok();
    assert_absent(&sandbox, &["iam", "get-user", "--user-name", "tanaka"]);
    let credentials = sandbox.read_credentials();
    assert!(
        !credentials
            .lines()
            .skip_while(|l| *l != "[tanaka]")
            .any(|l| l.starts_with("aws_")),
        "{credentials}"
    );
    assert_eq!(sandbox.backup_ids().len(), before + 1);
}

#[test]
fn refusals_name_the_call_and_the_caller_and_what_was_done() {
    let (_moto, world, sandbox) = admin_world();
    sandbox
        .awsprof(&["iam", "create-user", "tanaka", "--admin", "admin"])
        .ok();
    // tanaka may create policies but not roles.
    world.admin_iam(
        "put_user_policy",
        serde_json::json!({"UserName": "tanaka", "PolicyName": "half", "PolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","iam:CreatePolicy","sts:GetCallerIdentity"],"Resource":"*"}]}"#}),
    );
    let run = sandbox
        .awsprof(&[
            "iam",
            "create-role",
            "r",
            "--trust",
            "tanaka",
            "--allow",
            "s3:ListBucket",
            "--admin",
            "tanaka",
        ])
        .code(3);
    assert!(
        run.stderr.contains(&format!(
            "iam:CreateRole refused for arn:aws:iam::{ACCOUNT}:user/tanaka: AccessDenied"
        )),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("already done before it: iam:CreatePolicy"),
        "{run:#?}"
    );

    // A profile that already holds keys is refused before any call; so
    // is a user with two keys.
    let held = sandbox
        .awsprof(&["iam", "create-user", "tanaka", "--admin", "admin"])
        .code(2);
    assert!(held.stderr.contains("--force"), "{held:#?}");
    world.admin_iam(
        "create_access_key",
        serde_json::json!({"UserName": "tanaka"}),
    );
    let full = sandbox
        .awsprof(&[
            "iam",
            "create-user",
            "tanaka",
            "--into-profile",
            "second",
            "--admin",
            "admin",
        ])
        .code(2);
    assert!(full.stderr.contains("two access keys"), "{full:#?}");
    assert!(!sandbox.read_credentials().contains("[second]"));
}
