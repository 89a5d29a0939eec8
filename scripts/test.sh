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
cargo test --all-targets "$@"
