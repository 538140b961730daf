#!/usr/bin/env python3
"""Checks a Prometheus scrape with prometheus_client's own parsers (python3-prometheus-client).

  prometheus_check.py compare OURS THEIRS
      Both files are text-format scrapes (0.0.4). Every metric family of THEIRS (HAProxy 2.6's
      exporter) must be in OURS with the same type, and the same label sets; values are not
      compared. Prints every difference, exit status 1 if any.

  prometheus_check.py values SCRAPE SHOW_STAT_CSV [SKIPPED_PROXY]
      Every haproxy_frontend_/backend_/server_ sample of SCRAPE must equal the `show stat` column
      it comes from (times in seconds, empty columns as NaN); the column map is below. The
      proxy that served the scrape counts it after answering: name it to skip it.

  prometheus_check.py openmetrics SCRAPE
      SCRAPE must parse as OpenMetrics 1.0 (ending in '# EOF').
"""
import csv
import io
import math
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_families
from prometheus_client.parser import text_string_to_metric_families


def families(text):
    return {f.name: f for f in text_string_to_metric_families(text)}


def label_sets(family):
    return {tuple(sorted(s.labels.items())) for s in family.samples}


def compare(ours_text, theirs_text, masked_labels):
    ours, theirs = families(ours_text), families(theirs_text)
    problems = []
    for name, f in theirs.items():
        if name not in ours:
            problems.append(f"missing family {name} ({f.type})")
            continue
        if ours[name].type != f.type:
            problems.append(f"{name}: type {ours[name].type}, HAProxy says {f.type}")
        mask = lambda sets: {tuple((k, v) for k, v in s if k not in masked_labels) for s in sets}
        a, b = mask(label_sets(ours[name])), mask(label_sets(f))
        for s in sorted(b - a):
            problems.append(f"{name}: missing sample {dict(s)}")
        for s in sorted(a - b):
            problems.append(f"{name}: extra sample {dict(s)}")
    for name in sorted(set(ours) - set(theirs)):
        problems.append(f"extra family {name}")
    return problems


# metric name after haproxy_<kind>_ -> show stat column (and a divisor for seconds)
COLUMNS = {
    "current_queue": "qcur", "max_queue": "qmax", "current_sessions": "scur",
    "max_sessions": "smax", "limit_sessions": "slim", "sessions_total": "stot",
    "bytes_in_total": "bin", "bytes_out_total": "bout", "requests_denied_total": "dreq",
    "responses_denied_total": "dresp", "request_errors_total": "ereq",
    "connection_errors_total": "econ", "response_errors_total": "eresp",
    "retry_warnings_total": "wretr", "redispatch_warnings_total": "wredis", "weight": "weight",
    "active_servers": "act", "backup_servers": "bck", "check_failures_total": "chkfail",
    "check_up_down_total": "chkdown", "check_last_change_seconds": "lastchg",
    "downtime_seconds_total": "downtime", "queue_limit": "qlimit",
    "current_throttle": "throttle", "loadbalanced_total": "lbtot",
    "limit_session_rate": "rate_lim", "max_session_rate": "rate_max",
    "http_requests_rate_max": "req_rate_max", "http_requests_total": "req_tot",
    "client_aborts_total": "cli_abrt", "server_aborts_total": "srv_abrt",
    "http_comp_bytes_in_total": "comp_in", "http_comp_bytes_out_total": "comp_out",
    "http_comp_bytes_bypassed_total": "comp_byp", "http_comp_responses_total": "comp_rsp",
    "last_session_seconds": "lastsess", "queue_time_average_seconds": ("qtime", 1000),
    "connect_time_average_seconds": ("ctime", 1000),
    "response_time_average_seconds": ("rtime", 1000),
    "total_time_average_seconds": ("ttime", 1000), "connections_rate_max": "conn_rate_max",
    "connections_total": "conn_tot", "intercepted_requests_total": "intercepted",
    "denied_connections_total": "dcon", "denied_sessions_total": "dses",
    "failed_header_rewriting_total": "wrew", "connection_attempts_total": "connect",
    "connection_reuses_total": "reuse", "http_cache_lookups_total": "cache_lookups",
    "http_cache_hits_total": "cache_hits", "idle_connections_current": "srv_icur",
    "idle_connections_limit": "src_ilim", "max_queue_time_seconds": ("qtime_max", 1000),
    "max_connect_time_seconds": ("ctime_max", 1000),
    "max_response_time_seconds": ("rtime_max", 1000),
    "max_total_time_seconds": ("ttime_max", 1000), "internal_errors_total": "eint",
    "unsafe_idle_connections_current": "idle_conn_cur",
    "safe_idle_connections_current": "safe_conn_cur",
    "used_connections_current": "used_conn_cur", "need_connections_current": "need_conn_est",
    "uweight": "uweight", "check_code": "check_code",
    "check_duration_seconds": ("check_duration", 1000),
}


def show_stat_rows(text):
    lines = text.splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = {}
    for rec in csv.reader(io.StringIO("\n".join(l for l in lines[1:] if l))):
        row = dict(zip(header, rec))
        rows[(row["pxname"], row["svname"])] = row
    return rows


def expected(row, metric, labels):
    if metric == "status":
        status = row["status"]
        if labels.get("server") is None:
            word = {"OPEN": "UP", "STOP": "DOWN"}.get(status.split(" ")[0], status.split(" ")[0])
            return 1.0 if word == labels["state"] else 0.0
        word = status.split(" ")[0]
        word = {"no": "UP"}.get(word, word)
        return 1.0 if word == labels["state"] else 0.0
    if metric == "http_responses_total":
        v = row["hrsp_" + labels["code"]]
        return float(v) if v != "" else math.nan
    if metric == "check_status":
        return 1.0 if row["check_status"].lstrip("* ") == labels["state"] else 0.0
    col = COLUMNS.get(metric)
    if col is None:
        return None  # computed (agg_*) or not a show stat column
    col, div = (col, 1) if isinstance(col, str) else col
    v = row[col]
    if v == "":
        return 0.0 if metric.startswith("check_") else math.nan
    return float(v) / div


def values(scrape_text, csv_text, skipped):
    rows = show_stat_rows(csv_text)
    problems, checked = [], 0
    for f in text_string_to_metric_families(scrape_text):
        for kind, svname in (("frontend", "FRONTEND"), ("backend", "BACKEND"), ("server", None)):
            prefix = f"haproxy_{kind}_"
            if not f.name.startswith(prefix):
                continue
            metric = f.name[len(prefix):]
            for s in f.samples:
                if s.labels["proxy"] == skipped:
                    continue
                key = (s.labels["proxy"], s.labels.get("server") or svname)
                if key not in rows:
                    problems.append(f"{s.name}{s.labels}: no show stat row {key}")
                    continue
                want = expected(rows[key], metric, s.labels)
                if want is None:
                    continue
                checked += 1
                same = (math.isnan(want) and math.isnan(s.value)) or abs(want - s.value) < 1e-9
                if not same:
                    problems.append(f"{s.name}{s.labels} = {s.value}, show stat says {want}")
    if checked < 100:
        problems.append(f"only {checked} samples checked")
    return problems


def main():
    mode = sys.argv[1]
    read = lambda p: open(p, encoding="utf-8").read()
    if mode == "compare":
        problems = compare(read(sys.argv[2]), read(sys.argv[3]), {"version"})
    elif mode == "values":
        problems = values(read(sys.argv[2]), read(sys.argv[3]), (sys.argv[4:] or [None])[0])
    elif mode == "openmetrics":
        problems = []
        n = sum(len(f.samples) for f in om_families(read(sys.argv[2])))
        if n < 100:
            problems.append(f"only {n} samples")
    else:
        sys.exit(f"unknown mode {mode}")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
