#!/usr/bin/env bash
# Runs every test: unit, conformance, file safety, and the end-to-end ones
# against a real moto server (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import moto, boto3, awscli' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check -r tests/support/requirements.txt
fi
if ! command -v aws >/dev/null 2>&1; then
  echo "scripts/test.sh: the AWS CLI is installed but 'aws' is not on PATH; add pip's script directory to PATH" >&2
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --tests --benches "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "%d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
