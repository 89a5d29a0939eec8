#!/usr/bin/env bash
# Whole-command benchmarks with hyperfine, on generated real-world shaped
# files, side by side with the AWS CLI; peak memory with GNU time; verify
# with 1 and 20 checks against a local moto.
#
#   benches/commands.sh           release build, full runs, writes target/bench-results.md
#   benches/commands.sh --quick   debug build, 2 runs each: only checks that it still runs (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
full_runs=(--warmup 3 --min-runs 20)
# shellcheck source=setup.sh
. benches/setup.sh
generator="$target/examples/generate_profiles"
# The least a program must do for each job, timed in the same run.
floor="$target/examples/floor"

# shellcheck source=../tests/support/moto.sh
. tests/support/moto.sh
work=$(mktemp -d)
cleanup() { moto_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"$generator" "$work/in"
mkdir -p "$work/home/.aws"
results="$repo/target/bench-results.md"
: > "$results"

# Every command runs in a sandbox HOME with no AWS settings of the caller's.
export HOME="$work/home" AWSPROF_BACKUP_DIR="$work/backups" AWS_PAGER="" AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION XDG_STATE_HOME
cfg="$work/home/.aws/config"; creds="$work/home/.aws/credentials"
export AWS_CONFIG_FILE="$cfg" AWS_SHARED_CREDENTIALS_FILE="$creds"

bench() { # title, then hyperfine arguments
  local title=$1; shift
  echo "### $title" >> "$results"
  hyperfine "${runs[@]}" --style basic --export-markdown "$work/part.md" --export-json "$work/part.json" "$@"
  cat "$work/part.md" >> "$results"; echo >> "$results"
  ratios "$work/part.json" >> "$results"
}


# Every reader and check that runs on two threads needs the second one to
# start at once: how late a new thread starts while its creator works,
# spawned plainly and through awsprof's side_by_side.
{
  echo "### A new thread's start while its creator works 2 ms (examples/thread_start.rs)"
  echo
  echo '```'
  "$target/examples/thread_start" "$([ $quick = 1 ] && echo 3 || echo 200)"
  echo '```'
  echo
} >> "$results"

cp "$work/in/credentials-10000" "$creds"
for n in 1000 10000; do
  cp "$work/in/config-$n" "$cfg"
  bench "profile list, $n-profile config + 10,000-profile credentials" -N -n "list-$n" "$bin profile list" \
    -n "list-$n --output json (every profile's settings)" "$bin --output json profile list" \
    -n "floor: read both files" "$floor read $cfg $creds"
done

cp "$work/in/config-10000" "$cfg"
# A Tab runs awsprof once: it reads the headers of both files and offers
# the names starting with what was typed. The floor is reading the files.
complete_env="AWSPROF_COMPLETE=bash _CLAP_COMPLETE_INDEX=2"
bench "completion: Tab after \`awsprof exec p99\` and after \`awsprof exec \` (10,000 + 10,000 profiles)" -N \
  -n "complete p99 (111 names)" "env $complete_env $bin -- awsprof exec p99" \
  -n "complete everything (20,000 names)" "env $complete_env $bin -- awsprof exec ''" \
  -n "floor: cat both files" "cat $cfg $creds"
# sync: the edit's own fsyncs should not pay for flushing the copy the
# benchmark just made.
# The second floor adds the least a durable backup of both files needs
# (see examples/floor.rs): what add-role's backup costs at the limit.
reset="cp $work/in/config-10000 $cfg; rm -rf $work/backups $work/floor-backups; sync"
bench "profile add-role on the 10,000-profile config: first vs last profile, and the edit's floor" \
  -N --prepare "bash -c '$reset'" \
  -n "floor: read, write a changed copy, fsync, rename, fsync the directory" "$floor edit $cfg" \
  -n "floor: the same edit after the least durable backup of both files" "$floor backed-up-edit $cfg $creds $work/floor-backups" \
  -n "add-role first (p2)" "$bin profile add-role p2 --role-arn arn:aws:iam::123456789012:role/bench --source-profile base --in config" \
  -n "add-role last (p9998)" "$bin profile add-role p9998 --role-arn arn:aws:iam::123456789012:role/bench --source-profile base --in config"

# A later backup: the backups of the runs before it are kept, so the
# credentials file the edit leaves in place is linked to the newest
# backup's copy instead of copied again.
reset_later="cp $work/in/config-10000 $cfg; rm -rf $work/floor-backups; sync"
rm -rf "$work/backups"
bench "profile add-role on the 10,000-profile config, a later backup" \
  -N --prepare "bash -c '$reset_later'" \
  -n "floor: read, write a changed copy, fsync, rename, fsync the directory" "$floor edit $cfg" \
  -n "floor: the same edit after the least durable backup of both files" "$floor backed-up-edit $cfg $creds $work/floor-backups" \
  -n "add-role last (p9998), earlier backups kept" "$bin profile add-role p9998 --role-arn arn:aws:iam::123456789012:role/bench --source-profile base --in config"

bench "the same edit: aws configure set vs awsprof add-role (10,000-profile config)" \
  --prepare "$reset" \
  -n "aws configure set" "python3 -m awscli configure set profile.p9998.role_arn arn:aws:iam::123456789012:role/bench" \
  -n "awsprof add-role" "$bin profile add-role p9998 --role-arn arn:aws:iam::123456789012:role/bench --source-profile base --in config"

cp "$work/in/config-chain-50" "$cfg"
printf '[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = base\n' > "$creds"
bench "profile resolve and show, 50-hop chain (whole process)" -N -n "resolve 50 hops" "$bin profile resolve hop50" \
  -n "show hop50" "$bin profile show hop50" \
  -n "floor: a Rust binary that starts and exits" "$floor start"
# lint on the 10,000 + 10,000 files, against reading them (the target's
# floor) and against the least parse that holds every profile by name.
cp "$work/in/config-10000" "$cfg"; cp "$work/in/credentials-10000" "$creds"
bench "lint, 10,000-profile config + 10,000-profile credentials" -N -i -n "lint 10,000 + 10,000" "$bin lint" \
  -n "lint 10,000 + 10,000 --output json" "$bin --output json lint" \
  -n "floor: read both files" "$floor read $cfg $creds" \
  -n "floor: parse both files into sections by name, no checks" "$floor parse $cfg $creds"
# Another tool's key in every profile (granted's, here): each unknown
# key is checked for a typo of a known one.
awk '/^\[profile /{ print; print "granted_sso_account_id = 100000000000"; next } { print }' \
  "$work/in/config-10000" > "$work/config-other-keys"
bench "lint and list, another tool's key in every profile of the 10,000-profile config (+ 10,000-profile credentials)" -N -i \
  -n "lint" "env AWS_CONFIG_FILE=$work/config-other-keys $bin lint" \
  -n "list --output json (every profile's settings, secrets masked)" "env AWS_CONFIG_FILE=$work/config-other-keys $bin --output json profile list" \
  -n "floor: read both files" "$floor read $work/config-other-keys $creds"
# Without the credentials file, a third of the profiles name a source
# that does not exist: each finding carries its "did you mean" hint, found
# among all 10,000 names. One missing name for all of them, then a name of
# its own for each, then one of its own close to a profile's (p1-old:
# did you mean p1?).
rm "$creds"; : > "$work/empty"
awk '/^source_profile = base$/ { n++; print "source_profile = src-" n; next } { print }' \
  "$work/in/config-10000" > "$work/config-own-missing"
awk '/^source_profile = base$/ { n++; print "source_profile = p" n "-old"; next } { print }' \
  "$work/in/config-10000" > "$work/config-close-missing"
bench "lint, 10,000-profile config, no credentials file: 3,333 profiles name a missing source" -N -i \
  -n "lint, one missing name" "$bin lint" \
  -n "lint, a missing name for each" "env AWS_CONFIG_FILE=$work/config-own-missing $bin lint" \
  -n "lint, a missing name for each, close to a profile's" "env AWS_CONFIG_FILE=$work/config-close-missing $bin lint" \
  -n "floor: read the config file" "$floor read $cfg $work/empty"
# rename and delete check every profile's chain for what the edit breaks.
bench "profile rename and delete on the 10,000-profile config, no credentials file" \
  -N --prepare "bash -c '$reset'" \
  -n "floor: read, write a changed copy, fsync, rename, fsync the directory" "$floor edit $cfg" \
  -n "rename p9997" "$bin profile rename p9997 p9997-renamed" \
  -n "delete p9995" "$bin profile delete p9995"
cp "$work/in/config-chain-50" "$cfg"
printf '[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = base\n' > "$creds"
# lint judges every profile's chain: a 10,000-hop chain and a
# 10,000-profile loop are its worst case (exit 1: the loop is an error).
cp "$work/in/config-chain-loop-10000" "$cfg"
bench "lint, 10,000-hop chain + 10,000-profile loop" -i -n "lint chain+loop" "$bin lint"
lint_rss=$( { /usr/bin/time -f %M "$bin" lint >/dev/null || true; } 2>&1 | tail -1)
echo "lint chain+loop peak RSS: ${lint_rss} KB" >> "$results"; echo >> "$results"
cp "$work/in/credentials-10000" "$creds"
# With the credentials file: 3,333 role profiles stand on `base`, so its
# rename repoints and checks each of them.
reset_both="cp $work/in/config-10000 $cfg; cp $work/in/credentials-10000 $creds; rm -rf $work/backups $work/floor-backups; sync"
bench "profile rename, delete and copy on the 10,000 + 10,000 files" \
  -N --prepare "bash -c '$reset_both'" \
  -n "floor: read, write a changed copy, fsync, rename, fsync the directory" "$floor edit $cfg" \
  -n "rename p9997" "$bin profile rename p9997 p9997-renamed" \
  -n "delete p9995" "$bin profile delete p9995" \
  -n "copy p9997" "$bin profile copy p9997 p9997-copy" \
  -n "rename base (3,333 profiles stand on it)" "$bin profile rename base base2"
cp "$work/in/credentials-10000" "$creds"

{
  echo "### Peak memory (GNU time, max RSS)"
  echo
  echo "| command | peak RSS |"
  echo "| --- | --- |"
  cp "$work/in/config-10000" "$cfg"
  kb=$( { /usr/bin/time -f %M "$bin" profile list >/dev/null; } 2>&1 | tail -1); echo "| profile list (10,000 + 10,000) | $((kb / 1024)) MB ($kb KB) |"
  kb=$( { /usr/bin/time -f %M "$bin" profile add-role p9998 --role-arn arn:aws:iam::123456789012:role/m --source-profile base --in config >/dev/null; } 2>&1 | tail -1); echo "| profile add-role (10,000) | $((kb / 1024)) MB ($kb KB) |"
  echo
} >> "$results"

# verify: 1 check vs 20 checks, one process each, against one moto.
moto_start "$work"
world=$(python3 tests/support/moto_world.py --endpoint "$MOTO_ENDPOINT" --role-allow 'ec2:Describe*')
python3 - "$world" "$creds" "$cfg" <<'PY'
import json, sys
w, creds, cfg = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
open(creds, "w").write("[tanaka]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (w["tanaka"]["access_key_id"], w["tanaka"]["secret_access_key"]))
open(cfg, "w").write("[profile bench]\nrole_arn = %s\nsource_profile = tanaka\n" % w["toy_role_arn"])
PY
export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
# moto answers most Describe calls in a few ms, but four take 0.3 to 1.4 s
# of its own CPU (DescribeInstanceTypes lists ~1,000 types); they are left
# out of the like-for-like run and measured on their own below.
slow='ec2:DescribeInstanceTypes|ec2:DescribeAccountAttributes|ec2:DescribeSnapshots|ec2:DescribePlacementGroups'
twenty=$("$bin" profile verify --list-actions | awk -v slow="^($slow)\$" '/read-only/ && $1 ~ /^ec2:/ && $1 !~ slow {print "--allow " $1}' | head -20 | tr '\n' ' ')
"$bin" profile whoami bench >/dev/null  # fills the session cache: both runs measure the checks
bench "verify: 1 check vs 20 checks, against the same moto" \
  -n "verify, 1 check" "$bin profile verify bench --allow ec2:DescribeVpcs" \
  -n "verify, 20 checks" "$bin profile verify bench $twenty"
bench "verify: moto's slowest call alone vs 20 checks that include it (concurrency)" \
  -n "verify, DescribeInstanceTypes alone" "$bin profile verify bench --allow ec2:DescribeInstanceTypes" \
  -n "verify, 20 checks with it" "$bin profile verify bench --allow ec2:DescribeInstanceTypes $(echo "$twenty" | cut -d' ' -f1-38)"

# credential-process is on the path of every AWS call made through it: a
# warm cache must answer with no call and no async runtime.
"$bin" credential-process bench >/dev/null
bench "credential-process (warm cache) vs the AWS CLI's own start-up" -N \
  -n "floor: a Rust binary that starts and exits" "$floor start" \
  -n "awsprof credential-process, role from the warm cache" "$bin credential-process bench" \
  -n "awsprof credential-process, static keys" "$bin credential-process tanaka" \
  -n "aws --version (the AWS CLI's start-up alone)" "python3 -m awscli --version"

# moto serves one request at a time in Python: its own CPU per run shows
# how much of a run no client-side concurrency can hide.
moto_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$MOTO_PID/stat"; }
cpu_runs=$([ $quick = 1 ] && echo 2 || echo 20)
{
  echo "### moto's own CPU per verify run (/proc/PID/stat, $cpu_runs runs each)"
  echo
  echo "| run | moto CPU per run |"
  echo "| --- | --- |"
  for label in "1 check|--allow ec2:DescribeVpcs" "20 checks|$twenty"; do
    before=$(moto_cpu_ms)
    # shellcheck disable=SC2086 # the checks are separate arguments
    for _ in $(seq "$cpu_runs"); do "$bin" profile verify bench ${label#*|} >/dev/null; done
    after=$(moto_cpu_ms)
    echo "| ${label%%|*} | $(awk -v a="$before" -v b="$after" -v n="$cpu_runs" 'BEGIN { printf "%.1f ms", (b - a) / n }') |"
  done
  echo
} >> "$results"

echo "Results: $results"
[ $quick = 1 ] || cat "$results"
