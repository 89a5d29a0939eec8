#!/usr/bin/env bash
# The vault's hot paths, whole processes, with hyperfine -N (release build):
# credential-process of a vaulted static profile through the OS store (a
# real gnome-keyring-daemon in its own D-Bus session) and through the file
# store (unlocked, and paying the passphrase), a role profile on a vaulted
# base with a warm cached session (the stores made unreachable, so it
# proves that none is touched), and the floors: the store's own round trip
# (`secret-tool lookup`) and the start-up of the binary.
#
#   benches/vault.sh            writes target/bench-vault.md
#   benches/vault.sh --quick    debug build, 2 runs each (only checks that it runs)
set -euo pipefail
cd "$(dirname "$0")/.."
full_runs=(--warmup 5 --min-runs 40)
# shellcheck source=setup.sh
. benches/setup.sh
need gnome-keyring-daemon gnome-keyring
need secret-tool libsecret-tools
need dbus-run-session dbus

# shellcheck source=../tests/support/moto.sh
. tests/support/moto.sh
work=$(mktemp -d)
# The keyring daemon detaches from the bus's session: the whole process
# group goes.
cleanup() { moto_stop; [ -n "${bus_pid:-}" ] && kill -- "-$bus_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export HOME="$work/home" AWSPROF_BACKUP_DIR="$work/backups" AWSPROF_STATE_DIR="$work/state"
export AWS_PAGER="" AWS_DEFAULT_REGION=us-east-1 XDG_RUNTIME_DIR="$work/run"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION XDG_STATE_HOME
mkdir -p "$HOME/.aws" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
cfg="$HOME/.aws/config"; creds="$HOME/.aws/credentials"
export AWS_CONFIG_FILE="$cfg" AWS_SHARED_CREDENTIALS_FILE="$creds"

# A keyring of its own, unlocked, on a private session bus.
setsid dbus-run-session -- bash -c "printf '%s' \"\$DBUS_SESSION_BUS_ADDRESS\" > '$work/bus.tmp'; mv '$work/bus.tmp' '$work/bus'; printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec sleep 3600" &
bus_pid=$!
for _ in $(seq 200); do [ -s "$work/bus" ] && break; sleep 0.1; done
export DBUS_SESSION_BUS_ADDRESS; DBUS_SESSION_BUS_ADDRESS=$(cat "$work/bus")

moto_start "$work"
world=$(python3 tests/support/moto_world.py --endpoint "$MOTO_ENDPOINT" --role-allow 'ec2:Describe*')
export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
python3 - "$world" "$creds" "$cfg" <<'PY'
import json, sys
w, creds, cfg = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
key = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (w["tanaka"]["access_key_id"], w["tanaka"]["secret_access_key"])
open(creds, "w").write("[tanaka]\n" + key + "[filed]\n" + key)
open(cfg, "w").write("[profile bench]\nrole_arn = %s\nsource_profile = tanaka\n" % w["toy_role_arn"])
PY
"$bin" vault move tanaka --store os >/dev/null
AWSPROF_VAULT_PASSPHRASE=bench "$bin" vault move filed --store file >/dev/null
"$bin" credential-process bench >/dev/null   # the role session, cached

results="$repo/target/bench-vault.md"
{ echo "# benches/vault.sh, $(date -u +%Y-%m-%d)"; echo; } > "$results"
bench() { # title, then hyperfine arguments
  echo "### $1" >> "$results"; shift
  hyperfine -N "${runs[@]}" --style basic --export-markdown "$work/part.md" "$@"
  cat "$work/part.md" >> "$results"; echo >> "$results"
}

bench "a vaulted static profile: OS store, file store unlocked, file store with its passphrase; floors" \
  -n "credential-process, OS store" "$bin credential-process tanaka" \
  -n "floor: secret-tool lookup of the same item" "secret-tool lookup service awsprof username tanaka" \
  -n "floor: awsprof --version (start-up)" "$bin --version"
AWSPROF_VAULT_PASSPHRASE=bench "$bin" vault unlock >/dev/null
bench "the file store, unlocked (vault unlock) and locked (the passphrase's scrypt on every use)" \
  -n "credential-process, file store unlocked" "$bin credential-process filed"
"$bin" vault lock >/dev/null
AWSPROF_VAULT_PASSPHRASE=bench bench "the file store, locked" \
  -n "credential-process, file store with the passphrase" "$bin credential-process filed"

# No store can answer now: a warm role session must not need one.
DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent bench "a role on a vaulted base, warm session, no store reachable" \
  -n "credential-process, role from the warm cache" "$bin credential-process bench"
echo "wrote $results"
