// Layer-7 health checks against real UNIX-socket servers (issue 3): a server that never answers,
// `option httpchk`, `option tcp-check` send/expect, and `option redis-check` against a real
// redis-server. State is read from ferry's log sentences (reference 3.9).
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

bool logged(const FerryProcess& ferry, const std::string& needle, size_t n, Millis timeout = 3s) {
  return poll_until([&] { return count_lines_with(ferry.stderr_text(), needle) >= n; }, timeout);
}

// The `check duration: Nms` of a log line, or -1.
long check_duration(const std::string& line) {
  const std::string key = "check duration: ";
  const size_t at = line.find(key);
  return at == std::string::npos ? -1 : std::stol(line.substr(at + key.size()));
}

std::string config(const std::string& backend_lines, const TempDir& dir, uint16_t port) {
  return fill_template(R"(defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
)" + backend_lines,
                       {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
}

}  // namespace

TEST_CASE("a server that accepts but never answers fails the L7 check by timeout, no fd leaks") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  HoldServer hold(UnixAddress::path(dir.file("hold.sock")));
  FerryProcess ferry(dir, config(R"(    option tcp-check
    tcp-check send PING\r\n
    tcp-check expect string +PONG
    server s1 unix@{DIR}/hold.sock check inter 100ms rise 2 fall 3
)",
                                 dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  const int fds_at_start = open_fd_count(ferry.pid());
  REQUIRE(logged(ferry, "Server be/s1 is DOWN", 1));
  const std::string down = first_line_with(ferry.stderr_text(), "is DOWN");
  CHECK(down.find("Server be/s1 is DOWN, reason: Layer7 timeout, info: \" at step 2 of tcp-check "
                  "(expect string '+PONG')\", check duration: ") != std::string::npos);
  CHECK(check_duration(down) >= 100);  // no `timeout check`: `inter` bounds the whole check
  CHECK(check_duration(down) < 300);
  CHECK(ferry.wait_output("backend 'be' has no server available!"));

  // Every timed-out check closed its socket: the server sees at most the one under way.
  REQUIRE(hold.wait_accepted(6, 5s));
  CHECK(poll_until([&] { return hold.active() <= 1; }, 2s));
  CHECK(open_fd_count(ferry.pid()) <= fds_at_start + 1);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("`timeout check` bounds the check once connected") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  HoldServer hold(UnixAddress::path(dir.file("hold.sock")));
  FerryProcess ferry(dir, config(R"(    timeout check 50ms
    option tcp-check
    tcp-check send PING\r\n
    tcp-check expect string +PONG
    server s1 unix@{DIR}/hold.sock check inter 2s
)",
                                 dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(logged(ferry, "Server be/s1 is DOWN", 1));
  const long duration = check_duration(first_line_with(ferry.stderr_text(), "is DOWN"));
  CHECK(duration >= 50);
  CHECK(duration < 250);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("option httpchk over a UNIX socket: 200 passes, 500 fails") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  HttpStatusServer http(UnixAddress::path(dir.file("http.sock")), 500);
  FerryProcess ferry(dir, config(R"(    option httpchk GET /health
    server h1 unix@{DIR}/http.sock check inter 100ms fastinter 50ms rise 2 fall 2
)",
                                 dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(logged(ferry, "Server be/h1 is DOWN", 1));  // the first failure from INI
  CHECK(first_line_with(ferry.stderr_text(), "is DOWN")
            .find("Server be/h1 is DOWN, reason: Layer7 wrong status, code: 500, info: "
                  "\"Internal Server Error\", check duration: ") != std::string::npos);
  CHECK(http.last_request_line() == "GET /health HTTP/1.0");

  http.set_status(200);
  REQUIRE(logged(ferry, "Server be/h1 is UP", 1));
  CHECK(first_line_with(ferry.stderr_text(), "is UP")
            .find("Server be/h1 is UP, reason: Layer7 check passed, code: 200") !=
        std::string::npos);

  http.set_status(500);
  CHECK(logged(ferry, "Server be/h1 is DOWN", 2));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("tcp-check send/expect: a wrong answer fails, the right one passes") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  LineReplyServer line(UnixAddress::path(dir.file("line.sock")), "-ERR not ready\r\n");
  FerryProcess ferry(dir, config(R"(    option tcp-check
    tcp-check send PING\r\n
    tcp-check expect string +PONG
    server t1 unix@{DIR}/line.sock check inter 100ms fastinter 50ms rise 2 fall 2
)",
                                 dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(logged(ferry, "Server be/t1 is DOWN", 1));
  CHECK(first_line_with(ferry.stderr_text(), "is DOWN")
            .find("Server be/t1 is DOWN, reason: Layer7 invalid response, info: \"TCPCHK did not "
                  "match content '+PONG' at step 2\", check duration: ") != std::string::npos);
  CHECK(line.last_line() == "PING\r\n");

  line.set_reply("+PONG\r\n");
  REQUIRE(logged(ferry, "Server be/t1 is UP", 1));
  CHECK(first_line_with(ferry.stderr_text(), "is UP")
            .find("Server be/t1 is UP, reason: Layer7 check passed, code: 0, info: "
                  "\"(tcp-check)\", check duration: ") != std::string::npos);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("tcp-check send-binary / expect binary") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  LineReplyServer line(UnixAddress::path(dir.file("line.sock")), "+PONG\r\n");
  FerryProcess ferry(dir, config(R"(    option tcp-check
    tcp-check send-binary 50494e470d0a
    tcp-check expect binary 2b504f4e47
    server t1 unix@{DIR}/line.sock check inter 100ms fastinter 50ms rise 2 fall 2
)",
                                 dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(line.wait_accepted(3));
  CHECK(line.last_line() == "PING\r\n");
  CHECK(ferry.stderr_text().find("is DOWN") == std::string::npos);
  line.set_reply("-ERR\r\n");
  REQUIRE(logged(ferry, "Server be/t1 is DOWN", 1));
  CHECK(first_line_with(ferry.stderr_text(), "is DOWN")
            .find("reason: Layer7 invalid response, info: \"TCPCHK did not match content "
                  "(binary) at step 2\"") != std::string::npos);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("option redis-check against a real redis-server on a UNIX socket") {
  if (!RedisProcess::available()) {
    MESSAGE("redis-server is not installed; skipped");
    return;
  }
  TempDir dir;
  const uint16_t port = free_tcp_port();
  RedisProcess redis(dir);
  FerryProcess ferry(dir, config(R"(    option redis-check
    server r1 unix@{DIR}/redis.sock check inter 100ms fastinter 50ms rise 2 fall 2
)",
                                 dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(logged(ferry, "Server be/r1 is DOWN", 1));  // not started yet

  REQUIRE(redis.start());
  REQUIRE(logged(ferry, "Server be/r1 is UP", 1));
  CHECK(first_line_with(ferry.stderr_text(), "is UP")
            .find("Server be/r1 is UP, reason: Layer7 check passed, code: 0, info: \"Redis "
                  "server is ok\"") != std::string::npos);
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.ok());
  REQUIRE(c.send_all("PING\r\n"));
  CHECK(c.read_line(Deadline(2s)) == "+PONG\r\n");
  c.close();

  redis.stop();
  CHECK(logged(ferry, "Server be/r1 is DOWN", 2));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
