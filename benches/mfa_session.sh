#!/usr/bin/env bash
# The MFA session's hot path, whole processes, with hyperfine -N: a role's
# credentials when its cached session is gone but the MFA session is kept
# (one AssumeRole signed with the session, no prompt), against the same
# AssumeRole made from long-term keys without MFA (the floor: the call
# itself), and the role warm in the cache.
#
# moto runs here WITHOUT IAM enforcement: with it, moto refuses the
# credentials its own GetSessionToken issued (../shared/moto/README.md), so
# the MFA session cannot be shown against it. The STS answers are moto's
# either way; what is measured is awsprof's work around the one call.
# tests/sts_parameters.rs proves what is sent, against a recording stub.
#
#   benches/mfa_session.sh           release build, writes target/bench-mfa-session.md
#   benches/mfa_session.sh --quick   debug build, 2 runs each (only checks that it runs)
set -euo pipefail
cd "$(dirname "$0")/.."
full_runs=(--warmup 3 --min-runs 60)
# shellcheck source=setup.sh
. benches/setup.sh

work=$(mktemp -d)
moto_pid=""
cleanup() { [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
for _ in $(seq 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL/moto-api/', timeout=1)" 2>/dev/null && break
  sleep 0.2
done

export HOME="$work/home" AWSPROF_BACKUP_DIR="$work/backups" AWSPROF_STATE_DIR="$work/state"
export AWS_PAGER="" AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION XDG_STATE_HOME
mkdir -p "$HOME/.aws"
cfg="$HOME/.aws/config"; creds="$HOME/.aws/credentials"
export AWS_CONFIG_FILE="$cfg" AWS_SHARED_CREDENTIALS_FILE="$creds"
role=arn:aws:iam::123456789012:role/bench
printf '[tanaka]\naws_access_key_id = AKIABENCH00000000001\naws_secret_access_key = benchSecretExample000000000000000000000\n' > "$creds"
printf '[profile direct]\nrole_arn = %s\nsource_profile = tanaka\n[profile mfa]\nrole_arn = %s\nsource_profile = tanaka\nmfa_serial = arn:aws:iam::123456789012:mfa/tanaka\n' "$role" "$role" > "$cfg"

# The one code: the MFA session is kept from here on.
"$bin" profile whoami mfa --mfa-code 123456 >/dev/null
rm -rf "$HOME/.aws/cli/cache"
# Proof that no code is asked for: no terminal to ask on, and it succeeds.
setsid --wait "$bin" credential-process mfa >/dev/null

results="$repo/target/bench-mfa-session.md"
{ echo "# benches/mfa_session.sh, $(date -u +%Y-%m-%d)"; echo; } > "$results"
bench() { # title, then hyperfine arguments
  echo "### $1" >> "$results"; shift
  hyperfine -N "${runs[@]}" --style basic --export-markdown "$work/part.md" --export-json "$work/part.json" "$@"
  cat "$work/part.md" >> "$results"; echo >> "$results"
  ratios "$work/part.json" >> "$results"
}

bench "a role's credentials, its cached session removed before each run: from the MFA session vs from long-term keys" \
  --prepare "rm -rf $HOME/.aws/cli/cache" \
  -n "floor: credential-process direct (AssumeRole from the keys)" "$bin credential-process direct" \
  -n "credential-process mfa (AssumeRole from the kept MFA session, no prompt)" "$bin credential-process mfa"
"$bin" credential-process mfa >/dev/null
bench "the role warm in the cache (no call), and the start-up floor" \
  -n "credential-process mfa, warm" "$bin credential-process mfa" \
  -n "floor: awsprof --version (start-up)" "$bin --version"
echo "wrote $results"
[ $quick = 1 ] || cat "$results"
