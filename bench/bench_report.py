"""The table bench/run.py prints and keeps in bench/RESULTS.md: medians, ratios, the issue's
targets met or missed (and by how much), the machine, the versions and the exact commands."""

import os
import platform
import resource
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
GIB = 1 << 30
TARGETS = ("direct", "direct-tcp", "ferry", "haproxy")
TARGET_TITLES = {"direct": "direct (UNIX)", "direct-tcp": "direct (TCP)", "ferry": "ferry",
                 "haproxy": "HAProxy 2.6"}


# Targets from the issue, as (scenario, metric, kind, bound): kind "vs_haproxy_min" means
# ferry/haproxy >= bound, "vs_haproxy_max" ferry/haproxy <= bound, "vs_direct_min" ferry/direct >= bound.
GOALS = [
    ("bulk1", "gbps", "vs_haproxy_min", 2.0), ("bulk1", "gbps", "vs_direct_min", 0.6),
    ("bulk8", "gbps", "vs_haproxy_min", 2.0), ("bulk8", "gbps", "vs_direct_min", 0.6),
    ("rr", "rate", "vs_haproxy_min", 1.15), ("rr", "p99_us", "vs_haproxy_max", 1.0),
    ("rr", "proxy_cpu_us_per_request", "vs_haproxy_max", 0.8),
    ("connrate", "rate", "vs_haproxy_min", 1.15),
    ("idle", "proxy_rss_bytes_per_conn", "vs_haproxy_max", 0.35),
    # issue 12 (`mode http`); "abs_max": ferry's own figure <= bound
    ("http_ka", "rate", "vs_haproxy_min", 1.15), ("http_ka", "proxy_cpu_us_per_request", "vs_haproxy_max", 0.85),
    ("http_ka", "p99_us", "vs_haproxy_max", 1.0), ("http_ka", "server_conns_per_request", "abs_max", 0.01),
    ("http_idle", "proxy_rss_bytes_per_conn", "vs_haproxy_max", 0.35),
]


def median_of(runs, scenario, target, key):
    vals = [r[key] for (_, s, t, r) in runs if s == scenario and t == target
            and r.get(key) is not None and r[key] >= 0 and r["errors"] == 0]
    return statistics.median(vals) if vals else None


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def goal_text(sc, key):
    out = []
    for (s, k, kind, bound) in GOALS:
        if s == sc and k == key:
            out.append({"vs_haproxy_min": "≥ %g× HAProxy", "vs_haproxy_max": "≤ %g× HAProxy",
                        "vs_direct_min": "≥ %g%% of direct", "abs_max": "ferry ≤ %g"}[kind] % (
                            bound * 100 if kind == "vs_direct_min" else bound))
    return "; ".join(out)


def check_goals(chosen_names, med):
    """[(met, text)] for every goal whose numbers exist."""
    verdicts = []
    for (s, k, kind, bound) in GOALS:
        if s not in chosen_names:
            continue
        if kind == "abs_max":
            v = med.get((s, "ferry", k))
            if v is not None:
                verdicts.append((v <= bound, "%s %s ferry = %.5f: %s" % (
                    s, k, v, "met" if v <= bound else "missed (at most %g wanted)" % bound)))
            continue
        other = "direct" if kind == "vs_direct_min" else "haproxy"
        r = ratio(med.get((s, "ferry", k)), med.get((s, other, k)))
        if r is None:
            continue
        met = r >= bound if kind.endswith("_min") else r <= bound
        if kind.endswith("_min"):
            gap = "met" if met else "missed by %.0f%% (%.2f of the %.2f wanted)" % ((1 - r / bound) * 100, r, bound)
        else:
            gap = "met" if met else "missed by %.0f%% (%.2f against at most %.2f)" % ((r / bound - 1) * 100, r, bound)
        verdicts.append((met, "%s %s ferry/%s = %.2f: %s" % (s, k, other, r, gap)))
    return verdicts


def fmt(v, f):
    return "—" if v is None else f.format(v)


def render(bench, chosen, started, elapsed, argv, load_before, load_after):
    a = bench.a
    med = {}
    for sc in chosen:
        for (key, _, _, _) in sc["metrics"]:
            for t in TARGETS:
                med[(sc["name"], t, key)] = median_of(bench.runs, sc["name"], t, key)
    lines = []
    lines.append("### Clients over %s, `nbthread %d`%s" % (
        "loopback TCP" if a.front == "tcp" else "UNIX sockets", a.nbthread,
        ", pinned: generator and backends on CPU 0, proxy on CPU 1" if a.pin else ""))
    lines.append("")
    lines.append("Run %s, %d repetition(s), medians; took %.0f s." % (started, a.reps, elapsed))
    lines.append("")
    shown = [t for t in TARGETS if t in a.targets]
    lines.append("| scenario / metric | %s | ferry/HAProxy | ferry/direct | target |" %
                 " | ".join(TARGET_TITLES[t] for t in shown))
    lines.append("|---|" + "---:|" * (len(shown) + 2) + "---|")
    for sc in chosen:
        for (key, label, f, _) in sc["metrics"]:
            v = {t: med[(sc["name"], t, key)] for t in TARGETS}
            rh, rd = ratio(v["ferry"], v["haproxy"]), ratio(v["ferry"], v["direct"])
            lines.append("| %s | %s | %s | %s | %s |" % (
                label, " | ".join(fmt(v[t], f) for t in shown), fmt(rh, "{:.2f}"),
                fmt(rd, "{:.0%}"), goal_text(sc["name"], key)))
    lines.append("")
    tcp_note = ("; *direct (TCP)* is the same backend program listening on loopback TCP, the "
                "limit of the client's hop alone" if "direct-tcp" in shown else "")
    lines.append("Clients reach the proxies over %s; the proxies reach the backends over UNIX sockets. "
                 "*direct (UNIX)* is the client talking to the same backend itself (the issue's "
                 "*direct*, which ferry/direct compares with)%s. "
                 "Direct runs have no proxy, so their CPU and RSS cells are empty. "
                 "Errors in any run: %d." % (
                     "loopback TCP (127.0.0.1)" if a.front == "tcp" else "UNIX sockets", tcp_note,
                     sum(r["errors"] for (_, _, _, r) in bench.runs)))
    for note in bench.notes:
        lines.append("")
        lines.append("Note: " + note + " (a run it disturbed was made again).")
    verdicts = check_goals({s["name"] for s in chosen}, med)
    if verdicts:
        lines.append("")
        lines.append("Targets: %d of %d met." % (sum(m for m, _ in verdicts), len(verdicts)))
        for met, text in verdicts:
            lines.append("- %s %s" % ("✅" if met else "❌", text))
    lines.append("")
    lines += machine_lines(bench, load_before, load_after)
    lines.append("")
    lines += command_lines(bench, chosen, argv)
    lines.append("")
    lines += raw_lines(bench, chosen)
    return "\n".join(lines)


def machine_lines(bench, load_before, load_after):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    hap = subprocess.run([bench.a.haproxy, "-v"], capture_output=True, text=True).stdout.splitlines()
    rev = bench.revision
    return [
        "Machine: %d cores (`nproc`), %s, kernel %s (`uname -r`), fd limit %d." % (
            os.cpu_count(), cpu, platform.release(), resource.getrlimit(resource.RLIMIT_NOFILE)[0]),
        "Load average before/after: %s / %s (other work on the machine skews results)." % (
            load_before, load_after),
        "CPU over the whole run (`/proc/stat`, all processes on the machine): %.0f%% busy, %.1f%% "
        "stolen by the hypervisor." % (bench.steal[1] * 100, bench.steal[0] * 100),
        "ferry %s (git), Release build; %s." % (rev, hap[0] if hap else "haproxy ?"),
        "Threads seen: ferry %s, HAProxy %s (config `nbthread %d`)." % (
            bench.threads.get("ferry", "?"), bench.threads.get("haproxy", "?"), bench.a.nbthread),
    ]


def command_lines(bench, chosen, argv):
    out = ["Commands (paths shortened: `$B` = build dir, `$D` = the run's temp dir):", "", "```",
           "python3 " + " ".join(["bench/run.py"] + argv)]
    shorten = lambda s: s.replace(bench.dir, "$D").replace(bench.bin, "$B")
    out.append(shorten(" ".join(bench.proxy_argv("ferry"))))
    out.append(shorten(" ".join(bench.proxy_argv("haproxy"))))
    for kind in ("echo", "sink"):
        for via in ("direct", "direct-tcp"):
            if via == "direct" or via in bench.a.targets:
                out.append(shorten("%s/bench/bench-%s --listen %s &" % (bench.bin, kind, bench.endpoints[(kind, via)])))
    if bench.http:
        out.append(shorten(" ".join(bench.nginx_argv) + " &"))
    for sc in chosen:
        for t in TARGETS:
            if (sc["name"], t) in bench.commands:
                cmd = " ".join(bench.commands[(sc["name"], t)])
                out.append(shorten(cmd))
    out.append("```")
    out.append("")
    out.append("The generated config (`$D/bench.cfg`), loaded by both proxies:")
    out.append("")
    out.append("```")
    out.append(shorten(bench.config_text).rstrip())
    out.append("```")
    if bench.http:
        out += ["", "nginx's generated config (`$D/nginx.conf`):", "", "```",
                shorten(bench.nginx_text).rstrip(), "```"]
    return out


def raw_lines(bench, chosen):
    out = ["<details><summary>Every run (first metric of each scenario)</summary>", "",
           "| rep | scenario | target | value | errors |", "|---:|---|---|---:|---:|"]
    for (rep, s, t, r) in bench.runs:
        key = next(sc["metrics"][0][0] for sc in chosen if sc["name"] == s)
        out.append("| %d | %s | %s | %s | %d |" % (rep + 1, s, t, r.get(key), r["errors"]))
    out.append("")
    out.append("</details>")
    return out


def write_results(text, tag):
    """Replaces the generated block of this variant in RESULTS.md (or appends one); the text
    around the blocks (notes, profiles) is kept as it is."""
    begin, end = "<!-- BEGIN GENERATED %s -->" % tag, "<!-- END GENERATED %s -->" % tag
    old = open(RESULTS).read() if os.path.exists(RESULTS) else "# Bench results\n"
    block = begin + "\n" + text + "\n" + end
    if begin in old and end in old:
        new = old[:old.index(begin)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    with open(RESULTS, "w") as f:
        f.write(new)
