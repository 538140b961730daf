// Master-worker mode (-W, -Ws): the master holds the sockets and the pidfile, a worker carries
// the traffic, SIGUSR2 starts a new worker on the same sockets and soft-stops the old one, and
// systemd hears about it through $NOTIFY_SOCKET.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/carried_state.hpp"
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

// Reloads with SIGUSR2 and waits until the new worker, the `nth` forked, is ready.
bool reload_to(FerryProcess& ferry, size_t nth) {
  ferry.signal(SIGUSR2);
  return poll_until([&] { return worker_pids(ferry).size() == nth; }, 5s) &&
         ferry.wait_output("worker " + worker_pids(ferry).back() + " is ready");
}

// kConfig with the six servers of carried_state_backend() in `be`.
std::string state_config_for(const TempDir& dir, uint16_t port) {
  const std::string config = config_for(dir, port, 2);
  return config.substr(0, config.find("\nbackend be\n") + 1) +
         carried_state_backend(dir.file("echo.sock"));
}

// `ferry -W -p ferry.pid` on state_config_for() plus `extra` (where {DIR} is the directory),
// the servers' state set at run time on its first worker.
struct StatefulMaster {
  explicit StatefulMaster(const std::string& extra = "")
      : ferry(dir, state_config_for(dir, port) + fill_template(extra, {{"DIR", dir.path()}}),
              {"-W", "-p", dir.file("ferry.pid")}) {
    REQUIRE_MESSAGE(ferry.wait_output("is ready"), ferry.output());
    set_runtime_state(admin);
  }
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo{UnixAddress::path(dir.file("echo.sock"))};
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  FerryProcess ferry;
};

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
  CHECK(ferry.output().find("Current worker (" + workers[0] + ") exited with code 134 (Aborted)") !=
        std::string::npos);
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
  REQUIRE_MESSAGE(reload_to(ferry, 2), ferry.output());
  const auto workers = worker_pids(ferry);
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

// A reload while the first worker is still starting: that worker, once ready, used to stop the
// newer one too, and with both gone the master exited.
TEST_CASE("a reload while the worker starts: the newer worker takes over once ready") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config_for(dir, port, 2), {"-W"});
  REQUIRE(poll_until([&] { return worker_pids(ferry).size() == 1; }, 5s, 1ms));
  const pid_t first = std::stoi(worker_pids(ferry)[0]);
  ::kill(first, SIGSTOP);  // ready only once the next worker is forked
  ferry.signal(SIGUSR2);
  REQUIRE_MESSAGE(poll_until([&] { return worker_pids(ferry).size() == 2; }, 5s), ferry.output());
  ::kill(first, SIGCONT);
  const auto workers = worker_pids(ferry);
  REQUIRE_MESSAGE(ferry.wait_output("worker " + workers[1] + " is ready"), ferry.output());
  CHECK(poll_until([&] { return process_gone(workers[0]); }, 5s));
  CHECK_FALSE(process_gone(workers[1]));
  ClientConn c = ClientConn::tcp(port);
  CHECK(echoes(c, "served\n"));
  c.close();
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
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
  REQUIRE_MESSAGE(reload_to(ferry, 2), ferry.output());
  ClientConn c = ClientConn::unix_socket(dir.file("fe2.sock"));
  CHECK(echoes(c, "new path\n"));
  c.close();
  CHECK(poll_until([&] { return !exists(dir.file("fe.sock")); }, 5s));
  CHECK(ferry.stop_cleanly());
  CHECK_FALSE(exists(dir.file("fe2.sock")));
}

// The reload test of the production issue: 20 reloads under a constant load of new connections
// (TCP with one socket per thread, and UNIX) and long sessions: nobody is refused, every session
// open at a reload finishes on its old worker, the pidfile stays the master's, and the servers'
// state set at run time carries over to every new worker (maintenance, drain, weight, a forced
// DOWN that its checks have not brought back yet, an UP server's full health).
TEST_CASE("20 reloads under load: no failed connection, sessions finish on their old worker") {
  StatefulMaster m;
  FerryProcess& ferry = m.ferry;
  CHECK(server_status(m.admin, "be", "s6") == "UP 1/3");  // never checked yet
  ConnectLoad load(m.port, m.dir.file("fe.sock"), 4);
  const auto start = Clock::now();
  for (int i = 1; i <= 20; ++i) {
    ClientConn session =
        i % 2 ? ClientConn::tcp(m.port) : ClientConn::unix_socket(m.dir.file("fe.sock"));
    REQUIRE(echoes(session, "before\n"));
    REQUIRE_MESSAGE(reload_to(ferry, static_cast<size_t>(i + 1)), ferry.output());
    const auto workers = worker_pids(ferry);
    CHECK_MESSAGE(carried_states(m.admin) == kCarriedStates, "reload ", i, "\n", ferry.output());
    CHECK(server_status(m.admin, "be", "s6") == "UP");  // full health, as it was
    CHECK(echoes(session, "after\n"));                  // on the old worker, still running for it
    CHECK_FALSE(process_gone(workers[workers.size() - 2]));
    CHECK(session.close_gracefully(Deadline(3s)));
    CHECK(poll_until([&] { return process_gone(workers[workers.size() - 2]); }, 5s));
  }
  load.stop();
  MESSAGE(load.succeeded(), " connections in ", elapsed_ms(start), " ms");
  CHECK(load.succeeded() > 100);
  CHECK_MESSAGE(load.failed() == 0, doctest::toString(load.failures().size()),
                " failures, first: ", load.failures().empty() ? "" : load.failures().front());
  CHECK(read_file(m.dir.file("ferry.pid")) == std::to_string(ferry.pid()) + "\n");
  const std::string out = ferry.output();
  size_t former = 0;
  for (size_t at = 0; (at = out.find("exited with code 0 (Exit)", at)) != std::string::npos; ++at)
    ++former;
  CHECK(former == 20);
  CHECK(out.find("server-state:") == std::string::npos);  // nothing the config changed
  CHECK(out.find("did not hand over") == std::string::npos);
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("a reload that changes a server's address: the config wins for it with a warning") {
  StatefulMaster m;
  EchoServer moved(UnixAddress::path(m.dir.file("moved.sock")));
  m.dir.write_file("ferry.cfg", std::regex_replace(state_config_for(m.dir, m.port),
                                                   std::regex("server s2 unix@[^ \n]*"),
                                                   "server s2 unix@" + m.dir.file("moved.sock")));
  REQUIRE_MESSAGE(reload_to(m.ferry, 2), m.ferry.output());
  CHECK(m.ferry.output().find("server-state: be/s2: its address changed in the configuration "
                              "(unix@" +
                              m.dir.file("echo.sock") + ", now unix@" + m.dir.file("moved.sock") +
                              "); its saved state is ignored") != std::string::npos);
  std::string expected(kCarriedStates);
  expected.replace(expected.find("s2 MAINT"), 8, "s2 no check");
  CHECK_MESSAGE(carried_states(m.admin) == expected, m.ferry.output());
  CHECK(m.ferry.stop_cleanly());
}

// A backend that loads its state from a server state file takes it from there on a reload too
// (what the operator asked for); the others take the previous worker's.
TEST_CASE("a reload: backends with load-server-state-from-file take the file's state") {
  StatefulMaster m(
      "global\n    server-state-file {DIR}/state\nbackend filed\n"
      "    load-server-state-from-file global\n"
      "    server f1 unix@{DIR}/echo.sock\n    server f2 unix@{DIR}/echo.sock\n");
  admin_query(m.admin, "set server filed/f2 weight 9");
  CHECK(server_states(m.admin, "filed") == "f1 no check 1\nf2 no check 9\n");
  std::ofstream(m.dir.file("state")) << "1\n9 filed 1 f1 unix@" << m.dir.file("echo.sock")
                                     << " 0 1 1 1 0 1 0 0 0 0 0 0 - 0 - 0 0 - - 0\n";
  REQUIRE_MESSAGE(reload_to(m.ferry, 2), m.ferry.output());
  CHECK(server_states(m.admin, "filed") == "f1 MAINT 1\nf2 no check 1\n");
  CHECK_MESSAGE(carried_states(m.admin) == kCarriedStates, m.ferry.output());
  CHECK(m.ferry.stop_cleanly());
}

// The master waits for the old worker's state a bounded time: a worker that does not answer
// (stopped here) delays the reload by 2 s at most, and the new worker starts from the config.
TEST_CASE("a reload whose old worker does not hand its state over starts from the config") {
  StatefulMaster m;
  const pid_t old_worker = std::stoi(worker_pids(m.ferry)[0]);
  ::kill(old_worker, SIGSTOP);
  const auto start = Clock::now();
  REQUIRE_MESSAGE(reload_to(m.ferry, 2), m.ferry.output());
  CHECK(elapsed_ms(start) < 4000);
  CHECK(m.ferry.output().find("worker " + std::to_string(old_worker) +
                              " did not hand over its server state within 2 s: the new worker's "
                              "servers start from the configuration") != std::string::npos);
  ::kill(old_worker, SIGCONT);  // it answers late, then stops as told
  CHECK(poll_until([&] { return process_gone(std::to_string(old_worker)); }, 5s));
  CHECK(carried_states(m.admin) ==
        "s1 no check 1\ns2 no check 1\ns3 no check 1\ns4 no check 1\ns5 UP 1\ns6 UP 1\n");
  CHECK(server_status(m.admin, "be", "s6") == "UP 1/3");  // as a fresh start leaves it
  admin_query(m.admin, "set server be/s3 weight 7");      // the next reload carries state again
  REQUIRE_MESSAGE(reload_to(m.ferry, 3), m.ferry.output());
  CHECK(stat_cell(m.admin, "be", "s3", "weight") == "7");
  CHECK(m.ferry.stop_cleanly());
}
