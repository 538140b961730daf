#!/usr/bin/env bash
# Builds ferry (Release, into build/) and runs the quick start: three demo services on UNIX
# sockets in a temp dir, ferry in front of them on 127.0.0.1:8080. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/packages.sh
scripts/install-deps.sh "${BUILD_PACKAGES[@]}" socat netcat-openbsd

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target ferry ferryctl demo-backend

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

for n in 1 2 3; do
  build/demo-backend "app$n" "$FERRY_DEMO_DIR/app$n.sock" &
  pids+=($!)
done

cat <<INFO

ferry demo: 127.0.0.1:8080 -> backend 'app' (roundrobin over 3 UNIX-socket services in $FERRY_DEMO_DIR)

Try, in another terminal:
  nc 127.0.0.1 8080                      # greeted by app1, app2, app3 in turn; type a line, it echoes
  for i in 1 2 3 4 5 6; do nc -q1 127.0.0.1 8080 </dev/null; done
  kill \$(pgrep -f 'demo-backend app2')   # app2 vanishes: checks take it DOWN, no client error

The admin socket speaks HAProxy's runtime API:
  build/ferryctl -s $FERRY_DEMO_DIR/admin.sock status
  build/ferryctl -s $FERRY_DEMO_DIR/admin.sock disable app/app1 --wait 10s   # drain app1
  build/ferryctl -s $FERRY_DEMO_DIR/admin.sock enable app/app1
  echo "show stat" | socat stdio UNIX-CONNECT:$FERRY_DEMO_DIR/admin.sock
  build/ferry -c -f examples/quickstart.cfg   # check a config

Each connection is logged below (option tcplog). Ctrl-C stops ferry and the demo services.

INFO
build/ferry -db -f examples/quickstart.cfg &
pids+=($!)
wait "${pids[-1]}" || true
