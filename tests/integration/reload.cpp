// Seamless reload as HAProxy does it: a new process started with `-sf OLDPID` binds the same
// TCP port and UNIX path while the old one still listens, then tells the old one to finish its
// sessions and exit. No client is refused at any point, and the old process does not remove the
// socket file the new one now owns.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <memory>
#include <string>

#include "tests/support/carried_state.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/connect_load.hpp"
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

const char* const kExposeConfig = R"(global
    maxconn 200
    nbthread 2
    stats socket {DIR}/admin.sock level admin expose-fd listeners
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/fe.sock
    default_backend be
)";

}  // namespace

TEST_CASE("-sf hands the listeners over: the old process finishes its session, nobody is refused") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const auto fe_sock = UnixAddress::path(dir.file("fe.sock"));
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const std::string config =
      fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess old_ferry(dir, config);
  REQUIRE_MESSAGE(old_ferry.wait_listening_tcp(port), old_ferry.output());
  ClientConn open = ClientConn::tcp(port);
  REQUIRE(open.send_all("before\n"));
  REQUIRE(open.read_line() == "before\n");

  FerryProcess new_ferry(dir, config, {"-sf", std::to_string(old_ferry.pid())});
  REQUIRE_MESSAGE(new_ferry.wait_listening_tcp(port), new_ferry.output());
  REQUIRE(new_ferry.wait_listening_unix(fe_sock));
  REQUIRE(poll_until([&] { return !old_ferry.is_listening_tcp(port); }, 3s));

  for (int i = 0; i < 20; ++i) {  // served by the new process, over TCP and UNIX
    ClientConn c = i % 2 ? ClientConn::tcp(port) : ClientConn::unix_socket(fe_sock);
    REQUIRE_MESSAGE(c.ok(), "connection ", i, " refused");
    REQUIRE(c.send_all("x\n"));
    REQUIRE(c.read_line() == "x\n");
  }
  REQUIRE(open.send_all("after\n"));  // the old process still serves its session
  CHECK(open.read_line() == "after\n");
  open.close_gracefully(Deadline(3s));
  CHECK_MESSAGE(old_ferry.exit_text(3s) == "exit code 0", old_ferry.output());
  CHECK(::access(fe_sock.name.c_str(), F_OK) == 0);  // still the new process's socket
  ClientConn c = ClientConn::unix_socket(fe_sock);
  CHECK(c.ok());
  CHECK(new_ferry.stop_cleanly());
}

// The old process used to remove the pidfile when it finished, after the new one had written its
// own pid there: the next `-sf $(cat pidfile)` then had no pid to stop.
TEST_CASE("-p with -sf: the old process finishing last leaves the new process's pidfile") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const std::string pidfile = dir.file("ferry.pid");
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const std::string config =
      fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess old_ferry(dir, config, {"-p", pidfile});
  REQUIRE_MESSAGE(old_ferry.wait_listening_tcp(port), old_ferry.output());
  ClientConn open = ClientConn::tcp(port);
  REQUIRE(open.send_all("before\n"));
  REQUIRE(open.read_line() == "before\n");

  FerryProcess new_ferry(dir, config, {"-p", pidfile, "-sf", std::to_string(old_ferry.pid())});
  REQUIRE_MESSAGE(new_ferry.wait_listening_tcp(port), new_ferry.output());
  REQUIRE(poll_until([&] { return !old_ferry.is_listening_tcp(port); }, 3s));
  CHECK(read_file(pidfile) == std::to_string(new_ferry.pid()) + "\n");
  open.close_gracefully(Deadline(3s));  // the old process ends after the new one started
  CHECK_MESSAGE(old_ferry.exit_text(3s) == "exit code 0", old_ferry.output());
  CHECK(read_file(pidfile) == std::to_string(new_ferry.pid()) + "\n");
  CHECK(new_ferry.stop_cleanly());
  CHECK(::access(pidfile.c_str(), F_OK) != 0);  // removed by its owner
}

TEST_CASE("without -sf a second process on the same TCP port fails with a clear message") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const std::string config =
      fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess first(dir, config);
  REQUIRE(first.wait_listening_tcp(port));
  TempDir other;
  const RunResult second = run_ferry({"-db", "-f", first.config_path()}, 5s);
  CHECK(second.status.code == 1);
  CHECK(second.err.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(second.err.find("Address already in use") != std::string::npos);
  CHECK(first.stop_cleanly());
}

// Another program listening with SO_REUSEPORT would silently share the port with ferry: ferry
// refuses to start, and finds out by binding a probe socket, not by connecting to the program.
TEST_CASE("a port another program shares with SO_REUSEPORT is refused without connecting to it") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const int other = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  REQUIRE(other >= 0);
  const int one = 1;
  ::setsockopt(other, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  ::setsockopt(other, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(other, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0);
  REQUIRE(::listen(other, 16) == 0);

  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const std::string config = dir.write_file(
      "ferry.cfg", fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
  const RunResult r = run_ferry({"-db", "-f", config}, 5s);
  CHECK(r.status.code == 1);
  CHECK(r.err.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(r.err.find("another process is listening there") != std::string::npos);
  CHECK(::accept(other, nullptr, nullptr) < 0);  // nothing knocked
  CHECK(errno == EAGAIN);
  ::close(other);
}

// Issue 10, finding 7: with -sf alone the new process binds a second SO_REUSEPORT group, and the
// connections the kernel had queued on the old process's sockets were reset when it closed them.
// With -x the new process takes the old one's sockets over: nothing is closed, nobody is reset.
// Issue 11: it takes the servers' state over the same way (maintenance, drain, weight, a forced
// DOWN, an UP server's full health), and a session open at a reload finishes on the old process.
TEST_CASE("-sf -x: 30 reloads under continuous new connections, none reset or refused") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const std::string config =
      fill_template(kExposeConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}) +
      carried_state_backend(dir.file("echo.sock"));
  const auto admin_sock = UnixAddress::path(dir.file("admin.sock"));
  const AdminTarget admin = AdminTarget::unix_socket(admin_sock.name);
  std::deque<std::unique_ptr<FerryProcess>> processes;
  processes.push_back(std::make_unique<FerryProcess>(dir, config));
  REQUIRE_MESSAGE(processes.back()->wait_listening_unix(admin_sock), processes.back()->output());
  set_runtime_state(admin);
  const auto fe_sock = UnixAddress::path(dir.file("fe.sock"));
  ConnectLoad load(port, fe_sock.name, 4);
  for (int i = 0; i < 30; ++i) {
    FerryProcess& old_ferry = *processes.back();
    ClientConn session = i % 2 ? ClientConn::tcp(port) : ClientConn::unix_socket(fe_sock);
    REQUIRE(session.send_all("before\n"));
    REQUIRE(session.read_line() == "before\n");
    processes.push_back(std::make_unique<FerryProcess>(
        dir, config,
        std::vector<std::string>{"-x", admin_sock.name, "-sf", std::to_string(old_ferry.pid())}));
    FerryProcess& new_ferry = *processes.back();
    REQUIRE_MESSAGE(new_ferry.wait_listening_unix(admin_sock), new_ferry.output());
    REQUIRE(session.send_all("after\n"));  // the old process still serves it
    CHECK(session.read_line() == "after\n");
    CHECK(session.close_gracefully(Deadline(3s)));
    CHECK_MESSAGE(old_ferry.exit_text(5s) == "exit code 0", old_ferry.output());
    CHECK_MESSAGE(carried_states(admin) == kCarriedStates, "reload ", i, "\n", new_ferry.output());
    CHECK(server_status(admin, "be", "s6") == "UP");  // full health, as it was
    CHECK_MESSAGE(new_ferry.output().find("cannot take") == std::string::npos, new_ferry.output());
    processes.pop_front();
  }
  REQUIRE(poll_until([&] { return load.succeeded() > 50; }, 5s));
  load.stop();
  MESSAGE(load.succeeded(), " connections");
  CHECK_MESSAGE(load.failed() == 0, load.failed(),
                " failures, first: ", load.failures().empty() ? "" : load.failures().front());
  ClientConn c = ClientConn::unix_socket(fe_sock);
  CHECK(c.ok());
  c.close();
  CHECK(processes.back()->stop_cleanly());
  CHECK_FALSE(::access(fe_sock.name.c_str(), F_OK) == 0);  // removed by its last owner
}

TEST_CASE("_getsocks needs a stats socket with expose-fd listeners") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const std::string config =
      fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}) +
      "global\n    stats socket " + dir.file("admin.sock") + " level admin\n";
  FerryProcess old_ferry(dir, config);
  REQUIRE_MESSAGE(old_ferry.wait_listening_tcp(port), old_ferry.output());
  TempDir other;  // its own output files
  FerryProcess new_ferry(other, config,
                         {"-x", dir.file("admin.sock"), "-sf", std::to_string(old_ferry.pid())});
  REQUIRE_MESSAGE(new_ferry.wait_listening_tcp(port), new_ferry.output());
  CHECK_MESSAGE(new_ferry.wait_output("cannot take the listening sockets over from '" +
                                      dir.file("admin.sock") +
                                      "': unexpected reply: Permission denied: this stats socket "
                                      "has no 'expose-fd listeners'.; binding the addresses "
                                      "instead"),
                new_ferry.output());
  CHECK_MESSAGE(old_ferry.exit_text(5s) == "exit code 0", old_ferry.output());
  CHECK(new_ferry.stop_cleanly());
}
