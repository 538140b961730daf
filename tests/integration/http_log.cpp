// `option httplog` (and `option tcplog` in mode http) next to the real HAProxy 2.6: the same
// config and the same traffic through both, each logging to a syslog socket of its own, and the
// lines compared field by field. Only what must differ between two runs is masked: client ports,
// dates, the times that are not -1, actconn, feconn and beconn, and the byte counts (HAProxy counts
// the size of its internal representation of a message, ferry the bytes on the wire; see README).
#include <doctest/doctest.h>

#include <algorithm>

#include <regex>
#include <string>
#include <vector>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/datagram_receiver.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/http_response.hpp"
#include "tests/support/scripted_http_app.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

constexpr const char* kConfig = R"(global
    log {LOG} format raw local0
defaults
    mode http
    log global
    option {FORMAT}
    timeout connect 2s
    timeout client 10s
    timeout server 400ms
    timeout http-request 400ms
frontend web
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/{WHO}-web.sock
    default_backend app
backend app
    server s1 unix@{DIR}/app.sock
frontend nosrv
    bind 127.0.0.1:{PORT2}
    default_backend none
backend none
    server s1 unix@{DIR}/app.sock disabled
)";

// The same traffic for both programs; returns how many log lines it makes.
size_t send_traffic(uint16_t port, uint16_t nosrv_port, const std::string& unix_path) {
  auto exchange = [](ClientConn c, const std::string& request) {
    REQUIRE(c.ok());
    REQUIRE(c.send_all(request));
    CHECK(read_response(c).status != 0);
  };
  exchange(ClientConn::tcp(port), http_get("/200", "Connection: close\r\n"));
  {
    ClientConn c = ClientConn::tcp(port);  // keep-alive: two requests, then the client leaves
    REQUIRE(c.send_all(http_get("/404")));
    CHECK(read_response(c).head.starts_with("HTTP/1.1 404"));
    REQUIRE(c.send_all(http_get("/500")));
    CHECK(read_response(c).head.starts_with("HTTP/1.1 500"));
  }
  exchange(ClientConn::unix_socket(unix_path), http_get("/301"));
  exchange(ClientConn::tcp(nosrv_port), http_get("/nosrv"));  // 503
  exchange(ClientConn::tcp(port), http_get("/slow"));         // 504
  exchange(ClientConn::tcp(port), http_get("/garbage"));      // 502
  exchange(ClientConn::tcp(port),
           "GET /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
  {
    ClientConn c = ClientConn::tcp(port);  // a partial request, then the client leaves
    REQUIRE(c.send_all("GET /partial HTTP/1.1\r\n"));
    CHECK(c.stays_silent(100ms));
  }
  {
    ClientConn c = ClientConn::tcp(port);  // a connection that sends nothing
    CHECK(c.stays_silent(100ms));
  }
  exchange(ClientConn::tcp(port), "GET /late HTTP/1.1\r\n");  // 408
  {
    ClientConn c = ClientConn::tcp(port);  // two pipelined requests
    REQUIRE(c.send_all(http_get("/201") + http_get("/202", "Connection: close\r\n")));
    const Received r = c.read_until_eof(Deadline(5s));
    CHECK(r.data.find("/202") != std::string::npos);
  }
  return 13;
}

// Each field of `line`, with what differs between two runs masked: the client's port, the
// date, the times (field 4) that are not -1, and actconn/feconn/beconn/srv_conn (they count the
// previous clients until each program has seen them close, which races with the next
// connection; HAProxy's threads even log a beconn or srv_conn of 1 now and then for a lone
// request, seen under load).
std::vector<std::string> fields(const std::string& line) {
  static const std::regex port("^(127\\.0\\.0\\.1):[0-9]+$");
  static const std::regex digits("[0-9]+");
  static const std::regex times("^-?[0-9]+(/-?[0-9]+){2,4}$");
  static const std::regex positive("(^|/)[0-9]+");
  static const std::regex counts("^[0-9]+/[0-9]+/[0-9]+/[0-9]+/(\\+?[0-9]+)$");
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t end = line[pos] == '"' ? line.find('"', pos + 1) + 1 : line.find(' ', pos);
    if (end == std::string::npos || end == 0) end = line.size();
    std::string f = line.substr(pos, end - pos);
    if (out.size() == 0) f = std::regex_replace(f, port, "$1:N");
    if (out.size() == 1) f = std::regex_replace(f, digits, "N");
    if (out.size() == 4 && std::regex_match(f, times)) f = std::regex_replace(f, positive, "$1N");
    f = std::regex_replace(f, counts, "N/N/N/N/$1");
    out.push_back(f);
    pos = end + 1;
  }
  return out;
}

struct Run {
  std::vector<std::vector<std::string>> ferry, haproxy;
};

Run run_both(const std::string& format) {
  TempDir dir;
  const std::string app_sock = dir.file("app.sock");
  const ScriptedHttpApp app(dir, app_sock);
  DatagramReceiver ours = DatagramReceiver::udp();  // UDP: a UNIX one queues only 10
  DatagramReceiver theirs = DatagramReceiver::udp();
  const uint16_t port = free_tcp_port(), port2 = free_tcp_port();
  const uint16_t hport = free_tcp_port(), hport2 = free_tcp_port();
  auto config = [&](const DatagramReceiver& log, const std::string& who, uint16_t p, uint16_t p2) {
    return fill_template(kConfig, {{"LOG", log.target()},
                                   {"FORMAT", format},
                                   {"PORT", std::to_string(p)},
                                   {"PORT2", std::to_string(p2)},
                                   {"WHO", who},
                                   {"DIR", dir.path()}});
  };
  FerryProcess ferry(dir, config(ours, "ferry", port, port2));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port2), ferry.output());
  Program haproxy(dir, "haproxy",
                  ProgramSpec{{"haproxy", "-db", "-f",
                               dir.write_file("h.cfg", config(theirs, "haproxy", hport, hport2))},
                              "",
                              {}});
  REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hport2).ok(); }, 10s), haproxy.err());
  // The probe connections above log lines of their own (the empty connection's 400); drain them.
  while (!ours.receive(Deadline(300ms)).empty()) {
  }
  while (!theirs.receive(Deadline(300ms)).empty()) {
  }

  Run run;
  auto collect = [](DatagramReceiver& r, size_t n, std::vector<std::vector<std::string>>& out) {
    const Deadline deadline(5s);
    while (out.size() < n) {
      std::string d = r.receive(deadline);
      if (d.empty()) break;
      if (d.starts_with("frontend '")) continue;  // ferry's reason for its own answers
      if (d.ends_with('\n')) d.pop_back();
      out.push_back(fields(d));
    }
  };
  collect(ours, send_traffic(port, port2, dir.file("ferry-web.sock")), run.ferry);
  collect(theirs, send_traffic(hport, hport2, dir.file("haproxy-web.sock")), run.haproxy);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
  return run;
}

std::string joined(const std::vector<std::string>& f) {
  std::string s;
  for (const auto& x : f)
    s += x + " ";
  return s;
}

// Each side's lines in one order: the transactions of different connections may be logged in
// either order (a UNIX client's and a TCP client's, by both programs), so they are sorted by
// their fields (but the byte count, which differs) before they are paired.
std::vector<std::vector<std::string>> in_order(std::vector<std::vector<std::string>> lines,
                                               size_t bytes_field) {
  auto key = [&](const std::vector<std::string>& f) {
    std::vector<std::string> k = f;
    if (bytes_field < k.size()) k.erase(k.begin() + static_cast<std::ptrdiff_t>(bytes_field));
    return k;
  };
  std::stable_sort(lines.begin(), lines.end(),
                   [&](const auto& a, const auto& b) { return key(a) < key(b); });
  return lines;
}

void compare(const Run& run, size_t bytes_field) {
  REQUIRE(run.haproxy.size() == 13);
  REQUIRE(run.ferry.size() == run.haproxy.size());
  const auto ferry_lines = in_order(run.ferry, bytes_field);
  const auto haproxy_lines = in_order(run.haproxy, bytes_field);
  for (size_t i = 0; i < ferry_lines.size(); ++i) {
    const auto& ours = ferry_lines[i];
    const auto& theirs = haproxy_lines[i];
    INFO("ferry:   " << joined(ours));
    INFO("haproxy: " << joined(theirs));
    REQUIRE(ours.size() == theirs.size());
    for (size_t f = 0; f < ours.size(); ++f)
      if (f != bytes_field) CHECK(ours[f] == theirs[f]);
  }
}

}  // namespace

TEST_CASE("option httplog logs each transaction as HAProxy 2.6 does") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  const Run run = run_both("httplog");
  compare(run, 6);
  // A few fields spelled out, so that a change in both programs is noticed too.
  CHECK(joined(run.ferry.at(0)) == "127.0.0.1:N [N/Dec/N:N:N:N.N] web app/s1 N/N/N/N/N 200 " +
                                       run.ferry[0][6] +
                                       " - - ---- N/N/N/N/0 0/0 \"GET /200 HTTP/1.1\" ");
  CHECK(run.ferry.at(3).at(0) == "unix:2");  // the frontend's second listener
  CHECK(joined(run.ferry.at(4)).find("nosrv none/<NOSRV> N/-1/-1/-1/N 503") != std::string::npos);
  CHECK(run.ferry.at(7).back() == "\"<BADREQ>\"");
}

TEST_CASE("option tcplog in mode http logs each transaction in the TCP format as HAProxy 2.6") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  compare(run_both("tcplog"), 5);
}
