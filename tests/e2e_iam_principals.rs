//! Issue 24 against moto with IAM enforced: principals say what they are,
//! --grant-assume stays in the admin's account, a re-run sees the whole
//! role, and `--admin` lets key list / rotate act for a user with no IAM
//! permissions. Every refusal happens before any IAM change.

mod support;

use serde_json::{json, Value};
use support::{Moto, Sandbox, World, ACCOUNT};

fn admin_world() -> (Moto, World, Sandbox) {
    let moto = Moto::start();
    let world = World::build(&moto, &["--admin-only"]);
    let sandbox = Sandbox::new("", &world.admin_credentials()).with_endpoint(&moto.endpoint);
    (moto, world, sandbox)
}

fn role_names(world: &World) -> Vec<String> {
    let roles = world.admin_iam("list_roles", json!({}));
    roles["Roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RoleName"].as_str().unwrap().to_string())
        .collect()
}

fn create_role(sb: &Sandbox, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "iam",
        "create-role",
        "numrole",
        "--allow",
        "ec2:DescribeInstanceTypes",
        "--admin",
        "admin",
    ];
    args.extend(extra);
    sb.awsprof(&args)
}

#[test]
fn a_bare_twelve_digit_trust_is_a_users_name_or_refused() {
    let (_moto, world, sb) = admin_world();
    let before = role_names(&world);
    let refused = create_role(&sb, &["--trust", "210987654321"]).code(2);
    assert!(
        refused.stderr.contains("--trust-account 210987654321"),
        "{refused:#?}"
    );
    assert_eq!(role_names(&world), before, "refused before any change");

    // A user of that name exists: it means the user.
    world.admin_iam("create_user", json!({"UserName": "210987654321"}));
    let made = create_role(&sb, &["--trust", "210987654321", "--output", "json"]).ok();
    assert_eq!(
        made.json()["trusts"],
        format!("arn:aws:iam::{ACCOUNT}:user/210987654321"),
        "{made:#?}"
    );
}

#[test]
fn another_accounts_principal_is_named_as_such_and_never_granted_here() {
    let (_moto, world, sb) = admin_world();
    world.admin_iam("create_user", json!({"UserName": "tanaka"}));
    let before = role_names(&world);
    let foreign = "arn:aws:iam::999999999999:user/tanaka";
    let refused = create_role(&sb, &["--trust", foreign, "--grant-assume"]).code(2);
    assert!(
        refused.stderr.contains("account 999999999999, not yours")
            && refused.stderr.contains("that account's admin"),
        "{refused:#?}"
    );
    assert_eq!(role_names(&world), before);
    let local_tanaka = world.admin_iam("list_user_policies", json!({"UserName": "tanaka"}));
    assert_eq!(
        local_tanaka["PolicyNames"],
        json!([]),
        "nothing granted to the local namesake"
    );

    let dry = create_role(&sb, &["--trust", foreign, "--dry-run"]).ok();
    assert!(
        dry.stdout.contains("(account 999999999999, not yours)"),
        "{dry:#?}"
    );
    let account = create_role(
        &sb,
        &["--trust-account", "999999999999", "--output", "json"],
    )
    .ok();
    assert_eq!(account.json()["trusts"], "arn:aws:iam::999999999999:root");
    assert_eq!(account.json()["trusts_another_account"], true);
}

#[test]
fn a_rerun_sees_what_else_the_role_was_given() {
    let (_moto, world, sb) = admin_world();
    world.admin_iam("create_user", json!({"UserName": "tanaka"}));
    create_role(&sb, &["--trust", "tanaka"]).ok();
    let same = create_role(&sb, &["--trust", "tanaka"]).ok();
    assert!(same.stdout.contains("already is as asked"), "{same:#?}");

    let everything = world.admin_iam(
        "create_policy",
        json!({"PolicyName": "everything", "PolicyDocument": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}).to_string()}),
    );
    let arn = everything["Policy"]["Arn"].as_str().unwrap().to_string();
    world.admin_iam(
        "attach_role_policy",
        json!({"RoleName": "numrole", "PolicyArn": arn}),
    );
    let widened = create_role(&sb, &["--trust", "tanaka"]).code(1);
    assert!(
        widened
            .stdout
            .contains("also attached, not made by awsprof: everything"),
        "{widened:#?}"
    );
    assert!(
        !widened.stdout.contains("already is as asked"),
        "{widened:#?}"
    );
}

#[test]
fn key_list_and_rotate_act_with_the_admins_permissions() {
    let (_moto, world, sb) = admin_world();
    sb.awsprof(&["iam", "create-user", "tanaka", "--admin", "admin"])
        .ok();
    let old = world.access_keys("tanaka");
    assert_eq!(old.len(), 1);

    // tanaka may not list his own keys: the refusal names the flag.
    let alone = sb.awsprof(&["key", "list", "tanaka"]).code(3);
    assert!(alone.stderr.contains("--admin PROFILE"), "{alone:#?}");

    let listed = sb
        .awsprof(&[
            "key", "list", "tanaka", "--admin", "admin", "--output", "json",
        ])
        .ok();
    let listed: Value = listed.json();
    assert_eq!(listed["user"], "tanaka");
    assert_eq!(listed["keys"].as_array().unwrap().len(), 1);

    sb.awsprof(&["key", "rotate", "tanaka", "--admin", "admin"])
        .ok();
    let now = world.access_keys("tanaka");
    assert_eq!(now.len(), 1, "the old key is gone: {now:?}");
    assert_ne!(now[0].0, old[0].0);
    assert!(
        sb.read_credentials().contains(&now[0].0),
        "the new key is in tanaka's profile"
    );
}

/// Temporary credentials (an assumed role) making IAM calls: the refusal
/// says that they are temporary and whose they are.
#[test]
fn a_refusal_of_temporary_credentials_names_them_as_the_cause() {
    let moto = Moto::start();
    let world = World::build(&moto, &[]);
    let sb = support::tanaka_with_role(&moto, &world);
    let refused = sb
        .awsprof(&["iam", "create-user", "someone", "--admin", "tanaka"])
        .code(3);
    assert!(
        refused
            .stderr
            .contains("temporary credentials of profile tanaka")
            && refused.stderr.contains("long-term keys"),
        "{refused:#?}"
    );
}
