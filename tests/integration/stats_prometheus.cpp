// The Prometheus exporter (`http-request use-service prometheus-exporter`) next to HAProxy
// 2.6's own: the same config in both, scraped, and read by prometheus_client's parsers
// (tests/support/prometheus_check.py): the same metric families, types and label sets (values
// masked), every ferry value equal to its `show stat` column at the same moment, OpenMetrics
// when the scraper asks for it, and the `scope` / `no-maint` parameters.
#include <doctest/doctest.h>

#include <string>

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
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
