# Sourced by the benchmark scripts after `cd` to the repository, with the
# script's arguments and `full_runs` (hyperfine's run options for a full
# run): reads --quick, installs what is missing (hyperfine, the Python
# tools), builds, and sets quick, repo, bin, target and runs.
#   full run:  release build, "${full_runs[@]}"
#   --quick:   debug build, 2 runs each, only to check that it still runs (CI)
repo=$(pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1
need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
  else echo "$(basename "$0"): install $2 (apt-get install $2)" >&2; exit 1; fi
}
need hyperfine hyperfine
python3 -c 'import moto, boto3, awscli' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check -r tests/support/requirements.txt
if [ $quick = 1 ]; then
  profile_flag=(); target="${CARGO_TARGET_DIR:-$repo/target}/debug"; runs=(--runs 2 --warmup 0)
else
  profile_flag=(--release); target="${CARGO_TARGET_DIR:-$repo/target}/release"; runs=("${full_runs[@]}")
fi
bin="$target/awsprof"
# The same targets in every script, so that they share one build.
cargo build --quiet "${profile_flag[@]}" --bins --example generate_profiles --example floor --example thread_start

# Each command's median as a ratio to each of the run's floors (the
# commands named "floor: ...", the first the one the targets name), when
# the run has one.
ratios() {
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floors = [r for r in results if r["command"].startswith("floor:")]
if floors:
    print("| command | median |" + "".join(" ratio to floor %d |" % (i + 1) for i in range(len(floors))))
    print("| --- | --- |" + " --- |" * len(floors))
    for r in results:
        ratios = "".join(" %.2fx |" % (r["median"] / f["median"]) for f in floors)
        print("| %s | %.2f ms |%s" % (r["command"], r["median"] * 1000, ratios))
    print()
    for i, f in enumerate(floors):
        print("- floor %d: %s" % (i + 1, f["command"][len("floor: "):]))
    print()
PY
}
