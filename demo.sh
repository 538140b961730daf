#!/usr/bin/env bash
# Builds ferry (Release, into build/) and runs the quick start: three demo services on UNIX
# sockets in a temp dir, ferry in front of them on 127.0.0.1:$FERRY_DEMO_PORT (default 8080).
# Exits non-zero, after stopping what it started, when a demo service or ferry fails to start.
# Ctrl-C stops everything.
#   FERRY_DEMO_PORT=N     the TCP port ferry listens on (default 8080)
#   FERRY_DEMO_BIN_DIR=D  use ferry, ferryctl and demo-backend already built in D (no build step)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

export FERRY_DEMO_PORT=${FERRY_DEMO_PORT:-8080}
if ! [[ $FERRY_DEMO_PORT =~ ^[0-9]+$ ]] || ((FERRY_DEMO_PORT < 1 || FERRY_DEMO_PORT > 65535)); then
  echo "demo: FERRY_DEMO_PORT='$FERRY_DEMO_PORT' is not a TCP port (1-65535)" >&2
  exit 2
fi

bin=${FERRY_DEMO_BIN_DIR:-build}
if [[ -z ${FERRY_DEMO_BIN_DIR:-} ]]; then
  source scripts/packages.sh
  scripts/install-deps.sh "${BUILD_PACKAGES[@]}" socat netcat-openbsd
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc)" --target ferry ferryctl demo-backend
fi

export FERRY_DEMO_DIR
FERRY_DEMO_DIR=$(mktemp -d /tmp/ferry-demo.XXXXXX)
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$FERRY_DEMO_DIR"
  echo "demo stopped; $FERRY_DEMO_DIR removed"
}
trap cleanup INT TERM EXIT

fail() {
  echo "demo: $*" >&2
  exit 1
}

# Waits up to 10 s for COMMAND to succeed while process PID lives; 1 if PID exited first.
wait_for() {  # PID COMMAND...
  local pid=$1; shift
  for _ in $(seq 200); do
    "$@" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

backend_pids=()
for n in 1 2 3; do
  "$bin/demo-backend" "app$n" "$FERRY_DEMO_DIR/app$n.sock" &
  pids+=($!)
  backend_pids+=("app$n=$!")
done
for n in 1 2 3; do
  wait_for "${pids[n - 1]}" test -S "$FERRY_DEMO_DIR/app$n.sock" ||
    fail "demo service app$n did not start (see its message above)"
done

"$bin/ferry" -db -f examples/quickstart.cfg &
ferry_pid=$!
pids+=("$ferry_pid")
# Ready once the admin socket answers: ferry binds every listener before it serves any.
if ! wait_for "$ferry_pid" "$bin/ferryctl" -s "$FERRY_DEMO_DIR/admin.sock" status >/dev/null; then
  if kill -0 "$ferry_pid" 2>/dev/null; then
    fail "ferry (pid $ferry_pid) did not answer on its admin socket within 10 s"
  fi
  status=0
  wait "$ferry_pid" || status=$?
  fail "ferry failed to start (exit status $status; its message is above)." \
    "If port $FERRY_DEMO_PORT is taken, run FERRY_DEMO_PORT=<free port> ./demo.sh"
fi

port=$FERRY_DEMO_PORT
cat <<INFO

ferry demo: 127.0.0.1:$port -> backend 'app' (roundrobin over 3 UNIX-socket services in $FERRY_DEMO_DIR)
pids: ferry $ferry_pid, demo services ${backend_pids[*]}

Try, in another terminal, from the repository root ($root):
  nc 127.0.0.1 $port                      # greeted by app1, app2, app3 in turn; type a line, it echoes
  for i in 1 2 3 4 5 6; do nc -q1 127.0.0.1 $port </dev/null; done
  kill ${backend_pids[1]#app2=}                           # app2 vanishes: checks take it DOWN, no client error

The admin socket speaks HAProxy's runtime API:
  $bin/ferryctl -s $FERRY_DEMO_DIR/admin.sock status
  $bin/ferryctl -s $FERRY_DEMO_DIR/admin.sock disable app/app1 --wait 10s   # drain app1
  $bin/ferryctl -s $FERRY_DEMO_DIR/admin.sock enable app/app1
  echo "show stat" | socat stdio UNIX-CONNECT:$FERRY_DEMO_DIR/admin.sock
  FERRY_DEMO_DIR=$FERRY_DEMO_DIR FERRY_DEMO_PORT=$port $bin/ferry -c -f examples/quickstart.cfg   # check the config

Each connection is logged below (option tcplog). Ctrl-C stops ferry and the demo services.

INFO
status=0
wait "$ferry_pid" || status=$?
exit "$status"
