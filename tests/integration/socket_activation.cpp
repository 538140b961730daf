// Socket activation as systemd does it, with Debian's systemd-socket-activate (which binds the
// sockets, waits for the first connection, and execs ferry with LISTEN_FDS/LISTEN_FDNAMES):
// `bind fd@NAME`, a `bind` on the address of an inherited socket, an unused inherited socket
// named in a warning, and `bind fd@...` without such a socket. Before issue 11 ferry answered
// "Address already in use" and rejected `bind fd@3`.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <string>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/deadline.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    nbthread 2
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend web
    bind fd@web
    default_backend a
frontend api
    bind {API}
    default_backend b
backend a
    server a1 {A}
backend b
    server b1 {B}
)";

// The first line a client of `port` reads (connecting until something listens there).
std::string greeting_tcp(uint16_t port) {
  ClientConn c;
  poll_until([&] { return (c = ClientConn::tcp(port)).ok(); }, 10s, 20ms);
  return c.ok() ? c.read_line(Deadline(10s)) : "(no listener)";
}

std::string greeting_unix(const std::string& path) {
  ClientConn c = ClientConn::unix_socket(path);
  return c.ok() ? c.read_line(Deadline(10s)) : "(cannot connect)";
}

// kConfig with both backends on `server`, written to `dir`/ferry.cfg; returns its path.
std::string config_with_one_server(const TempDir& dir, const NameServer& server) {
  return dir.write_file("ferry.cfg",
                        fill_template(kConfig, {{"API", "unix@" + dir.file("api.sock")},
                                                {"A", server.config_address()},
                                                {"B", server.config_address()}}));
}

}  // namespace

TEST_CASE("systemd-socket-activate: fd@NAME, an address match, and an unused socket warned") {
  REQUIRE_MESSAGE(!find_program("systemd-socket-activate").empty(),
                  "systemd-socket-activate is missing (Debian package systemd)");
  TempDir dir;
  NameServer a(UnixAddress::path(dir.file("a.sock")), "a");
  NameServer b(UnixAddress::path(dir.file("b.sock")), "b");
  const uint16_t web = free_tcp_port(), spare = free_tcp_port();
  const std::string api = dir.file("api.sock");
  const std::string cfg = dir.write_file(
      "ferry.cfg",
      fill_template(
          kConfig, {{"API", "unix@" + api}, {"A", a.config_address()}, {"B", b.config_address()}}));
  Program activator(dir, "activate",
                    {{"systemd-socket-activate", "-l", "127.0.0.1:" + std::to_string(web), "-l",
                      api, "-l", "127.0.0.1:" + std::to_string(spare), "--fdname=web:api:spare",
                      ferry_binary(), "-db", "-f", cfg},
                     "",
                     {}});
  // The first connection makes systemd-socket-activate exec ferry, which then accepts it.
  CHECK(greeting_tcp(web) == "a\n");
  for (int i = 0; i < 20; ++i)  // both threads poll the one inherited socket
    REQUIRE(greeting_tcp(web) == "a\n");
  CHECK(greeting_unix(api) == "b\n");
  CHECK(poll_until(
      [&] {
        return activator.err().find(
                   "inherited socket fd 5 'spare' (127.0.0.1:" + std::to_string(spare) +
                   ") is not used by any 'bind'") != std::string::npos;
      },
      5s));
  CHECK(activator.err().find("Address already in use") == std::string::npos);
  CHECK(activator.running());
  CHECK(activator.stop() == ExitStatus{true, 0, 0});
  struct stat st {};
  CHECK_MESSAGE(::lstat(api.c_str(), &st) == 0, "ferry removed a socket file it did not create");
}

TEST_CASE("bind fd@... without an inherited socket is an error listing what was inherited") {
  TempDir dir;
  NameServer a(UnixAddress::path(dir.file("a.sock")), "a");
  const std::string cfg = config_with_one_server(dir, a);
  CHECK(run_ferry({"-c", "-f", cfg}).status == ExitStatus{true, 0, 0});  // valid as a config
  const RunResult r = run_ferry({"-db", "-f", cfg});
  CHECK(r.status == ExitStatus{true, 1, 0});
  CHECK_MESSAGE(r.err.find(": bind fd@web: no inherited socket has that fd number or name "
                           "(inherited: none: ferry was not started by socket activation or by "
                           "a master)") != std::string::npos,
                r.err);
}

TEST_CASE("LISTEN_FDS meant for another process is left alone, with a warning") {
  TempDir dir;
  NameServer a(UnixAddress::path(dir.file("a.sock")), "a");
  const std::string cfg = config_with_one_server(dir, a);
  const ProgramResult r = run_program(
      {{ferry_binary(), "-db", "-f", cfg}, "", {{"LISTEN_PID", "1"}, {"LISTEN_FDS", "1"}}});
  CHECK(r.status == ExitStatus{true, 1, 0});
  CHECK_MESSAGE(r.err.find("socket activation: LISTEN_FDS is meant for pid 1, not this process") !=
                    std::string::npos,
                r.describe());
}

TEST_CASE("master-worker: the master holds the inherited socket, and a reload keeps serving it") {
  TempDir dir;
  NameServer a(UnixAddress::path(dir.file("a.sock")), "a");
  NameServer b(UnixAddress::path(dir.file("b.sock")), "b");
  const uint16_t web = free_tcp_port();
  const std::string cfg = config_with_one_server(dir, a);
  Program master(dir, "activate",
                 {{"systemd-socket-activate", "-l", "127.0.0.1:" + std::to_string(web),
                   "--fdname=web", ferry_binary(), "-W", "-f", cfg},
                  "",
                  {}});
  CHECK(greeting_tcp(web) == "a\n");
  // The new config sends `web` to b: once the new worker runs, the same socket answers b.
  dir.write_file("ferry.cfg", fill_template(kConfig, {{"API", "unix@" + dir.file("api.sock")},
                                                      {"A", b.config_address()},
                                                      {"B", b.config_address()}}));
  ::kill(master.pid(), SIGUSR2);
  CHECK(poll_until([&] { return greeting_tcp(web) == "b\n"; }, 10s, 50ms));
  CHECK(master.err().find("is not used by any 'bind'") == std::string::npos);
  CHECK(master.stop() == ExitStatus{true, 0, 0});
}
