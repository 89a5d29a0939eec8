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
cargo test --no-fail-fast --tests --benches "$@" 2>&1 | tee "$log" || status=$?
# The README's demo, end to end, from a copy built into this target dir
# (outside cargo test: a nested build would wait on its lock).
if [ $# -eq 0 ]; then
  tests/demo_in_copy.sh 2>&1 | tee -a "$log" || status=1
fi
# Reference data read from ../shared (see README): say once when the SDK
# suites were not there, so that ignored tests are not mistaken for passes.
if grep -q 'conformance suites were not found' "$log"; then
  echo "The AWS SDK conformance suites were not found: 102 cases (65 + 9 + 28) did not run." \
       "Point AWSPROF_CONFORMANCE_DIR at them (README, \"Conformance and reference data\")."
fi
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "%d passed, %d failed", passed, failed
           if (ignored > 0) printf ", %d skipped", ignored
           printf "\n" }' "$log"
exit "$status"
