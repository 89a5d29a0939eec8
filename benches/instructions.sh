#!/usr/bin/env bash
# Instructions, not seconds (issue 29): callgrind counts every instruction
# a whole command runs, the same for the same binary and input whatever
# else the machine is doing, so a change to a hot path can be judged on a
# busy machine. Each command beside the floor of its own work (the same
# `examples/floor.rs` as commands.sh), with the ratio. Counts leave out
# what the kernel does (exec, page faults, I/O): hyperfine's times in
# commands.sh stay the measure of the targets.
#
#   benches/instructions.sh           release build, 10,000 + 10,000 profiles, writes target/bench-instructions.md
#   benches/instructions.sh --quick   debug build, 1,000 profiles (only checks that it runs)
set -euo pipefail
cd "$(dirname "$0")/.."
full_runs=()
# shellcheck source=setup.sh
. benches/setup.sh
need valgrind valgrind
floor="$target/examples/floor"
n=10000
[ $quick = 1 ] && n=1000

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$target/examples/generate_profiles" "$work/in" >/dev/null
export HOME="$work/home" AWSPROF_BACKUP_DIR="$work/backups" AWSPROF_STATE_DIR="$work/state"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN XDG_STATE_HOME
mkdir -p "$HOME/.aws"
cfg="$HOME/.aws/config"; creds="$HOME/.aws/credentials"
export AWS_CONFIG_FILE="$cfg" AWS_SHARED_CREDENTIALS_FILE="$creds"

count() { # command...; prints the instructions it ran
  # A line the front hands over (lint) runs on in awsprof-full after an
  # exec: followed there, the count is awsprof-full's own (callgrind
  # reports the last program the process ran; the front's part before
  # the exec, about 0.3 M, is left out).
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
    | awk '/Collected :/ {n = $4} END {print n}'
}
results="$repo/target/bench-instructions.md"
{
  echo "# benches/instructions.sh, $(date -u +%Y-%m-%d), $n-profile files"
  echo
  echo "| command | instructions | floor | floor instructions | ratio |"
  echo "| --- | --- | --- | --- | --- |"
} > "$results"
row() { # title, floor title, floor count, command...
  local title=$1 floor_title=$2 floor=$3; shift 3
  local got; got=$(count "$@")
  python3 -c 'import sys; t, ft, f, g = sys.argv[1:]; print("| %s | %s | %s | %s | %.2fx |" % (t, "{:,}".format(int(g)), ft, "{:,}".format(int(f)), int(g) / int(f)))' \
    "$title" "$floor_title" "$floor" "$got" | tee -a "$results"
}

cp "$work/in/config-$n" "$cfg"; cp "$work/in/credentials-10000" "$creds"
read_floor=$(count "$floor" read "$cfg" "$creds")
row "profile list" "read both files" "$read_floor" "$bin" profile list
row "lint" "read both files" "$read_floor" "$bin" lint
cp "$work/in/config-$n" "$work/config.orig"
edit_floor=$(count "$floor" edit "$cfg")
cp "$work/config.orig" "$cfg"
row "profile add-role (last profile, backup included)" "the edit" "$edit_floor" \
  "$bin" profile add-role p$((n - 2)) --role-arn arn:aws:iam::123456789012:role/bench --source-profile base --in config
cp "$work/in/config-chain-50" "$cfg"
printf '[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = base\n' > "$creds"
start_floor=$(count "$floor" start)
row "profile resolve, 50 hops" "start and exit" "$start_floor" "$bin" profile resolve hop50
