//! Issue 24 against moto with IAM enforced: what awsprof creates carries
//! the awsprof:managed tag, and only that is deleted; whatever else a role
//! or user was given is detached and named, or refuses the deletion
//! before any change unless --force; `create-role --update --exclusive`
//! takes the rest away; actions are checked before anything is created.

mod support;

use serde_json::{json, Value};
use support::{Moto, Sandbox, World, ACCOUNT};

fn admin_world() -> (Moto, World, Sandbox) {
    let moto = Moto::start();
    let world = World::build(&moto, &["--admin-only"]);
    let sandbox = Sandbox::new("", &world.admin_credentials()).with_endpoint(&moto.endpoint);
    (moto, world, sandbox)
}

fn awsprof(sb: &Sandbox, args: &[&str]) -> support::Run {
    let mut all = args.to_vec();
    all.extend(["--admin", "admin"]);
    sb.awsprof(&all)
}

fn create_toy_role(sb: &Sandbox, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "iam",
        "create-role",
        "toy-role",
        "--trust",
        "tanaka",
        "--allow",
        "ec2:DescribeInstanceTypes",
    ];
    args.extend(extra);
    awsprof(sb, &args)
}

fn tagged(tags: &Value) -> bool {
    tags["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["Key"] == "awsprof:managed" && t["Value"] == "true")
}

/// Everything IAM holds in the account, to compare before and after.
fn iam_state(world: &World) -> Value {
    let names = |out: Value, list: &str, key: &str| -> Vec<String> {
        out[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[key].as_str().unwrap().to_string())
            .collect()
    };
    let mut state = json!({});
    for role in names(
        world.admin_iam("list_roles", json!({})),
        "Roles",
        "RoleName",
    ) {
        let who = json!({"RoleName": role});
        state[format!("role {role}")] = json!([
            world.admin_iam("list_attached_role_policies", who.clone())["AttachedPolicies"],
            world.admin_iam("list_role_policies", who.clone())["PolicyNames"],
            world.admin_iam("get_role", who)["Role"]["PermissionsBoundary"],
        ]);
    }
    for user in names(
        world.admin_iam("list_users", json!({})),
        "Users",
        "UserName",
    ) {
        let who = json!({"UserName": user});
        state[format!("user {user}")] = json!([
            world.admin_iam("list_attached_user_policies", who.clone())["AttachedPolicies"],
            world.admin_iam("list_user_policies", who.clone())["PolicyNames"],
            world.admin_iam("list_groups_for_user", who.clone())["Groups"]
                .as_array()
                .map(Vec::len),
            world.admin_iam("list_access_keys", who)["AccessKeyMetadata"]
                .as_array()
                .map(Vec::len),
        ]);
    }
    let policies = world.admin_iam("list_policies", json!({"Scope": "Local"}));
    state["policies"] = json!(names(policies, "Policies", "Arn"));
    state
}

fn hand_made_policy(world: &World, name: &str, path: &str) -> String {
    let document = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let made = world.admin_iam(
        "create_policy",
        json!({"PolicyName": name, "Path": path, "PolicyDocument": document.to_string()}),
    );
    made["Policy"]["Arn"].as_str().unwrap().to_string()
}

#[test]
fn everything_awsprof_creates_carries_the_managed_tag() {
    let (_moto, world, sb) = admin_world();
    awsprof(&sb, &["iam", "create-user", "tanaka"]).ok();
    create_toy_role(&sb, &["--grant-assume"]).ok();
    let user_tags = world.admin_iam("list_user_tags", json!({"UserName": "tanaka"}));
    let role_tags = world.admin_iam("list_role_tags", json!({"RoleName": "toy-role"}));
    let policy = format!("arn:aws:iam::{ACCOUNT}:policy/awsprof/toy-role-policy");
    let policy_tags = world.admin_iam("list_policy_tags", json!({"PolicyArn": policy}));
    assert!(tagged(&user_tags), "{user_tags}");
    assert!(tagged(&role_tags), "{role_tags}");
    assert!(tagged(&policy_tags), "{policy_tags}");
    let grants = world.admin_iam("list_user_policies", json!({"UserName": "tanaka"}));
    assert_eq!(grants["PolicyNames"], json!(["awsprof-assume-toy-role"]));
}

#[test]
fn delete_role_keeps_what_awsprof_did_not_make() {
    let (_moto, world, sb) = admin_world();
    world.admin_iam("create_user", json!({"UserName": "tanaka"}));
    create_toy_role(&sb, &[]).ok();
    // A hand-made policy under awsprof's own path, and one elsewhere.
    let breakglass = hand_made_policy(&world, "prod-breakglass", "/awsprof/");
    let audit = hand_made_policy(&world, "audit", "/");
    for arn in [&breakglass, &audit] {
        world.admin_iam(
            "attach_role_policy",
            json!({"RoleName": "toy-role", "PolicyArn": arn}),
        );
    }
    let deleted = awsprof(&sb, &["iam", "delete-role", "toy-role", "--output", "json"]).ok();
    let mut kept = deleted.json()["detached_not_deleted"].clone();
    kept.as_array_mut().unwrap().sort_by_key(|v| v.to_string());
    assert_eq!(kept, json!(["audit", "prod-breakglass"]), "{deleted:#?}");
    let mut policies: Vec<String> =
        serde_json::from_value(iam_state(&world)["policies"].clone()).unwrap();
    policies.sort();
    assert_eq!(
        policies,
        [audit, breakglass],
        "awsprof's own policy went, the hand-made ones stayed"
    );
}

#[test]
fn delete_role_refuses_inline_policies_and_a_boundary_it_did_not_put_there() {
    let (_moto, world, sb) = admin_world();
    world.admin_iam("create_user", json!({"UserName": "tanaka"}));
    create_toy_role(&sb, &[]).ok();
    let boundary = hand_made_policy(&world, "boundary", "/");
    world.admin_iam(
        "put_role_permissions_boundary",
        json!({"RoleName": "toy-role", "PermissionsBoundary": boundary}),
    );
    world.admin_iam(
        "put_role_policy",
        json!({"RoleName": "toy-role", "PolicyName": "hand-made", "PolicyDocument": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}).to_string()}),
    );
    let before = iam_state(&world);
    let refused = awsprof(&sb, &["iam", "delete-role", "toy-role"]).code(2);
    assert!(
        refused.stderr.contains("inline policy hand-made")
            && refused
                .stderr
                .contains(&format!("permissions boundary {boundary}"))
            && refused.stderr.contains("--force"),
        "{refused:#?}"
    );
    assert_eq!(iam_state(&world), before, "refused before any change");
    let forced = awsprof(&sb, &["iam", "delete-role", "toy-role", "--force"]).ok();
    assert!(
        forced.stdout.contains("Deleted with --force"),
        "{forced:#?}"
    );
    assert!(iam_state(&world).get("role toy-role").is_none());

    // A role awsprof did not create at all is refused the same way.
    world.admin_iam(
        "create_role",
        json!({"RoleName": "hand-role", "AssumeRolePolicyDocument": json!({"Version": "2012-10-17", "Statement": []}).to_string()}),
    );
    let refused = awsprof(&sb, &["iam", "delete-role", "hand-role"]).code(2);
    assert!(
        refused.stderr.contains("no awsprof:managed tag"),
        "{refused:#?}"
    );
    let again = create_toy_role(&sb, &[]).ok();
    assert!(again.stdout.contains("iam:CreateRole"), "{again:#?}");
    let adopt = awsprof(
        &sb,
        &[
            "iam",
            "create-role",
            "hand-role",
            "--trust",
            "tanaka",
            "--allow",
            "ec2:DescribeVpcs",
        ],
    )
    .code(2);
    assert!(adopt.stderr.contains("not made by awsprof"), "{adopt:#?}");
}

#[test]
fn delete_user_refuses_groups_and_a_console_password_it_did_not_give() {
    let (_moto, world, sb) = admin_world();
    awsprof(&sb, &["iam", "create-user", "tanaka"]).ok();
    world.admin_iam("create_group", json!({"GroupName": "devs"}));
    world.admin_iam(
        "add_user_to_group",
        json!({"GroupName": "devs", "UserName": "tanaka"}),
    );
    world.admin_iam(
        "create_login_profile",
        json!({"UserName": "tanaka", "Password": "Correct-horse-9"}),
    );
    let before = iam_state(&world);
    let refused = awsprof(&sb, &["iam", "delete-user", "tanaka"]).code(2);
    assert!(
        refused.stderr.contains("group devs") && refused.stderr.contains("a console password"),
        "{refused:#?}"
    );
    assert_eq!(iam_state(&world), before, "refused before any change");
    let forced = awsprof(&sb, &["iam", "delete-user", "tanaka", "--force"]).ok();
    assert!(
        forced.stdout.contains("iam:RemoveUserFromGroup")
            && forced.stdout.contains("iam:DeleteLoginProfile"),
        "{forced:#?}"
    );
    assert!(iam_state(&world).get("user tanaka").is_none());
}

#[test]
fn update_exclusive_takes_away_what_else_grants_the_role() {
    let (_moto, world, sb) = admin_world();
    world.admin_iam("create_user", json!({"UserName": "tanaka"}));
    create_toy_role(&sb, &[]).ok();
    let everything = hand_made_policy(&world, "everything", "/");
    world.admin_iam(
        "attach_role_policy",
        json!({"RoleName": "toy-role", "PolicyArn": everything}),
    );
    let document = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
    world.admin_iam(
        "put_role_policy",
        json!({"RoleName": "toy-role", "PolicyName": "s3-all", "PolicyDocument": document.to_string()}),
    );
    let widened = create_toy_role(&sb, &[]).code(1);
    assert!(
        widened.stdout.contains("everything") && widened.stdout.contains("s3-all (inline)"),
        "{widened:#?}"
    );
    let needs_update = create_toy_role(&sb, &["--exclusive"]).code(2);
    assert!(
        needs_update.stderr.contains("--update"),
        "{needs_update:#?}"
    );

    let exclusive = create_toy_role(&sb, &["--update", "--exclusive", "--output", "json"]).ok();
    let out = exclusive.json();
    assert_eq!(out["also_attached"], json!([]), "{exclusive:#?}");
    assert_eq!(
        out["removed_inline_policies"]["s3-all"], document,
        "the deleted document is given back"
    );
    let role = &iam_state(&world)["role toy-role"];
    let attached = role[0].as_array().unwrap();
    assert_eq!(attached.len(), 1, "{role}");
    assert_eq!(attached[0]["PolicyName"], "toy-role-policy");
    assert_eq!(role[1], json!([]));
    let same = create_toy_role(&sb, &[]).ok();
    assert!(same.stdout.contains("already is as asked"), "{same:#?}");
}

#[test]
fn actions_are_checked_before_anything_is_created() {
    let (_moto, world, sb) = admin_world();
    world.admin_iam("create_user", json!({"UserName": "tanaka"}));
    let before = iam_state(&world);
    let typo = awsprof(
        &sb,
        &[
            "iam",
            "create-role",
            "toy-role",
            "--trust",
            "tanaka",
            "--allow",
            "ec2:DescribeVpc",
        ],
    )
    .code(2);
    assert!(
        typo.stderr.contains("did you mean ec2:DescribeVpcs"),
        "{typo:#?}"
    );
    let pattern = awsprof(
        &sb,
        &[
            "iam",
            "create-role",
            "toy-role",
            "--trust",
            "tanaka",
            "--allow",
            "sts:Get*Tokens",
        ],
    )
    .code(2);
    assert!(
        pattern.stderr.contains("matches no STS action"),
        "{pattern:#?}"
    );
    assert_eq!(iam_state(&world), before, "nothing was created");

    let unchecked = awsprof(
        &sb,
        &[
            "iam",
            "create-role",
            "toy-role",
            "--trust",
            "tanaka",
            "--allow",
            "ec2:Describe*",
            "--allow",
            "s3:GetObject",
        ],
    )
    .ok();
    assert!(
        unchecked.stderr.contains("`s3:GetObject` was not checked")
            && !unchecked.stderr.contains("ec2:Describe*"),
        "{unchecked:#?}"
    );
}
