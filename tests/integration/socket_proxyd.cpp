// The systemd-socket-proxyd drop-in: ferry with no config file, `--listen` / `--server` on the
// command line, run under systemd-socket-activate as a .socket unit would start it.
#include <doctest/doctest.h>

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

ClientConn connect_when_listening(uint16_t port) {
  ClientConn c;
  poll_until([&] { return (c = ClientConn::tcp(port)).ok(); }, 10s, 20ms);
  return c;
}

ProgramSpec activated(uint16_t port, std::vector<std::string> ferry_args) {
  ProgramSpec spec{{"systemd-socket-activate", "-l", "127.0.0.1:" + std::to_string(port),
                    "--fdname=proxy", ferry_binary()},
                   "",
                   {}};
  for (auto& a : ferry_args)
    spec.argv.push_back(std::move(a));
  return spec;
}

}  // namespace

TEST_CASE("--listen fd@proxy --server ... balances, checks, and exits when idle") {
  REQUIRE(!find_program("systemd-socket-activate").empty());
  TempDir dir;
  NameServer a(UnixAddress::path(dir.file("app1.sock")), "app1");
  NameServer b(UnixAddress::path(dir.file("app2.sock")), "app2");
  const uint16_t port = free_tcp_port();
  Program proxy(dir, "proxyd",
                activated(port, {"--listen", "fd@proxy", "--server", a.config_address(), "--server",
                                 b.config_address(), "--balance", "roundrobin", "--check",
                                 "--exit-idle-time", "700ms"}));
  {
    ClientConn first = connect_when_listening(port);
    REQUIRE(first.ok());
    const std::string one = first.read_line(Deadline(10s));
    ClientConn second = ClientConn::tcp(port);
    const std::string two = second.read_line(Deadline(5s));
    CHECK(((one == "app1\n" && two == "app2\n") || (one == "app2\n" && two == "app1\n")));
    // Open connections keep it running past the idle time.
    CHECK_FALSE(proxy.wait_exit(1200ms).has_value());
  }
  // No connection for 700ms: it exits by itself, cleanly.
  const auto status = proxy.wait_exit(5s);
  REQUIRE_MESSAGE(status.has_value(), proxy.err());
  CHECK(*status == ExitStatus{true, 0, 0});
  CHECK(proxy.err().find("exiting (--exit-idle-time)") != std::string::npos);
}

TEST_CASE("--connections-max N holds connection N+1 until one closes") {
  TempDir dir;
  NameServer a(UnixAddress::path(dir.file("app.sock")), "app");
  const uint16_t port = free_tcp_port();
  Program proxy(dir, "proxyd",
                activated(port, {"--listen", "fd@proxy", "--server", a.config_address(),
                                 "--connections-max", "1", "--timeout", "30s"}));
  ClientConn first = connect_when_listening(port);
  REQUIRE(first.read_line(Deadline(10s)) == "app\n");
  ClientConn second = ClientConn::tcp(port);
  REQUIRE(second.ok());
  CHECK(second.stays_silent(300ms));
  first.close();
  CHECK(second.read_line(Deadline(5s)) == "app\n");
}

TEST_CASE("--dump-config=haproxy prints the equivalent config, and -c checks it") {
  const RunResult dump = run_ferry({"--listen", "fd@proxy", "--server", "unix@/run/app1.sock",
                                    "--server", "/run/app 2.sock", "--balance", "leastconn",
                                    "--check", "--connections-max", "64", "--dump-config=haproxy"});
  CHECK(dump.status == ExitStatus{true, 0, 0});
  CHECK(dump.out ==
        "# ferry's command line as a config file\n"
        "global\n"
        "    maxconn 64\n"
        "\n"
        "defaults\n"
        "    mode tcp\n"
        "    timeout connect 5s\n"
        "\n"
        "listen proxy\n"
        "    bind fd@proxy\n"
        "    balance leastconn\n"
        "    server s1 unix@/run/app1.sock check\n"
        "    server s2 '/run/app 2.sock' check\n");
  const RunResult json = run_ferry({"--listen", "fd@proxy", "--server", "unix@/run/app1.sock",
                                    "--balance", "leastconn", "--dump-config"});
  CHECK(json.out.find("\"balance\": \"leastconn\"") != std::string::npos);
  const RunResult bad = run_ferry(
      {"-c", "--listen", "fd@proxy", "--server", "unix@/run/a.sock", "--balance", "fastest"});
  CHECK(bad.status == ExitStatus{true, 1, 0});
  CHECK_MESSAGE(bad.err.find("command-line.cfg:10: error:") != std::string::npos, bad.err);
  CHECK(bad.err.find("--dump-config=haproxy") != std::string::npos);
  CHECK(run_ferry({"--listen", "fd@proxy"}).err.find("--listen needs at least one --server") !=
        std::string::npos);
}
