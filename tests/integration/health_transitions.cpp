// What a health transition does to traffic (issue 3, reference 3.7 and 4.1): on-marked-down
// shutdown-sessions closes live sessions at the DOWN transition, backup servers take over when no
// active server is usable, and on-marked-up shutdown-backup-sessions sends clients back.
#include <doctest/doctest.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kDefaults = R"(defaults
    mode tcp
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
)";

// A connection through ferry that a NameServer greeted and now holds open.
struct HeldClient {
  ClientConn conn;
  std::string server;
};

HeldClient hold_one(uint16_t port) {
  HeldClient h{ClientConn::tcp(port), ""};
  if (!h.conn.ok()) return h;
  const std::string line = h.conn.read_line(Deadline(2s));
  if (!line.empty()) h.server = line.substr(0, line.size() - 1);
  return h;
}

}  // namespace

TEST_CASE("on-marked-down shutdown-sessions closes the live sessions at the DOWN transition") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  NameServer s3(UnixAddress::path(dir.file("s3.sock")), "s3");
  const std::string cfg = fill_template(std::string(kDefaults) + R"(backend be
    balance roundrobin
    default-server check inter 100ms fastinter 50ms rise 2 fall 2
    server s1 unix@{DIR}/s1.sock on-marked-down shutdown-sessions
    server s2 unix@{DIR}/s2.sock
    server s3 unix@{DIR}/s3.sock
)",
                                        {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  std::map<std::string, HeldClient> held;
  for (int i = 0; i < 3; ++i) {
    HeldClient h = hold_one(port);
    REQUIRE(!h.server.empty());
    held[h.server] = std::move(h);
  }
  REQUIRE(held.size() == 3);

  ::unlink(dir.file("s1.sock").c_str());
  ::unlink(dir.file("s2.sock").c_str());
  REQUIRE(ferry.wait_output("Server be/s1 is DOWN", 3s));
  // s1's client is closed at once; s2 (without the option) keeps its session.
  const Received r1 = held["s1"].conn.read_until_eof(Deadline(1s));
  CHECK(r1.closed);
  CHECK(r1.data.empty());
  REQUIRE(ferry.wait_output("Server be/s2 is DOWN", 3s));
  CHECK(first_line_with(ferry.stderr_text(), "Server be/s1 is DOWN").find("1 sessions active") !=
        std::string::npos);
  CHECK(held["s2"].conn.stays_silent(300ms));
  CHECK(held["s3"].conn.stays_silent(10ms));
  CHECK(hold_one(port).server == "s3");
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("backup takes over while the active server is DOWN, shutdown-backup-sessions on UP") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer b1(UnixAddress::path(dir.file("b1.sock")), "b1");
  const std::string cfg = fill_template(std::string(kDefaults) + R"(backend be
    server a1 unix@{DIR}/a1.sock check inter 100ms fastinter 50ms rise 2 fall 2 on-marked-up shutdown-backup-sessions
    server b1 unix@{DIR}/b1.sock check inter 100ms backup
)",
                                        {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess ferry(dir, cfg);  // a1.sock does not exist yet
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(ferry.wait_output("Server be/a1 is DOWN", 3s));
  CHECK(first_line_with(ferry.stderr_text(), "Server be/a1 is DOWN")
            .find("0 active and 1 backup servers left. Running on backup.") != std::string::npos);
  HeldClient on_backup = hold_one(port);
  CHECK(on_backup.server == "b1");

  NameServer a1(UnixAddress::path(dir.file("a1.sock")), "a1");
  REQUIRE(ferry.wait_output("Server be/a1 is UP", 3s));
  const Received r = on_backup.conn.read_until_eof(Deadline(1s));
  CHECK(r.closed);
  CHECK(hold_one(port).server == "a1");
  CHECK(ferry.stderr_text().find("no server available") == std::string::npos);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
