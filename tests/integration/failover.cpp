// Servers that are missing, come back, or are all gone: retries, redispatch, and what the client
// and the traffic log see.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// Sends one line and expects it echoed back.
bool echo_round_trip(uint16_t port, const std::string& line) {
  ClientConn c = ClientConn::tcp(port);
  if (!c.ok() || !c.send_all(line)) return false;
  return c.read_line(Deadline(5s)) == line;
}

// The first line of `text` that contains `needle`, or "".
std::string line_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) return line;
  return "";
}

}  // namespace

TEST_CASE("a missing server socket costs no client anything with redispatch and retries 3") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer s1(UnixAddress::path(dir.file("s1.sock")));
  EchoServer s3(UnixAddress::path(dir.file("s3.sock")));  // s2.sock never exists
  const std::string cfg = fill_template(R"(global
    maxconn 100
defaults
    mode tcp
    retries 3
    option redispatch
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock
    server s3 unix@{DIR}/s3.sock
)",
                                        {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  int served = 0;
  while (served < 300 && echo_round_trip(port, "ping " + std::to_string(served) + "\n"))
    ++served;
  CHECK(served == 300);
  CHECK(s1.accepted() + s3.accepted() == 300);
  CHECK(s1.accepted() >= 100);
  CHECK(s3.accepted() >= 100);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("a backend that restarts and re-creates its socket is used again") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer s1(UnixAddress::path(dir.file("s1.sock")));
  const std::string cfg = fill_template(R"(defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/s1.sock
)",
                                        {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  CHECK(echo_round_trip(port, "before\n"));

  s1.stop();  // the socket file goes away
  {
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.ok());
    c.send_all("while down\n");
    const Received r = c.read_until_eof(Deadline(3s));
    CHECK(r.closed);
    CHECK(r.data.empty());
  }

  s1.start();  // same path, new socket file
  CHECK(echo_round_trip(port, "after\n"));
  CHECK(s1.accepted() == 2);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

// ferry in front of `servers` (backend lines, `{DIR}` the temp dir) that cannot take a client:
// the client is closed at once, with nothing, and the tcplog line says why. Returns that line.
std::string refused_client_log(const std::string& servers) {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const std::string cfg = fill_template(R"(global
    maxconn 100
    log stderr format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
{SERVERS})",
                                        {{"PORT", std::to_string(port)}, {"SERVERS", servers}});
  FerryProcess ferry(dir, fill_template(cfg, {{"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.ok());
  const auto start = Clock::now();
  c.send_all("anyone there?\n");
  const Received r = c.read_until_eof(Deadline(3s));
  const double took = elapsed_ms(start);
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(took < 500);

  REQUIRE_MESSAGE(ferry.wait_output(" fe be/"), ferry.output());
  const std::string line = line_with(ferry.output(), " fe be/");
  CHECK(line.rfind("127.0.0.1:", 0) == 0);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
  return line;
}

TEST_CASE("with every server gone the client is closed at once and the tcplog line shows it") {
  // client:port [date] fe be/server Tw/Tc/Tt bytes SC actconn/... : a connection failure.
  const std::string line = refused_client_log(
      "    server s1 unix@{DIR}/gone1.sock\n    server s2 unix@{DIR}/gone2.sock\n");
  INFO("log line: " << line);
  CHECK(line.find(" SC ") != std::string::npos);
  CHECK(line.find(" 0/-1/") != std::string::npos);  // a server was tried: no queue, no connect
}

// As HAProxy 2.6 logs it (observed): no server reached, so Tw is -1 as well as Tc.
TEST_CASE("with no usable server the tcplog line shows <NOSRV> and -1 for Tw and Tc") {
  const std::string line = refused_client_log(
      "    server s1 unix@{DIR}/s1.sock disabled\n    server s2 unix@{DIR}/s2.sock disabled\n");
  INFO("log line: " << line);
  CHECK(line.find(" fe be/<NOSRV> -1/-1/") != std::string::npos);
  CHECK(line.find(" SC ") != std::string::npos);
}
