#!/usr/bin/env python3
"""Build the walkthrough's world in a running moto server with IAM enforced.

The server must have been started with INITIAL_NO_AUTH_ACTION_COUNT=3: the
three free calls create the admin, everything else is signed by the admin.
Prints one JSON object: the admin's and tanaka's keys, the role ARNs.

World: user tanaka (no permissions of his own but sts:AssumeRole, which moto
needs where real AWS would not), ToyPolicy allowing only
ec2:DescribeInstanceTypes, role toy-role trusting tanaka with ToyPolicy.
With --chain also: role hop-a (trusting tanaka, may assume hop-b) and role
hop-b (trusting hop-a's session, with ToyPolicy), for two-hop chains.
"""
import argparse
import json

import boto3

ACCOUNT = "123456789012"
REGION = "us-east-1"


def client(service, endpoint, key_id, secret):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def policy(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def trust(principal_arn):
    return policy([{"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"}])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--chain", action="store_true")
    parser.add_argument("--admin-only", action="store_true", help="only the admin: the rest is awsprof's job")
    parser.add_argument("--session-name", default="awsprof-chain")
    parser.add_argument("--role-allow", action="append", default=[], help="also allow this action to toy-role")
    parser.add_argument("--role-deny", action="append", default=[], help="explicitly deny this action to toy-role")
    args = parser.parse_args()

    # The three unauthenticated calls moto lets through.
    bootstrap = client("iam", args.endpoint, "AKIABOOTSTRAPDUMMY00", "dummy")
    bootstrap.create_user(UserName="admin")
    bootstrap.put_user_policy(UserName="admin", PolicyName="everything", PolicyDocument=policy([allow("*")]))
    admin_key = bootstrap.create_access_key(UserName="admin")["AccessKey"]

    iam = client("iam", args.endpoint, admin_key["AccessKeyId"], admin_key["SecretAccessKey"])
    admin = {"access_key_id": admin_key["AccessKeyId"], "secret_access_key": admin_key["SecretAccessKey"]}
    if args.admin_only:
        print(json.dumps({"endpoint": args.endpoint, "account": ACCOUNT, "admin": admin}))
        return
    tanaka_arn = iam.create_user(UserName="tanaka")["User"]["Arn"]
    tanaka_key = iam.create_access_key(UserName="tanaka")["AccessKey"]
    iam.put_user_policy(UserName="tanaka", PolicyName="may-assume-roles", PolicyDocument=policy([allow("sts:AssumeRole")]))
    toy_policy_arn = iam.create_policy(PolicyName="ToyPolicy", PolicyDocument=policy([allow("ec2:DescribeInstanceTypes")]))["Policy"]["Arn"]
    toy_role_arn = iam.create_role(RoleName="toy-role", AssumeRolePolicyDocument=trust(tanaka_arn))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="toy-role", PolicyArn=toy_policy_arn)
    extra = [allow(a) for a in args.role_allow] + [{"Effect": "Deny", "Action": a, "Resource": "*"} for a in args.role_deny]
    if extra:
        iam.put_role_policy(RoleName="toy-role", PolicyName="extra", PolicyDocument=policy(extra))

    world = {
        "endpoint": args.endpoint,
        "account": ACCOUNT,
        "admin": {"access_key_id": admin_key["AccessKeyId"], "secret_access_key": admin_key["SecretAccessKey"]},
        "tanaka": {"arn": tanaka_arn, "access_key_id": tanaka_key["AccessKeyId"], "secret_access_key": tanaka_key["SecretAccessKey"]},
        "toy_role_arn": toy_role_arn,
        "toy_policy_arn": toy_policy_arn,
    }
    if args.chain:
        hop_b_arn = f"arn:aws:iam::{ACCOUNT}:role/hop-b"
        hop_a_arn = iam.create_role(RoleName="hop-a", AssumeRolePolicyDocument=trust(tanaka_arn))["Role"]["Arn"]
        iam.put_role_policy(RoleName="hop-a", PolicyName="may-assume-hop-b", PolicyDocument=policy([allow("sts:AssumeRole", hop_b_arn)]))
        session = f"arn:aws:sts::{ACCOUNT}:assumed-role/hop-a/{args.session_name}"
        iam.create_role(RoleName="hop-b", AssumeRolePolicyDocument=trust(session))
        iam.attach_role_policy(RoleName="hop-b", PolicyArn=toy_policy_arn)
        world["hop_a_arn"] = hop_a_arn
        world["hop_b_arn"] = hop_b_arn
        world["hop_a_session_name"] = args.session_name
    print(json.dumps(world))


if __name__ == "__main__":
    main()
