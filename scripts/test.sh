#!/usr/bin/env bash
# Runs every test: unit, conformance, file safety, and the end-to-end ones
# against a real moto server (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import moto, boto3, awscli' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check -r tests/support/requirements.txt
fi
# The vault's OS-store tests run a real Secret Service: gnome-keyring in a
# D-Bus session of their own, checked from outside with secret-tool.
missing=()
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
command -v secret-tool >/dev/null 2>&1 || missing+=(libsecret-tools)
# tests/durability.rs watches the write path's fsyncs and renames.
command -v strace >/dev/null 2>&1 || missing+=(strace)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "scripts/test.sh: the tests need ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
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
# Reference data from other repositories (README, "Conformance and
# reference data"): say which cases did not run, so that ignored tests are
# not mistaken for passes. Under CI=true missing data fails instead.
fetch="get them with scripts/fetch-reference-data.sh, or point AWSPROF_REFERENCE_DIR at them"
missing_reference() { # the ignore reason, what did not run, how to get it
  if grep -q "ignored, $1" "$log"; then
    echo "Not run: $2 ($1); $3."
  fi
}
missing_reference 'the SDK conformance suites were not found' \
  "102 cases of the AWS SDKs' shared suites (65 parser + 9 file location + 28 assume-role)" "$fetch"
missing_reference "botocore's config fixtures were not found" \
  "lint on botocore's config fixtures" "$fetch"
missing_reference "the AWS CLI's writer and export cases were not found" \
  "the AWS CLI's 30 writer cases and its v2 export formats (3 tests)" \
  "these are extracted from the AWS CLI's tests, not fetched: point AWSPROF_REFERENCE_DIR at a directory holding peer/ (as ../shared does)"
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "%d passed, %d failed", passed, failed
           if (ignored > 0) printf ", %d skipped", ignored
           printf "\n" }' "$log"
exit "$status"
