// Inactivity timeouts of established sessions: `timeout client`/`timeout server` (the smaller
// applies while neither side moves a byte), `timeout tunnel` replacing both, and traffic in
// either direction keeping a session alive.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kConfig = R"(global
    maxconn 100
    log stderr format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 1s
    timeout client {CLIENT}
    timeout server {SERVER}
    {TUNNEL}
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)";

struct Setup {
  TempDir dir;
  uint16_t port = free_tcp_port();
  EchoServer echo{UnixAddress::path(dir.file("echo.sock"))};
  FerryProcess ferry;
  Setup(const std::string& client, const std::string& server, const std::string& tunnel)
      : ferry(dir, fill_template(kConfig, {{"PORT", std::to_string(port)},
                                           {"DIR", dir.path()},
                                           {"CLIENT", client},
                                           {"SERVER", server},
                                           {"TUNNEL", tunnel}})) {
    REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  }
};

// Opens a session, proves it works, then measures how long ferry keeps it while idle.
double idle_close_ms(Setup& s) {
  ClientConn c = ClientConn::tcp(s.port);
  REQUIRE(c.send_all("hi\n"));
  REQUIRE(c.read_line() == "hi\n");
  const auto start = Clock::now();
  const Received r = c.read_until_eof(Deadline(5s));
  REQUIRE(r.closed);
  return elapsed_ms(start);
}

}  // namespace

TEST_CASE("an idle session is closed after the smaller of timeout client and timeout server") {
  Setup s("300ms", "5s", "");
  const double ms = idle_close_ms(s);
  CHECK(ms >= 250);
  CHECK(ms < 2000);
  CHECK(s.ferry.wait_output(" cD "));  // client-side inactivity in the log's termination state
  Setup t("5s", "300ms", "");
  const double ms2 = idle_close_ms(t);
  CHECK(ms2 >= 250);
  CHECK(ms2 < 2000);
  CHECK(t.ferry.wait_output(" sD "));
}

TEST_CASE("timeout tunnel replaces client and server timeouts once established") {
  Setup s("200ms", "200ms", "timeout tunnel 1200ms");
  const double ms = idle_close_ms(s);
  CHECK(ms >= 1000);
  CHECK(ms < 3000);
  // HAProxy 2.6 ends an idle tunnel on the client's side (observed): cD, not sD.
  CHECK(s.ferry.wait_output(" cD "));
}

TEST_CASE("traffic keeps a session alive past its inactivity timeout") {
  Setup s("400ms", "400ms", "");
  ClientConn c = ClientConn::tcp(s.port);
  const auto start = Clock::now();
  for (int i = 0; elapsed_ms(start) < 1500; ++i) {  // ~4 timeouts long, a message every 100 ms
    const std::string line = "m" + std::to_string(i) + "\n";
    REQUIRE(c.send_all(line));
    REQUIRE(c.read_line() == line);
    CHECK(c.stays_silent(100ms));  // nothing unexpected arrives, and not closed
  }
  c.close();
  CHECK(s.ferry.stop_cleanly());
}
