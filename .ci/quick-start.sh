#!/usr/bin/env bash
# The README's quick start, as a newcomer runs it in the clone CI is running in: `npm start` on a
# fresh data directory, /health within a time limit, one demo account signs in, Ctrl+C (SIGTERM)
# ends it with exit code 0. Any step that fails fails the run. Output: $1 (a log file).
set -uo pipefail
log=${1:-/dev/stdout}
limit=${QUICK_START_SECONDS:-240}
data_dir=$(mktemp -d)
port=3000
# The README's own port unless something on this machine already listens there.
if (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null; then port=$((3100 + RANDOM % 800)); fi
base="http://localhost:$port"

DATA_DIR="$data_dir" PORT=$port npm start >"$log" 2>&1 &
server=$!
fail() {
  echo "quick start FAILED: $*"
  echo "--- what npm start printed:"
  tail -n 40 "$log"
  kill -TERM "$server" 2>/dev/null
  sleep 2
  kill -KILL "$server" 2>/dev/null
  rm -rf "$data_dir"
  exit 1
}

started=$(date +%s)
until curl -sf "$base/health" >/dev/null; do
  kill -0 "$server" 2>/dev/null || fail "npm start ended before serving"
  [ $(($(date +%s) - started)) -lt "$limit" ] || fail "no /health within $limit s"
  sleep 1
done
echo "serving after $(($(date +%s) - started)) s on $base"

status=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  -d '{"email":"cliente@demo.libra.mx","password":"libra-demo-2026"}' "$base/v1/auth/login")
[ "$status" = 200 ] || fail "the demo customer's sign-in answered $status"
echo "cliente@demo.libra.mx signed in"

kill -TERM "$server"
wait "$server"
code=$?
[ "$code" = 0 ] || fail "npm start exited $code after SIGTERM"
echo "stopped with exit code 0"
rm -rf "$data_dir"
