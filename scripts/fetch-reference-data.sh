#!/usr/bin/env bash
# Downloads the reference data the tests read (the AWS SDKs' shared suites,
# botocore's config fixtures) from each upstream repository at the commit
# pinned in scripts/reference-data.tsv, checks every file's sha256, and puts
# it where the tests look: $AWSPROF_REFERENCE_DIR, else ../shared beside
# the checkout.
#
#   scripts/fetch-reference-data.sh [--dest DIR] [--base-url URL] [--manifest FILE]
#
# --base-url: where OWNER/REPO/COMMIT/PATH is served (default
# https://raw.githubusercontent.com). A file whose hash differs is refused
# and nothing of it is written. Exit 0: every file in place; 1: a download
# or a hash failed (named); 2: bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=${AWSPROF_REFERENCE_DIR:-../shared}
base_url=https://raw.githubusercontent.com
manifest=scripts/reference-data.tsv
while [ $# -gt 0 ]; do
  case $1 in
    --dest) dest=$2; shift 2 ;;
    --base-url) base_url=${2%/}; shift 2 ;;
    --manifest) manifest=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-reference-data: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$manifest" ] || { echo "fetch-reference-data: no manifest $manifest" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 fetched=0 present=0
while IFS=$'\t' read -r target sha repo commit path; do
  case $target in ''|'#'*) continue ;; esac
  case $target in /*|*..*) echo "fetch-reference-data: $manifest: unsafe destination $target" >&2; exit 2 ;; esac
  out="$dest/$target"
  if [ -f "$out" ] && [ "$(sha256sum < "$out" | cut -d' ' -f1)" = "$sha" ]; then
    present=$((present + 1)); continue
  fi
  url="$base_url/$repo/$commit/$path"
  if ! curl --fail --silent --show-error --location --max-time 60 -o "$tmp/file" "$url"; then
    echo "fetch-reference-data: could not download $url" >&2; failed=$((failed + 1)); continue
  fi
  got=$(sha256sum < "$tmp/file" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "fetch-reference-data: $url: sha256 $got, expected $sha; refused, $target not written" >&2
    failed=$((failed + 1)); continue
  fi
  mkdir -p "$(dirname "$out")"
  mv -f "$tmp/file" "$out.fetch-tmp" && mv -f "$out.fetch-tmp" "$out"
  fetched=$((fetched + 1))
done < "$manifest"
echo "fetch-reference-data: $fetched fetched, $present already in place, $failed failed, in $dest"
[ "$failed" = 0 ]
