// Master-worker mode (-W, -Ws): the master holds the sockets and the pidfile, a worker carries
// the traffic, SIGUSR2 starts a new worker on the same sockets and soft-stops the old one, and
// systemd hears about it through $NOTIFY_SOCKET.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/client_conn.hpp"
#include "tests/support/connect_load.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/notify_listener.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    maxconn 200
    nbthread {THREADS}
    stats socket {DIR}/admin.sock level admin
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

std::string config_for(const TempDir& dir, uint16_t port, int threads = 1) {
  return fill_template(
      kConfig,
      {{"PORT", std::to_string(port)}, {"DIR", dir.path()}, {"THREADS", std::to_string(threads)}});
}

// $NOTIFY_SOCKET for the processes started while it lives.
class NotifyEnv {
 public:
  explicit NotifyEnv(const std::string& name) { ::setenv("NOTIFY_SOCKET", name.c_str(), 1); }
  ~NotifyEnv() { ::unsetenv("NOTIFY_SOCKET"); }
};

// The pids of the workers the master forked, in order, from its "New worker (N) forked" lines.
std::vector<std::string> worker_pids(const FerryProcess& ferry) {
  static const std::regex forked(R"(New worker \((\d+)\) forked)");
  std::vector<std::string> out;
  const std::string text = ferry.output();
  for (std::sregex_iterator it(text.begin(), text.end(), forked), end; it != end; ++it)
    out.push_back((*it)[1]);
  return out;
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

bool process_gone(const std::string& pid) {
  return ::kill(std::stoi(pid), 0) != 0;
}

bool echoes(ClientConn& c, const std::string& line) {
  return c.send_all(line) && c.read_line() == line;
}

}  // namespace

TEST_CASE("-Ws: READY, RELOADING and READY around a reload, a failed reload's STATUS, STOPPING") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const std::string pidfile = dir.file("ferry.pid");
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  NotifyListener notify(dir.file("notify.sock"));
  NotifyEnv env(notify.name());
  FerryProcess ferry(dir, config_for(dir, port), {"-Ws", "-p", pidfile});
  const std::string master = std::to_string(ferry.pid());

  auto m = notify.wait_messages(1);
  REQUIRE_MESSAGE(m.size() == 1, ferry.output());
  auto workers = worker_pids(ferry);
  REQUIRE(workers.size() == 1);
  CHECK(m[0] == "READY=1\nMAINPID=" + master + "\nSTATUS=worker " + workers[0] +
                    ", 0 sessions, servers 1/1 up");
  CHECK(read_file(pidfile) == master + "\n");  // the master's pid, as HAProxy writes it
  CHECK(ferry.is_listening_tcp(port));         // the master holds the sockets

  ferry.signal(SIGUSR2);
  m = notify.wait_messages(3);
  REQUIRE_MESSAGE(m.size() == 3, ferry.output());
  CHECK(std::regex_match(m[1], std::regex("RELOADING=1\nMONOTONIC_USEC=[0-9]+")));
  workers = worker_pids(ferry);
  REQUIRE(workers.size() == 2);
  CHECK(m[2] == "READY=1\nMAINPID=" + master + "\nSTATUS=worker " + workers[1] +
                    " (1 old finishing), 0 sessions, servers 1/1 up");
  CHECK(poll_until([&] { return process_gone(workers[0]); }, 5s));
  CHECK(ferry.wait_output("Former worker (" + workers[0] + ") exited with code 0 (Exit)"));

  // A config that fails the check: the running worker stays, systemd is told why.
  dir.write_file("ferry.cfg", config_for(dir, port) + "    frobnicate\n");
  ferry.signal(SIGUSR2);
  m = notify.wait_messages(5);
  REQUIRE_MESSAGE(m.size() == 5, ferry.output());
  CHECK(std::regex_match(m[3], std::regex("RELOADING=1\nMONOTONIC_USEC=[0-9]+")));
  const std::string failed =
      "READY=1\nSTATUS=Reload failed: configuration error: " + ferry.config_path() + ":16: error: ";
  CHECK(m[4].substr(0, failed.size()) == failed);
  CHECK(m[4].find("'frobnicate'") != std::string::npos);
  CHECK(m[4].ends_with("; worker " + workers[1] + " keeps running"));
  CHECK(worker_pids(ferry).size() == 2);
  CHECK(ferry.wait_output("Loading failure! configuration error: "));
  ClientConn c = ClientConn::tcp(port);
  CHECK(echoes(c, "still served\n"));
  c.close();

  ferry.signal(SIGTERM);
  m = notify.wait_messages(6);
  REQUIRE(m.size() == 6);
  CHECK(m[5] == "STOPPING=1");
  CHECK_MESSAGE(ferry.exit_text(5s) == "exit code 0", ferry.output());
  CHECK_FALSE(exists(pidfile));
  CHECK_FALSE(exists(dir.file("fe.sock")));
  CHECK_FALSE(exists(dir.file("admin.sock")));
}

TEST_CASE("-Ws notifies an abstract NOTIFY_SOCKET ('@name') and -W alone notifies nobody") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  NotifyListener notify("@ferry-test-notify-" + std::to_string(::getpid()));
  NotifyEnv env(notify.name());
  {
    FerryProcess ferry(dir, config_for(dir, port), {"-W"});
    REQUIRE_MESSAGE(ferry.wait_output("is ready"), ferry.output());
    CHECK(notify.wait_messages(1, 200ms).empty());
    CHECK(ferry.stop_cleanly());
  }
  FerryProcess ferry(dir, config_for(dir, port), {"-Ws"});
  const auto m = notify.wait_messages(1);
  REQUIRE_MESSAGE(m.size() == 1, ferry.output());
  CHECK(m[0].starts_with("READY=1\nMAINPID=" + std::to_string(ferry.pid()) + "\n"));
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("a crashed worker takes the master down with its status (exit-on-failure, as HAProxy)") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const std::string pidfile = dir.file("ferry.pid");
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config_for(dir, port), {"-W", "-p", pidfile});
  REQUIRE_MESSAGE(ferry.wait_output("is ready"), ferry.output());
  const auto workers = worker_pids(ferry);
  REQUIRE(workers.size() == 1);
  // SIGABRT, as a failed assertion: the sanitizer build handles a SIGSEGV itself (it reports and
  // exits with its own status), so it would not show the master's part.
  ::kill(std::stoi(workers[0]), SIGABRT);
  CHECK_MESSAGE(ferry.exit_text(5s) == "exit code 134", ferry.output());
  CHECK(ferry.output().find("Current worker (" + workers[0] +
                            ") exited with code 134 (Aborted)") != std::string::npos);
  CHECK(ferry.output().find("All workers exited. Exiting... (134)") != std::string::npos);
  CHECK_FALSE(exists(pidfile));
  CHECK_FALSE(exists(dir.file("fe.sock")));
}

TEST_CASE("hard-stop-after bounds how long an old worker lingers with an open session") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const std::string config = std::regex_replace(config_for(dir, port), std::regex("global\n"),
                                                "global\n    hard-stop-after 300ms\n");
  FerryProcess ferry(dir, config, {"-W"});
  REQUIRE_MESSAGE(ferry.wait_output("is ready"), ferry.output());
  ClientConn open = ClientConn::tcp(port);
  REQUIRE(echoes(open, "one\n"));
  ferry.signal(SIGUSR2);
  REQUIRE(poll_until([&] { return worker_pids(ferry).size() == 2; }, 5s));
  const auto workers = worker_pids(ferry);
  REQUIRE(ferry.wait_output("worker " + workers[1] + " is ready"));
  CHECK(echoes(open, "two\n"));  // the old worker still serves it
  const Received r = open.read_until_eof(Deadline(5s));
  CHECK(r.closed);  // ... until hard-stop-after closes it
  CHECK(ferry.wait_output("hard-stop-after 300 ms expired: closing the 1 session(s) still open"));
  CHECK(poll_until([&] { return process_gone(workers[0]); }, 5s));
  ClientConn c = ClientConn::tcp(port);
  CHECK(echoes(c, "new worker\n"));
  c.close();
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("a reload binds a new address and lets go of a removed one") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config_for(dir, port), {"-W"});
  REQUIRE_MESSAGE(ferry.wait_output("is ready"), ferry.output());
  const std::string moved =
      std::regex_replace(config_for(dir, port), std::regex("fe\\.sock"), "fe2.sock");
  dir.write_file("ferry.cfg", moved);
  ferry.signal(SIGUSR2);
  REQUIRE(poll_until([&] { return worker_pids(ferry).size() == 2; }, 5s));
  REQUIRE(ferry.wait_output("worker " + worker_pids(ferry)[1] + " is ready"));
  ClientConn c = ClientConn::unix_socket(dir.file("fe2.sock"));
  CHECK(echoes(c, "new path\n"));
  c.close();
  CHECK(poll_until([&] { return !exists(dir.file("fe.sock")); }, 5s));
  CHECK(ferry.stop_cleanly());
  CHECK_FALSE(exists(dir.file("fe2.sock")));
}

// The reload test of the production issue: 20 reloads under a constant load of new connections
// (TCP with one socket per thread, and UNIX) and long sessions: nobody is refused, every session
// open at a reload finishes on its old worker, the pidfile stays the master's.
TEST_CASE("20 reloads under load: no failed connection, sessions finish on their old worker") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const std::string pidfile = dir.file("ferry.pid");
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config_for(dir, port, 2), {"-W", "-p", pidfile});
  REQUIRE_MESSAGE(ferry.wait_output("is ready"), ferry.output());
  ConnectLoad load(port, dir.file("fe.sock"), 4);
  const auto start = Clock::now();
  for (int i = 1; i <= 20; ++i) {
    ClientConn session =
        i % 2 ? ClientConn::tcp(port) : ClientConn::unix_socket(dir.file("fe.sock"));
    REQUIRE(echoes(session, "before\n"));
    ferry.signal(SIGUSR2);
    REQUIRE(
        poll_until([&] { return worker_pids(ferry).size() == static_cast<size_t>(i + 1); }, 5s));
    const auto workers = worker_pids(ferry);
    REQUIRE_MESSAGE(ferry.wait_output("worker " + workers.back() + " is ready"), ferry.output());
    CHECK(echoes(session, "after\n"));  // on the old worker, still running for it
    CHECK_FALSE(process_gone(workers[workers.size() - 2]));
    CHECK(session.close_gracefully(Deadline(3s)));
    CHECK(poll_until([&] { return process_gone(workers[workers.size() - 2]); }, 5s));
  }
  load.stop();
  MESSAGE(load.succeeded(), " connections in ", elapsed_ms(start), " ms");
  CHECK(load.succeeded() > 100);
  CHECK_MESSAGE(load.failed() == 0, doctest::toString(load.failures().size()),
                " failures, first: ", load.failures().empty() ? "" : load.failures().front());
  CHECK(read_file(pidfile) == std::to_string(ferry.pid()) + "\n");
  const std::string out = ferry.output();
  size_t former = 0;
  for (size_t at = 0; (at = out.find("exited with code 0 (Exit)", at)) != std::string::npos; ++at)
    ++former;
  CHECK(former == 20);
  CHECK(ferry.stop_cleanly());
}
