// The Prometheus exporter (`http-request use-service prometheus-exporter`) next to HAProxy
// 2.6's own: the same config in both, scraped, and read by prometheus_client's parsers
// (tests/support/prometheus_check.py): the same metric families, types and label sets (values
// masked), every ferry value equal to its `show stat` column at the same moment, OpenMetrics
// when the scraper asks for it, the `scope` / `no-maint` parameters, and the series the queries
// of the "HAProxy 2 Full" Grafana dashboard read (kDashboard).
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/scripted_http_app.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

const std::string kCheck = FERRY_SOURCE_DIR "/tests/support/prometheus_check.py";

// Servers up (checked and not), down (checked, no socket), in maintenance and a backup; an
// HTTP and a TCP proxy, a `listen`.
constexpr const char* kConfig = R"(global
    stats socket {DIR}/{WHO}.sock level admin
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend metrics
    bind 127.0.0.1:{MPORT}
    http-request use-service prometheus-exporter
frontend web
    bind 127.0.0.1:{PORT}
    default_backend app
backend app
    server up1 unix@{DIR}/app.sock check inter 200ms
    server down1 unix@{DIR}/missing.sock check inter 200ms
    server plain unix@{DIR}/app.sock
    server off unix@{DIR}/app.sock disabled
    server spare unix@{DIR}/app.sock backup
listen raw
    mode tcp
    bind 127.0.0.1:{TPORT}
    server t1 unix@{DIR}/app.sock
)";

struct Side {
  uint16_t mport = free_tcp_port(), port = free_tcp_port(), tport = free_tcp_port();
  std::string config(const TempDir& dir, const std::string& who) const {
    return fill_template(kConfig, {{"DIR", dir.path()},
                                   {"WHO", who},
                                   {"MPORT", std::to_string(mport)},
                                   {"PORT", std::to_string(port)},
                                   {"TPORT", std::to_string(tport)}});
  }
};

// A chunked body decoded (HAProxy's exporter sends one).
std::string dechunk(const std::string& body) {
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos) break;
    const size_t n = std::stoul(body.substr(pos, eol - pos), nullptr, 16);
    if (n == 0) break;
    out += body.substr(eol + 2, n);
    pos = eol + 2 + n + 2;
  }
  return out;
}

// The body of GET `target` on `port`; "" if the answer is not a 200.
std::string scrape(uint16_t port, const std::string& target, const std::string& extra = "",
                   std::string* head = nullptr) {
  ClientConn c = ClientConn::tcp(port);
  if (!c.send_all(http_get(target, extra + "Connection: close\r\n"))) return {};
  const std::string all = c.read_until_eof(Deadline(5s)).data;
  const size_t end = all.find("\r\n\r\n");
  if (end == std::string::npos || !all.starts_with("HTTP/1.1 200")) return {};
  const std::string h = all.substr(0, end);
  if (head) *head = h;
  const bool chunked = h.find("transfer-encoding: chunked") != std::string::npos;
  return chunked ? dechunk(all.substr(end + 4)) : all.substr(end + 4);
}

ProgramResult check(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/python3", kCheck};  // Debian's, with prometheus_client
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(ProgramSpec{argv, "", {}}, 20s);
}

void send_traffic(uint16_t port) {
  for (const char* path : {"/200", "/404"}) {
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.send_all(http_get(path, "Connection: close\r\n")));
    CHECK(c.read_until_eof(Deadline(5s)).closed);
  }
}

// The checks have found up1 UP and down1 DOWN.
bool settled(const AdminTarget& t) {
  std::string error;
  const auto table = StatTable::parse(admin_query(t, "show stat"), error);
  return table && table->get("app", "up1", "status") == std::optional<std::string>("UP") &&
         table->get("app", "down1", "status") == std::optional<std::string>("DOWN");
}

// The series the queries of the "HAProxy 2 Full" Grafana dashboard (grafana.com 12693, written
// for HAProxy 2.x's built-in exporter) select, by its variables ($frontend, $backend, $server:
// label `proxy`, `server`) and the label values it filters on (`code`, `state`): written here
// from the dashboard's queries, each a family with the labels a sample of it must carry.
struct Series {
  const char* name;
  std::vector<std::pair<std::string, std::string>> labels;
};
const std::vector<Series> kDashboard = {
    // the process row
    {"haproxy_process_uptime_seconds", {}},
    {"haproxy_process_start_time_seconds", {}},
    {"haproxy_process_nbthread", {}},
    {"haproxy_process_current_connections", {}},
    {"haproxy_process_max_connections", {}},
    {"haproxy_process_connections_total", {}},
    {"haproxy_process_requests_total", {}},
    {"haproxy_process_current_connection_rate", {}},
    {"haproxy_process_current_session_rate", {}},
    {"haproxy_process_max_fds", {}},
    {"haproxy_process_current_tasks", {}},
    {"haproxy_process_idle_time_percent", {}},
    // frontends ($frontend = label_values(haproxy_frontend_status, proxy))
    {"haproxy_frontend_status", {{"proxy", "web"}, {"state", "UP"}}},
    {"haproxy_frontend_current_sessions", {{"proxy", "web"}}},
    {"haproxy_frontend_max_sessions", {{"proxy", "web"}}},
    {"haproxy_frontend_limit_sessions", {{"proxy", "web"}}},
    {"haproxy_frontend_sessions_total", {{"proxy", "web"}}},
    {"haproxy_frontend_connections_total", {{"proxy", "web"}}},
    {"haproxy_frontend_max_session_rate", {{"proxy", "web"}}},
    {"haproxy_frontend_bytes_in_total", {{"proxy", "web"}}},
    {"haproxy_frontend_bytes_out_total", {{"proxy", "web"}}},
    {"haproxy_frontend_http_requests_total", {{"proxy", "web"}}},
    {"haproxy_frontend_http_requests_rate_max", {{"proxy", "web"}}},
    {"haproxy_frontend_http_responses_total", {{"proxy", "web"}, {"code", "2xx"}}},
    {"haproxy_frontend_http_responses_total", {{"proxy", "web"}, {"code", "4xx"}}},
    {"haproxy_frontend_http_responses_total", {{"proxy", "web"}, {"code", "5xx"}}},
    {"haproxy_frontend_request_errors_total", {{"proxy", "web"}}},
    {"haproxy_frontend_requests_denied_total", {{"proxy", "web"}}},
    {"haproxy_frontend_responses_denied_total", {{"proxy", "web"}}},
    {"haproxy_frontend_denied_connections_total", {{"proxy", "web"}}},
    {"haproxy_frontend_intercepted_requests_total", {{"proxy", "metrics"}}},
    // backends ($backend = label_values(haproxy_backend_status, proxy))
    {"haproxy_backend_status", {{"proxy", "app"}, {"state", "UP"}}},
    {"haproxy_backend_active_servers", {{"proxy", "app"}}},
    {"haproxy_backend_backup_servers", {{"proxy", "app"}}},
    {"haproxy_backend_weight", {{"proxy", "app"}}},
    {"haproxy_backend_current_sessions", {{"proxy", "app"}}},
    {"haproxy_backend_max_sessions", {{"proxy", "app"}}},
    {"haproxy_backend_sessions_total", {{"proxy", "app"}}},
    {"haproxy_backend_current_queue", {{"proxy", "app"}}},
    {"haproxy_backend_max_queue", {{"proxy", "app"}}},
    {"haproxy_backend_bytes_in_total", {{"proxy", "app"}}},
    {"haproxy_backend_bytes_out_total", {{"proxy", "app"}}},
    {"haproxy_backend_http_requests_total", {{"proxy", "app"}}},
    {"haproxy_backend_http_responses_total", {{"proxy", "app"}, {"code", "2xx"}}},
    {"haproxy_backend_http_responses_total", {{"proxy", "app"}, {"code", "4xx"}}},
    {"haproxy_backend_http_responses_total", {{"proxy", "app"}, {"code", "5xx"}}},
    {"haproxy_backend_connection_errors_total", {{"proxy", "app"}}},
    {"haproxy_backend_response_errors_total", {{"proxy", "app"}}},
    {"haproxy_backend_retry_warnings_total", {{"proxy", "app"}}},
    {"haproxy_backend_redispatch_warnings_total", {{"proxy", "app"}}},
    {"haproxy_backend_client_aborts_total", {{"proxy", "app"}}},
    {"haproxy_backend_server_aborts_total", {{"proxy", "app"}}},
    {"haproxy_backend_queue_time_average_seconds", {{"proxy", "app"}}},
    {"haproxy_backend_connect_time_average_seconds", {{"proxy", "app"}}},
    {"haproxy_backend_response_time_average_seconds", {{"proxy", "app"}}},
    {"haproxy_backend_total_time_average_seconds", {{"proxy", "app"}}},
    {"haproxy_backend_loadbalanced_total", {{"proxy", "app"}}},
    {"haproxy_backend_check_up_down_total", {{"proxy", "app"}}},
    {"haproxy_backend_downtime_seconds_total", {{"proxy", "app"}}},
    // servers ($server = label_values(haproxy_server_status{proxy=~"$backend"}, server))
    {"haproxy_server_status", {{"proxy", "app"}, {"server", "up1"}, {"state", "UP"}}},
    {"haproxy_server_status", {{"proxy", "app"}, {"server", "down1"}, {"state", "DOWN"}}},
    {"haproxy_server_status", {{"proxy", "app"}, {"server", "off"}, {"state", "MAINT"}}},
    {"haproxy_server_check_status", {{"proxy", "app"}, {"server", "up1"}, {"state", "L4OK"}}},
    {"haproxy_server_check_failures_total", {{"proxy", "app"}, {"server", "down1"}}},
    {"haproxy_server_check_up_down_total", {{"proxy", "app"}, {"server", "down1"}}},
    {"haproxy_server_downtime_seconds_total", {{"proxy", "app"}, {"server", "down1"}}},
    {"haproxy_server_current_sessions", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_max_sessions", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_sessions_total", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_current_queue", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_bytes_in_total", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_bytes_out_total", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_http_responses_total", {{"proxy", "app"}, {"server", "up1"}, {"code", "2xx"}}},
    {"haproxy_server_connection_errors_total", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_response_errors_total", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_retry_warnings_total", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_response_time_average_seconds", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_total_time_average_seconds", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_weight", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_loadbalanced_total", {{"proxy", "app"}, {"server", "up1"}}},
    {"haproxy_server_last_session_seconds", {{"proxy", "app"}, {"server", "up1"}}},
};

// A sample of `s` in `text` (Prometheus text format): its name, with at least its labels.
bool has_series(const std::string& text, const Series& s) {
  const std::string name = s.name;
  for (size_t at = 0; (at = text.find(name, at)) != std::string::npos; at += name.size()) {
    if (at > 0 && text[at - 1] != '\n') continue;
    const size_t eol = text.find('\n', at);
    const std::string line = text.substr(at, eol - at);
    if (line.size() <= name.size() || (line[name.size()] != '{' && line[name.size()] != ' '))
      continue;
    const std::string labels = line.substr(name.size(), line.find('}') + 1 - name.size());
    bool all = true;
    for (const auto& [k, v] : s.labels) {
      const std::string kv = k + "=\"" + v + "\"";
      all = all && (labels.find("{" + kv) != std::string::npos ||
                    labels.find("," + kv) != std::string::npos);
    }
    if (all) return true;
  }
  return false;
}

std::string describe(const Series& s) {
  std::string out = s.name;
  for (const auto& [k, v] : s.labels)
    out += " " + k + "=" + v;
  return out;
}

bool passed(const ProgramResult& r) {
  return r.status.exited && r.status.code == 0;
}

}  // namespace

TEST_CASE("prometheus: the metric families of haproxy 2.6's exporter and ferry's values") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  TempDir dir;
  const ScriptedHttpApp app(dir, dir.file("app.sock"));
  const Side ours, theirs;
  FerryProcess ferry(dir, ours.config(dir, "ferry"));
  Program haproxy(
      dir, "haproxy",
      ProgramSpec{{"haproxy", "-db", "-f", dir.write_file("h.cfg", theirs.config(dir, "haproxy"))},
                  "",
                  {}});
  const AdminTarget our_admin = AdminTarget::unix_socket(dir.file("ferry.sock"));
  const AdminTarget their_admin = AdminTarget::unix_socket(dir.file("haproxy.sock"));
  REQUIRE_MESSAGE(poll_until([&] { return settled(our_admin) && settled(their_admin); }, 10s),
                  ferry.output());
  send_traffic(ours.port);
  send_traffic(theirs.port);

  SUBCASE("the same families, types and label sets") {
    const std::string a = scrape(ours.mport, "/metrics");
    const std::string b = scrape(theirs.mport, "/metrics");
    REQUIRE(!a.empty());
    REQUIRE(!b.empty());
    const ProgramResult r =
        check({"compare", dir.write_file("ours.txt", a), dir.write_file("theirs.txt", b)});
    CHECK_MESSAGE(passed(r), r.describe());
  }
  SUBCASE("every value is show stat's at the same moment") {
    // Seconds-old columns may tick between the scrape and show stat: tried again then.
    ProgramResult r;
    const bool same = poll_until(
        [&] {
          const std::string m = scrape(ours.mport,
                                       "/metrics?scope=frontend&scope=backend&"
                                       "scope=server");
          const std::string stat = admin_query(our_admin, "show stat");
          r = check(
              {"values", dir.write_file("m.txt", m), dir.write_file("s.csv", stat), "metrics"});
          return passed(r);
        },
        5s);
    CHECK_MESSAGE(same, r.describe());
  }
  SUBCASE("OpenMetrics when Accept asks for it") {
    std::string head;
    const std::string om =
        scrape(ours.mport, "/metrics",
               "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n", &head);
    CHECK(head.find("content-type: application/openmetrics-text; version=1.0.0") !=
          std::string::npos);
    CHECK(om.ends_with("# EOF\n"));
    const ProgramResult r = check({"openmetrics", dir.write_file("om.txt", om)});
    CHECK_MESSAGE(passed(r), r.describe());
    const std::string plain = scrape(ours.mport, "/metrics", "", &head);
    CHECK(head.find("content-type: text/plain; version=0.0.4") != std::string::npos);
  }
  SUBCASE("scope and no-maint") {
    const std::string servers = scrape(ours.mport, "/metrics?scope=server");
    CHECK(servers.find("haproxy_process_") == std::string::npos);
    CHECK(servers.find("haproxy_frontend_") == std::string::npos);
    CHECK(servers.find("haproxy_server_uweight{proxy=\"app\",server=\"off\"} 1") !=
          std::string::npos);
    const std::string no_maint = scrape(ours.mport, "/metrics?scope=server&no-maint");
    CHECK(no_maint.find("server=\"off\"") == std::string::npos);
    CHECK(no_maint.find("server=\"up1\"") != std::string::npos);
    const std::string global = scrape(ours.mport, "/metrics?scope=global");
    CHECK(global.find("haproxy_process_build_info{version=\"2.6.0-ferry-") != std::string::npos);
    CHECK(global.find("haproxy_server_") == std::string::npos);
    CHECK(scrape(ours.mport, "/metrics?scope=nonsense").empty());
  }
  SUBCASE("the series the HAProxy 2 Full Grafana dashboard queries: in ferry's and haproxy's") {
    const std::string a = scrape(ours.mport, "/metrics");
    const std::string b = scrape(theirs.mport, "/metrics");
    REQUIRE(!a.empty());
    REQUIRE(!b.empty());
    for (const Series& s : kDashboard) {
      INFO(describe(s));
      CHECK(has_series(a, s));
      CHECK(has_series(b, s));  // the list names what HAProxy 2.6 exports
    }
  }
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
