#!/usr/bin/env bash
# The walkthrough, end to end, against a local AWS (moto) with IAM enforced.
# Needs no AWS account and never touches your ~/.aws: everything happens in a
# temporary HOME that is removed at the end, and moto is stopped on exit,
# also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

bold=$'\e[1m'; dim=$'\e[2m'; off=$'\e[0m'
if [ -n "${NO_COLOR:-}" ] || [ ! -t 1 ]; then bold=""; dim=""; off=""; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }

# --- what the demo needs ----------------------------------------------------
if ! python3 -c 'import moto, boto3, awscli' 2>/dev/null; then
  say "Installing the local AWS emulator and the AWS CLI (pip)"
  python3 -m pip install --quiet --disable-pip-version-check -r tests/support/requirements.txt
fi
say "Building awsprof"
cargo build --quiet --bins
# Wherever this build put it: CARGO_TARGET_DIR or a config may move target/.
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
awsprof="$target_dir/debug/awsprof"

# shellcheck source=../tests/support/moto.sh
. tests/support/moto.sh
work=$(mktemp -d)
# For tests/demo_in_copy.sh: every secret the sandbox ever held (keys in the
# files, sessions in the cache), one a line, so that it can look for them
# in what the demo printed, whatever their layout.
save_secrets() {
  [ -n "${AWSPROF_DEMO_SECRETS_OUT:-}" ] || return 0
  python3 - "$work/home" >"$AWSPROF_DEMO_SECRETS_OUT" <<'PY' || true
import json, os, sys
secret_keys = {"aws_secret_access_key", "aws_session_token", "SecretAccessKey", "SessionToken"}
def walk(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k in secret_keys and isinstance(v, str):
                print(v)
            walk(v)
for root, _, names in os.walk(sys.argv[1]):
    for name in names:
        text = open(os.path.join(root, name), encoding="utf-8", errors="replace").read()
        try:
            walk(json.loads(text))
        except ValueError:
            for line in text.splitlines():
                key, eq, value = line.partition("=")
                if eq and key.strip() in secret_keys and value.strip():
                    print(value.strip())
PY
}
cleanup() { save_secrets; moto_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a local AWS on loopback ------------------------------------------------
moto_start "$work"
endpoint=$MOTO_ENDPOINT

mkdir -p "$work/home/.aws"
# Every command below sees only the sandbox: its HOME, its two files, the
# local endpoint, and none of your AWS environment variables.
sandbox() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
      -u AWS_REGION -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE -u XDG_STATE_HOME \
      HOME="$work/home" AWS_CONFIG_FILE="$work/home/.aws/config" \
      AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials" \
      AWSPROF_BACKUP_DIR="$work/backups" AWS_ENDPOINT_URL="$endpoint" \
      AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" "$@"
}
aws_cli() { sandbox python3 -m awscli "$@"; }
# Shows a command as the reader would type it, then what it printed.
show() {
  local shown=("$@")
  [ "$1" = "aws_cli" ] && shown=(aws "${@:2}")
  [ "$1" = "$awsprof" ] && shown=(awsprof "${@:2}")
  printf '%s$ %s%s\n' "$dim" "${shown[*]}" "$off"
  local status=0
  if [ "$1" = "aws_cli" ]; then "$@" 2>&1 | sed 's/^/  /' || status=$?; else sandbox "$@" 2>&1 | sed 's/^/  /' || status=$?; fi
  return $status
}
# Runs a command that AWS must refuse with the error code $1; success, or a
# failure for any other reason, stops the demo.
expect_refused() {
  local code=$1 out status=0
  shift
  out=$("$@") || status=$?
  printf '%s\n' "$out"
  if [ "$status" -eq 0 ]; then echo "  (unexpected: that should have been refused)"; exit 1; fi
  if ! grep -q "$code" <<<"$out"; then echo "  (unexpected: not refused with $code)"; exit 1; fi
}

say "A local AWS (moto) is listening on $endpoint with IAM enforced; the sandbox HOME is $work/home"

say "Admin bootstrap: the three calls moto lets through unsigned create an admin"
boot() { env AWS_ACCESS_KEY_ID=AKIABOOTSTRAPDUMMY00 AWS_SECRET_ACCESS_KEY=dummy AWS_DEFAULT_REGION=us-east-1 \
           HOME="$work/home" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
           python3 -m awscli --endpoint-url "$endpoint" "$@"; }
boot iam create-user --user-name admin >/dev/null
boot iam put-user-policy --user-name admin --policy-name everything \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
printf '%s$ aws iam create-access-key --user-name admin | awsprof key import admin%s\n' "$dim" "$off"
boot iam create-access-key --user-name admin --output json | sandbox "$awsprof" key import admin | sed 's/^/  /'
echo "  (the secret went from the AWS CLI to the file without appearing on screen)"

say "Admin: create IAM user tanaka with an access key, written straight into tanaka's profile"
show "$awsprof" iam create-user tanaka --admin admin
show "$awsprof" profile show tanaka

say "tanaka has no permissions: DescribeInstanceTypes is refused"
show "$awsprof" profile verify tanaka --deny ec2:DescribeInstanceTypes
expect_refused AccessDenied show aws_cli ec2 describe-instance-types --profile tanaka --max-results 5

say "Admin: role toy-role that trusts tanaka, allowed only ec2:DescribeInstanceTypes (first as a dry run)"
echo "  (--grant-assume: moto also wants tanaka to hold sts:AssumeRole on the role, which real AWS does not need in one account)"
show "$awsprof" iam create-role toy-role --trust tanaka --allow ec2:DescribeInstanceTypes --grant-assume --admin admin --dry-run
show "$awsprof" iam create-role toy-role --trust tanaka --allow ec2:DescribeInstanceTypes --grant-assume --admin admin
echo "  Run again, it changes nothing:"
show "$awsprof" iam create-role toy-role --trust tanaka --allow ec2:DescribeInstanceTypes --grant-assume --admin admin

role=arn:aws:iam::123456789012:role/toy-role
say "tanaka: add the role to the profile, first as a dry run"
show "$awsprof" profile add-role tanaka --role-arn "$role" --dry-run
show "$awsprof" profile add-role tanaka --role-arn "$role"
echo "  The credentials file now (the secrets masked here too):"
sed -E 's/^(aws_secret_access_key[ =]+).*/\1****/; s/^/    /' "$work/home/.aws/credentials"

say "The chain awsprof will run, with where each setting comes from"
show "$awsprof" profile resolve tanaka
show "$awsprof" profile whoami tanaka -v

say "The AWS CLI reads the same files: DescribeInstanceTypes works, DescribeVpcs is still refused"
show aws_cli ec2 describe-instance-types --profile tanaka --max-results 5 --query 'InstanceTypes[0].InstanceType' --output text
expect_refused AccessDenied show aws_cli ec2 describe-vpcs --profile tanaka

say "Other programs use the chain too: exec, and credential_process for any SDK"
show "$awsprof" exec tanaka -- python3 -m awscli sts get-caller-identity --query Arn --output text
printf '[profile via-awsprof]\ncredential_process = %s credential-process tanaka\n' "$awsprof" >> "$work/home/.aws/config"
show aws_cli sts get-caller-identity --profile via-awsprof --query Arn --output text

say "Every write took a backup first"
show "$awsprof" backup list

say "Proof: awsprof profile verify (before the role, with tanaka's own keys, and after)"
show "$awsprof" profile verify tanaka --allow ec2:DescribeInstanceTypes --deny ec2:DescribeVpcs --deny ec2:RunInstances --compare-source
say "Done. moto is stopped and the sandbox removed on exit."
