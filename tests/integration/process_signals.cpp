// How the daemon ends: SIGUSR1 (soft stop: stop listening, let open sessions finish, exit 0,
// remove the UNIX socket file) and SIGTERM (stop now).
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    maxconn 100
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/fe.sock
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)";

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace

TEST_CASE("SIGUSR1 lets the open session finish then exits 0 and removes the socket file") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const auto fe_sock = UnixAddress::path(dir.file("fe.sock"));
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir,
                     fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(ferry.wait_listening_unix(fe_sock));

  ClientConn open = ClientConn::unix_socket(fe_sock);
  REQUIRE(open.send_all("one\n"));
  REQUIRE(open.read_line() == "one\n");

  ferry.signal(SIGUSR1);
  REQUIRE(poll_until([&] { return !exists(fe_sock.name) && !ferry.is_listening_tcp(port); }, 3s));
  ClientConn late_tcp = ClientConn::tcp(port);
  CHECK_FALSE(late_tcp.ok());
  CHECK(late_tcp.error() == ECONNREFUSED);
  ClientConn late_unix = ClientConn::unix_socket(fe_sock);
  CHECK_FALSE(late_unix.ok());
  CHECK(late_unix.error() == ENOENT);
  CHECK_FALSE(ferry.wait_exit(200ms).has_value());  // still serving the open session

  REQUIRE(open.send_all("two\n"));
  CHECK(open.read_line() == "two\n");
  open.shutdown_write();
  const Received rest = open.read_until_eof(Deadline(3s));
  CHECK(rest.closed);
  CHECK(rest.data.empty());

  CHECK_MESSAGE(ferry.exit_text(3s) == "exit code 0", ferry.output());
  CHECK_FALSE(exists(fe_sock.name));
  CHECK(echo.accepted() == 1);
}

TEST_CASE("SIGTERM stops at once even with a session open") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  HoldServer hold(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir,
                     fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  ClientConn open = ClientConn::tcp(port);
  REQUIRE(open.send_all("one\n"));
  REQUIRE(hold.wait_active(1));  // the session is relaying

  const auto start = Clock::now();
  ferry.signal(SIGTERM);
  CHECK_MESSAGE(ferry.exit_text(1s) == "exit code 0", ferry.output());
  CHECK(elapsed_ms(start) < 1000);
  const Received r = open.read_until_eof(Deadline(1s));
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(hold.wait_active(0, 1s));  // the server side was closed too
}

// SIGHUP and SIGUSR2 (a reload in master-worker mode) used to kill a single process with their
// default action, leaving its socket file and pidfile behind; SIGTTOU/SIGTTIN stopped it.
TEST_CASE(
    "SIGHUP, SIGUSR2, SIGTTOU and SIGTTIN leave a single process running and nothing behind") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const auto fe_sock = UnixAddress::path(dir.file("fe.sock"));
  const std::string pidfile = dir.file("ferry.pid");
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir,
                     fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}),
                     {"-p", pidfile});
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(ferry.wait_listening_unix(fe_sock));
  REQUIRE(read_file(pidfile) == std::to_string(ferry.pid()) + "\n");

  for (const int sig : {SIGHUP, SIGUSR2, SIGTTOU, SIGTTIN}) {
    ferry.signal(sig);
    const std::string name = sig == SIGHUP    ? "SIGHUP"
                             : sig == SIGUSR2 ? "SIGUSR2"
                             : sig == SIGTTOU ? "SIGTTOU"
                                              : "SIGTTIN";
    // SIGHUP reopens the log files (none here); the others are ignored.
    REQUIRE_MESSAGE(ferry.wait_output(sig == SIGHUP ? "SIGHUP: reopened 0 of 0 log file(s)"
                                                    : "received " + name + ": ignored"),
                    ferry.output());
  }
  CHECK(ferry.running());
  ClientConn c = ClientConn::unix_socket(fe_sock);
  REQUIRE(c.send_all("still here\n"));
  CHECK(c.read_line() == "still here\n");
  c.close_gracefully(Deadline(3s));

  CHECK(ferry.stop_cleanly());
  CHECK_FALSE(exists(fe_sock.name));
  CHECK_FALSE(exists(pidfile));
}
