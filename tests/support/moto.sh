# Sourced by demo/walkthrough.sh and benches/commands.sh: a moto server on a
# free loopback port with IAM enforced after three unsigned bootstrap calls,
# stopped by its PID (moto_stop, also from an EXIT trap).
# Sets MOTO_PID, MOTO_PORT and MOTO_ENDPOINT; logs to "$1/moto.log".

moto_start() {
  local log_dir=$1
  MOTO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MOTO_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
  INITIAL_NO_AUTH_ACTION_COUNT=3 python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >"$log_dir/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('$MOTO_ENDPOINT/moto-api/', timeout=1)" 2>/dev/null && return 0
    kill -0 "$MOTO_PID" 2>/dev/null || { cat "$log_dir/moto.log" >&2; return 1; }
    sleep 0.2
  done
  echo "moto did not answer on $MOTO_ENDPOINT" >&2
  return 1
}

moto_stop() {
  if [ -n "${MOTO_PID:-}" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
    MOTO_PID=""
  fi
}
