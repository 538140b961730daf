#!/usr/bin/env python3
"""What one Prometheus scrape costs ferry (issue 14: 1,000 servers under 50 ms).

  python3 bench/metrics_scrape.py [--ferry build/ferry] [--servers 1000] [--backends 10]
                                  [--scrapes 50] [--haproxy]

Writes a config with SERVERS servers spread over BACKENDS backends (UNIX sockets nobody listens
on, no health checks: the exporter's work does not depend on their state), a `mode http`
frontend with `http-request use-service prometheus-exporter`, starts ferry (and with --haproxy
Debian's haproxy on the same config), scrapes /metrics SCRAPES times one after the other over a
new connection each (as Prometheus does after an idle interval) and prints the time from
sending the request to the answer's last byte: median, p90, max, and the size of the answer.
Also the stats page (`;csv` and the HTML) for the same objects.
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

CONFIG = """global
    maxconn 200
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend metrics
    bind 127.0.0.1:{port}
    http-request use-service prometheus-exporter
frontend page
    bind 127.0.0.1:{page_port}
    stats enable
    stats uri /
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, target):
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(f"GET {target} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    elapsed = (time.perf_counter() - start) * 1000
    if b" 200 " not in data[:20]:
        sys.exit(f"GET {target}: {data[:200]!r}")
    return elapsed, len(data)


def wait_listening(port, deadline=10):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


def measure(name, port, target, scrapes):
    times, size = [], 0
    fetch(port, target)  # warm-up
    for _ in range(scrapes):
        t, size = fetch(port, target)
        times.append(t)
    times.sort()
    print(f"{name:28} median {statistics.median(times):7.2f} ms  p90 "
          f"{times[int(len(times) * 0.9) - 1]:7.2f} ms  max {times[-1]:7.2f} ms  "
          f"{size / 1e6:6.2f} MB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferry", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                     "ferry"))
    ap.add_argument("--servers", type=int, default=1000)
    ap.add_argument("--backends", type=int, default=10)
    ap.add_argument("--scrapes", type=int, default=50)
    ap.add_argument("--haproxy", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        port, page_port = free_port(), free_port()
        text = CONFIG.format(port=port, page_port=page_port)
        per = args.servers // args.backends
        for b in range(args.backends):
            text += f"backend be{b}\n"
            for s in range(per):
                text += f"    server s{s} unix@{d}/b{b}s{s}.sock\n"
        cfg = os.path.join(d, "bench.cfg")
        with open(cfg, "w") as f:
            f.write(text)
        targets = [("ferry", [args.ferry, "-db", "-f", cfg])]
        if args.haproxy:
            targets.append(("haproxy", ["haproxy", "-db", "-f", cfg]))
        print(f"{args.servers} servers in {args.backends} backends, {args.scrapes} scrapes")
        for name, argv in targets:
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_listening(port)
                measure(f"{name} /metrics", port, "/metrics", args.scrapes)
                if name == "ferry":
                    measure(f"{name} stats page (HTML)", page_port, "/", args.scrapes)
                    measure(f"{name} stats page ;csv", page_port, "/;csv", args.scrapes)
            finally:
                proc.terminate()
                proc.wait()


if __name__ == "__main__":
    main()
