#!/usr/bin/env bash
# Growth with the number of profiles (issue 29, item 4): profile list,
# lint and profile add-role (the profile before the last, as in
# commands.sh) on configs of 100, 1,000, 10,000 and 100,000 profiles (a
# credentials file with the one base profile they use), medians of runs
# that take the sizes in turn (benches/interleaved.py), and each step's
# ratio: linear growth is 10x a step, and the 100,000 file must take at
# most 11x the 10,000 one.
#
#   benches/growth.sh           release build, up to 100,000 profiles, writes target/bench-growth.md
#   benches/growth.sh --quick   debug build, 2 runs each, up to 10,000 (only checks that it runs)
set -euo pipefail
cd "$(dirname "$0")/.."
# setup.sh reads hyperfine's options from full_runs; this script times
# with benches/interleaved.py instead (interleaved_runs, below).
full_runs=()
# shellcheck source=setup.sh
. benches/setup.sh
sizes=(100 1000 10000)
[ $quick = 1 ] || sizes+=(100000)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$target/examples/generate_profiles" "$work/in" 100000 >/dev/null
export HOME="$work/home" AWSPROF_BACKUP_DIR="$work/backups" AWSPROF_STATE_DIR="$work/state"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN XDG_STATE_HOME
mkdir -p "$HOME/.aws"
cfg="$HOME/.aws/config"; creds="$HOME/.aws/credentials"
export AWS_CONFIG_FILE="$cfg" AWS_SHARED_CREDENTIALS_FILE="$creds"
printf '[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = base\n' > "$creds"

results="$repo/target/bench-growth.md"
{ echo "# benches/growth.sh, $(date -u +%Y-%m-%d)"; echo; echo "| profiles | list | lint | add-role |"; echo "| --- | --- | --- | --- |"; } > "$results"
# The sizes of each command are taken in turn (benches/interleaved.py):
# measured apart, minutes apart, each step would also measure how the
# machine's speed drifted in between.
interleaved_runs=$([ $quick = 1 ] && echo 2 || echo 20)
declare -A list lint edit
medians() { # array name, then NAME PREPARE COMMAND for each size
  local -n into=$1; shift
  local out  # assigned apart, so that a failed run stops the script
  out=$(python3 benches/interleaved.py "$interleaved_runs" "$@")
  while IFS=$'\t' read -r n ms; do into[$n]=$ms; done <<< "$out"
}
args=()
for n in "${sizes[@]}"; do cp "$work/in/config-$n" "$work/config-$n"; args+=("$n" "" "AWS_CONFIG_FILE=$work/config-$n $bin profile list"); done
medians list "${args[@]}"
args=()
for n in "${sizes[@]}"; do args+=("$n" "" "AWS_CONFIG_FILE=$work/config-$n $bin lint"); done
medians lint "${args[@]}"
args=()
# sync: the edit's own fsyncs should not pay for flushing the copy.
for n in "${sizes[@]}"; do
  args+=("$n" "cp $work/in/config-$n $cfg; rm -rf $work/backups; sync" "$bin profile add-role p$((n - 2)) --role-arn arn:aws:iam::123456789012:role/bench --source-profile base --in config")
done
medians edit "${args[@]}"
for n in "${sizes[@]}"; do
  echo "| $n | ${list[$n]} ms | ${lint[$n]} ms | ${edit[$n]} ms |" >> "$results"
done
{
  echo
  echo "| step | list | lint | add-role |"
  echo "| --- | --- | --- | --- |"
  prev=""
  for n in "${sizes[@]}"; do
    if [ -n "$prev" ]; then
      r() { python3 -c "print('%.1fx' % ($1 / $2))"; }
      echo "| $prev -> $n | $(r "${list[$n]}" "${list[$prev]}") | $(r "${lint[$n]}" "${lint[$prev]}") | $(r "${edit[$n]}" "${edit[$prev]}") |"
    fi
    prev=$n
  done
} >> "$results"
echo "wrote $results"
[ $quick = 1 ] || cat "$results"
