#!/usr/bin/env python3
"""The FastCGI scenario (issue 15): wrk through ferry and through HAProxy 2.6 to the same PHP-FPM
pools (two pools of static workers on UNIX sockets, a one-line PHP page), keep-alive clients,
FastCGI connections kept (option keep-conn). Reports requests/s and each proxy's CPU per
request (user + system, from /proc), alternating the proxies over --reps runs.

    python3 bench/fpm.py [--build build] [--duration 5] [--conns 20] [--reps 3]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

CONFIG = """global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
fcgi-app php
    docroot {dir}/www
    index index.php
    option keep-conn
frontend fe
    bind 127.0.0.1:{port}
    default_backend php
backend php
    use-fcgi-app php
{servers}"""

POOL = """[{name}]
listen = {dir}/{name}.sock
listen.backlog = 4096
pm = static
pm.max_children = {children}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, what, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.02)
    raise SystemExit("timed out waiting for " + what)


def connects(addr):
    family = socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET
    try:
        with socket.socket(family) as s:
            s.connect(addr)
        return True
    except OSError:
        return False


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(port, a):
    out = subprocess.run(["wrk", "-t1", "-c%d" % a.conns, "-d%gs" % a.duration,
                          "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, total, errors + (int(non2xx.group(1)) if non2xx else 0)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--duration", type=float, default=5)
    p.add_argument("--conns", type=int, default=20)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--children", type=int, default=10,
                   help="PHP workers per pool (keep-conn holds one per kept connection: "
                   "2 pools x children must cover --conns)")
    a = p.parse_args()
    d = tempfile.mkdtemp(prefix="fpm-bench.")
    procs = []
    try:
        os.mkdir(d + "/www")
        with open(d + "/www/index.php", "w") as f:
            f.write("<?php echo \"hello\\n\";\n")
        pools = ["p1", "p2"]
        with open(d + "/fpm.conf", "w") as f:
            f.write("[global]\nerror_log = %s/fpm.log\ndaemonize = no\n" % d)
            for name in pools:
                f.write(POOL.format(name=name, dir=d, children=a.children))
        fpm = ["php-fpm8.2", "-F", "-y", d + "/fpm.conf", "-p", d]
        if os.geteuid() == 0:
            fpm.append("-R")
        procs.append(subprocess.Popen(fpm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for name in pools:
            wait_for(lambda: connects("%s/%s.sock" % (d, name)), "php-fpm")
        servers = "".join("    server %s %s/%s.sock proto fcgi\n" % (n, d, n) for n in pools)
        # One proxy at a time: with keep-conn, the connections a proxy keeps hold PHP workers
        # (one each) until it stops, which the other proxy would wait for.
        argvs = {"ferry": [os.path.join(a.build, "ferry"), "-db", "-f"],
                 "haproxy": [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f"]}
        results = {name: [] for name in argvs}
        for rep in range(a.reps):
            for name, argv in argvs.items():
                port = free_port()
                path = "%s/%s.cfg" % (d, name)
                with open(path, "w") as f:
                    f.write(CONFIG.format(dir=d, port=port, servers=servers))
                proc = subprocess.Popen(argv + [path], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                wait_for(lambda: connects(("127.0.0.1", port)), name)
                before = cpu_seconds(proc.pid)
                rate, total, errors = run_wrk(port, a)
                cpu = cpu_seconds(proc.pid) - before
                proc.terminate()
                proc.wait(10)
                results[name].append((rate, cpu * 1e6 / max(total, 1), errors))
                print("rep %d %-7s %9.0f req/s  %6.1f us CPU/request  %d errors"
                      % (rep + 1, name, rate, cpu * 1e6 / max(total, 1), errors), flush=True)
        print()
        for name, runs in results.items():
            rates = sorted(r[0] for r in runs)
            cpus = sorted(r[1] for r in runs)
            print("%-7s median %9.0f req/s  %6.1f us CPU/request  errors %d"
                  % (name, rates[len(rates) // 2], cpus[len(cpus) // 2], sum(r[2] for r in runs)))
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
