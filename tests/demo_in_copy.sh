#!/usr/bin/env bash
# Runs the README's demo from a copy of the sources that has no target/,
# with CARGO_TARGET_DIR pointing at this checkout's build: the demo must
# find the binary its own build produced, wherever that is. Also checks
# that it passes, prints no secret and leaves ~/.aws alone. Prints one
# line in cargo's format so scripts/test.sh counts it.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
target_dir=$(cd "$repo" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
copy=$(mktemp -d)
log=$(mktemp)
secrets=$(mktemp)
trap 'rm -rf "$copy" "$log" "$secrets"' EXIT
(cd "$repo" && git ls-files -z | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$copy"
# Every file under the real ~/.aws, with its size, mode and time.
aws_listing() { find "$HOME/.aws" -printf '%P %s %m %T@\n' 2>/dev/null | sort || true; }
aws_before=$(aws_listing)

status=0
why=""
AWSPROF_DEMO_SECRETS_OUT="$secrets" AWSPROF_CONFORMANCE_DIR="${AWSPROF_CONFORMANCE_DIR:-$repo/../shared/conformance}" CARGO_TARGET_DIR="$target_dir" NO_COLOR=1 timeout 600 "$copy/demo/walkthrough.sh" >"$log" 2>&1 || { status=$?; why="the demo exited $status"; }
if [ $status = 0 ]; then
  grep -q '^  PASS: 3 checks, 3 as expected' "$log" || why="the final verify did not pass"
  # Every secret the sandbox held (two keys and a session at least), in
  # whatever layout the demo might print it.
  if [ "$(grep -c . "$secrets")" -lt 3 ]; then
    why="the demo left fewer than 3 secrets to look for: the check would prove nothing"
  elif grep -Fq -f "$secrets" "$log"; then
    why="a secret was printed"
  fi
  [ "$(aws_listing)" = "$aws_before" ] || why="~/.aws was touched"
fi
if [ -n "$why" ]; then
  echo "demo_in_copy: FAILED: $why; its output:" >&2
  sed 's/^/  | /' "$log" >&2
  echo "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out"
  exit 1
fi
echo "demo_in_copy: the walkthrough demo ran from a copy with CARGO_TARGET_DIR=$target_dir"
echo "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"
