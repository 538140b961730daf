// `log` targets through the real binary: each format's bytes next to the real HAProxy 2.6 on UNIX
// datagram and UDP targets (issue 11), the level filter and the minimum level, and log-tag.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/datagram_receiver.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kFormats[] = {"local", "rfc3164", "rfc5424", "priority",
                                "short", "timed",   "iso",     "raw"};

const char* const kProxy = R"(
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen {NAME}
    bind 127.0.0.1:{PORT}
    server s1 unix@{DIR}/echo.sock
)";

// One program's targets: every format, on a UNIX datagram socket and on UDP, with and without
// `len 80`.
struct Targets {
  std::map<std::string, DatagramReceiver> by_name;  // "local unix len80", ...
  std::string config;                               // the `log` lines
  Targets(const TempDir& dir, const std::string& who) {
    for (const std::string format : kFormats)
      for (const std::string len : {"", "len 80 "}) {
        const std::string key = format + (len.empty() ? "" : " len80");
        add(key + " unix",
            DatagramReceiver::unix_path(
                dir.file(who + "-" + key.substr(0, 3) + std::to_string(by_name.size()))),
            len + "format " + format);
        add(key + " udp", DatagramReceiver::udp(), len + "format " + format);
      }
  }
  void add(const std::string& key, DatagramReceiver r, const std::string& options) {
    config += "    log " + r.target() + " " + options + " local3\n";
    by_name.emplace(key, std::move(r));
  }
};

uint16_t local_port(const ClientConn& c) {
  sockaddr_in sin{};
  socklen_t len = sizeof(sin);
  ::getsockname(c.fd(), reinterpret_cast<sockaddr*>(&sin), &len);
  return ntohs(sin.sin_port);
}

// One connection through the proxy on `port`; the needle that finds its tcplog line.
std::string one_session(uint16_t port) {
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.ok());
  REQUIRE(c.send_all("hello\n"));
  REQUIRE(c.read_line() == "hello\n");
  return "127.0.0.1:" + std::to_string(local_port(c)) + " [";
}

// Each target's datagram for the session, with every number after the priority written `N`
// (pids, ports, dates and timings differ between two runs; the rest must not).
std::map<std::string, std::string> received(Targets& t, const std::string& needle) {
  std::map<std::string, std::string> out;
  static const std::regex digits("[0-9]+");
  for (auto& [key, r] : t.by_name) {
    const std::string d = r.receive_with(needle, Deadline(5s));
    const size_t keep = d.starts_with('<') ? d.find('>') + 1 : 0;
    out[key] = d.substr(0, keep) + std::regex_replace(d.substr(keep), digits, "N");
  }
  return out;
}

}  // namespace

TEST_CASE("every format and len, on UNIX datagram and UDP targets, as HAProxy 2.6 sends them") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  TempDir dir;
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  // A long proxy name, so that `len 80` cuts every format inside the line.
  const std::string name(100, 'f');
  Targets ours(dir, "f"), theirs(dir, "h");
  const uint16_t port = free_tcp_port(), hport = free_tcp_port();
  auto config = [&](const Targets& t, uint16_t p) {
    return "global\n    log-tag lb\n" + t.config +
           fill_template(kProxy,
                         {{"NAME", name}, {"PORT", std::to_string(p)}, {"DIR", dir.path()}});
  };
  FerryProcess ferry(dir, config(ours, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  Program haproxy(
      dir, "haproxy",
      ProgramSpec{
          {"haproxy", "-db", "-f", dir.write_file("h.cfg", config(theirs, hport))}, "", {}});
  REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hport).ok(); }, 10s), haproxy.err());

  const auto ferry_lines = received(ours, one_session(port));
  const auto haproxy_lines = received(theirs, one_session(hport));
  for (const auto& [key, line] : haproxy_lines) {
    INFO(key);
    CHECK(line.size() > 1);
    CHECK(ferry_lines.at(key) == line);
  }
  CHECK(ferry_lines.at("local unix") == "<158>Dec  N N:N:N lb[N]: N.N.N.N:N [N/Dec/N:N:N:N.N] " +
                                            name + " " + name + "/sN N/N/N N -- N/N/N/N/N N/N\n");
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

const char* const kLevels = R"(global
    log-tag edge
    log {NOTICE} format short local0 notice
    log {ALL} format short local0
    log {CAPPED} format priority daemon debug notice
    log {TAGGED} local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    log-tag shop
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock check inter 100
    server s2 unix@{DIR}/missing.sock check inter 100
)";

// Issue 11: `log ... local0 notice` sent info lines (traffic) all the same.
TEST_CASE("a level filters lines out, a minimum level caps them, log-tag names the proxy") {
  TempDir dir;
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  auto notice = DatagramReceiver::unix_path(dir.file("notice.sock"));
  auto all = DatagramReceiver::unix_path(dir.file("all.sock"));
  auto capped = DatagramReceiver::unix_path(dir.file("capped.sock"));
  auto tagged = DatagramReceiver::unix_path(dir.file("tagged.sock"));
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(dir, fill_template(kLevels, {{"NOTICE", notice.target()},
                                                  {"ALL", all.target()},
                                                  {"CAPPED", capped.target()},
                                                  {"TAGGED", tagged.target()},
                                                  {"PORT", std::to_string(port)},
                                                  {"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  const std::string pid = std::to_string(ferry.pid());

  // s2 goes DOWN: an alert (<1>) in HAProxy's logs, capped to notice (<29> = daemon + notice).
  CHECK(capped.receive_with("Server be/s2 is DOWN", Deadline(5s)).starts_with("<29>Server"));
  CHECK(all.receive_with("Server be/s2 is DOWN", Deadline(5s)).starts_with("<1>Server"));
  CHECK(tagged.receive_with("Server be/s2 is DOWN", Deadline(5s)).find(" edge[" + pid + "]: ") !=
        std::string::npos);

  const std::string needle = one_session(port);
  const std::string traffic = all.receive_with(needle, Deadline(5s));
  CHECK(traffic.starts_with("<6>127.0.0.1:"));
  CHECK(traffic.ends_with("\n"));
  CHECK(tagged.receive_with(needle, Deadline(5s)).find(" shop[" + pid + "]: 127.0.0.1:") !=
        std::string::npos);
  CHECK(capped.receive_with(needle, Deadline(5s)).starts_with("<30>127.0.0.1:"));
  // The notice target was sent to before `all`: had it taken the line, it would be queued now.
  while (notice.has_datagram()) {
    const std::string d = notice.receive();
    INFO(d);
    CHECK_FALSE(d.starts_with("<6>"));
  }
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
