// ferryctl against a running ferry (issue 4): its exit statuses, which scripts and logrotate hooks
// trust (0 success, 1 error reply, 2 usage error, 3 cannot connect, 4 a wait that expired, 5 the
// keep-up guard refused), its shortcuts (disable [--wait] [--keep-up] [--force], enable, drain,
// status), over UNIX and TCP stats sockets, to one instance or several (issue 16).
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"

using namespace ferry::test;

namespace {

ProgramResult ctl(std::vector<std::string> args, std::string input = "",
                  std::vector<std::pair<std::string, std::string>> env = {}) {
  args.insert(args.begin(), ferryctl_binary());
  env.insert(env.begin(), {"FERRY_SOCKET", ""});  // none unless the test gives one
  ProgramSpec spec{std::move(args), std::move(input), std::move(env)};
  return run_program(spec, 15s);
}

bool exited_with(const ProgramResult& r, int code) {
  return r.status.exited && r.status.code == code;
}

// `ferryctl status` lines split into words; the one whose first word is `name`.
std::vector<std::string> status_line(const std::string& table, const std::string& name) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;)
      w.push_back(word);
    if (!w.empty() && w[0] == name) return w;
  }
  return {};
}

}  // namespace

TEST_CASE("ferryctl: 0 on success, the shortcuts do what they say, over UNIX and TCP") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  for (const AdminTarget& t : {f.admin(), f.admin_tcp()}) {
    const std::string s = t.ctl_address();
    CAPTURE(s);
    ProgramResult r = ctl({"-s", s, "disable", "be/s1"});
    CHECK_MESSAGE(exited_with(r, 0), r.describe());
    CHECK(r.out == "be/s1 is in maintenance.\n");
    CHECK(r.err.empty());
    CHECK(f.status("s1") == "MAINT");
    r = ctl({"-s", s, "drain", "be/s1"});
    CHECK_MESSAGE(exited_with(r, 0), r.describe());
    CHECK(f.status("s1") == "DRAIN");
    r = ctl({"-s", s, "enable", "be/s1"});
    CHECK_MESSAGE(exited_with(r, 0), r.describe());
    CHECK(f.status("s1") == "no check");

    // Plain commands: the reply without its blank line.
    r = ctl({"-s", s, "get", "weight", "be/s1"});
    CHECK_MESSAGE(exited_with(r, 0), r.describe());
    CHECK(r.out == "1 (initial 1)\n");
    r = ctl({"-s", s, "show", "stat"});
    CHECK_MESSAGE(exited_with(r, 0), r.describe());
    std::string error;
    const auto table = StatTable::parse(r.out, error);
    CHECK_MESSAGE(table, error);
    // Commands on standard input, and the socket from $FERRY_SOCKET.
    r = ctl({}, "set server be/s2 state drain\nget weight be/s2\n", {{"FERRY_SOCKET", s}});
    CHECK_MESSAGE(exited_with(r, 0), r.describe());
    CHECK(r.out == "1 (initial 1)\n");
    CHECK(f.status("s2") == "DRAIN");
    r = ctl({"-s", s, "enable", "be/s2"});
    CHECK(exited_with(r, 0));
  }
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("ferryctl: 1 when the reply is an error, the message on stderr") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  const std::string s = f.admin().path;
  ProgramResult r = ctl({"-s", s, "disable", "be/nosuch"});
  CHECK_MESSAGE(exited_with(r, 1), r.describe());
  CHECK(r.err == "No such server.\n");
  CHECK(r.out.empty());
  r = ctl({"-s", f.user().path, "disable", "be/s1"});
  CHECK_MESSAGE(exited_with(r, 1), r.describe());
  CHECK(r.err == "Permission denied\n");
  CHECK(f.status("s1") == "no check");
  r = ctl({"-s", s, "set", "server", "be/s1", "weight", "300"});
  CHECK_MESSAGE(exited_with(r, 1), r.describe());
  CHECK(r.err == "Absolute weight can only be between 0 and 256 inclusive.\n");
  r = ctl({"-s", s, "disabel", "server", "be/s1"});  // unknown command
  CHECK_MESSAGE(exited_with(r, 1), r.describe());
  CHECK(r.err.rfind("Unknown command", 0) == 0);
  // One failing command among several fails the whole run.
  r = ctl({"-s", f.admin_tcp().ctl_address()}, "get weight be/s1\nget weight be/zz\n");
  CHECK_MESSAGE(exited_with(r, 1), r.describe());
  CHECK(r.output().find("No such server.") != std::string::npos);
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("ferryctl: 2 on a usage error, before connecting to anything") {
  TempDir dir;
  const std::string nowhere = dir.file("nobody.sock");  // would be status 3 if it connected
  const std::vector<std::vector<std::string>> misuses = {
      {},                                                                // no socket at all
      {"-s", nowhere},                                                   // no command (stdin empty)
      {"-s"},                                                            // -s without its value
      {"-x", "-s", nowhere, "status"},                                   // unknown option
      {"-s", nowhere, "-t", "soon", "status"},                           // bad timeout
      {"-s", nowhere, "status", "be"},                                   // status takes no argument
      {"-s", nowhere, "drain"},                                          // drain needs B/S
      {"-s", nowhere, "enable", "be/s1", "now"},                         // too many arguments
      {"-s", nowhere, "disable", "be/s1", "--wait"},                     // --wait needs a duration
      {"-s", nowhere, "disable", "be/s1", "--wait", "abc"},              // not a duration
      {"-s", nowhere, "disable", "be/s1", "--later", "5s"},              // not --wait
      {"-s", nowhere, "drain", "be/s1", "--keep-up", "-1"},              // not a count
      {"-s", nowhere, "drain", "be/s1", "--keep-up"},                    // --keep-up needs a count
      {"-s", nowhere, "disable", "be/s1", "--keep-up", "2", "--force"},  // contradictory
  };
  for (const auto& args : misuses) {
    std::string joined;
    for (const auto& a : args)
      joined += a + " ";
    CAPTURE(joined);
    const ProgramResult r = ctl(args);
    CHECK_MESSAGE(exited_with(r, 2), r.describe());
    CHECK(r.out.empty());
    CHECK(r.err.find("usage: ferryctl") != std::string::npos);
  }
  const ProgramResult help = ctl({"--help"});
  CHECK(exited_with(help, 0));
  CHECK(
      help.out.find("Exit status: 0 success, 1 error reply, 2 usage error, 3 cannot connect, 4") !=
      std::string::npos);
}

TEST_CASE("ferryctl: 3 when it cannot connect") {
  TempDir dir;
  const std::string stale = dir.write_file("stale.sock", "");  // a file, not a listening socket
  for (const std::string& s :
       {dir.file("nobody.sock"), stale, "127.0.0.1:" + std::to_string(free_tcp_port())}) {
    CAPTURE(s);
    const ProgramResult r = ctl({"-s", s, "disable", "be/s1"});
    CHECK_MESSAGE(exited_with(r, 3), r.describe());
    CHECK(r.err.rfind("ferryctl: cannot connect to ", 0) == 0);
  }
}

TEST_CASE("ferryctl disable --wait: 0 once drained, 4 when the wait expires") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  ClientConn held = f.client_on(0);
  REQUIRE(held.ok());
  ProgramResult r = ctl({"-s", f.admin().path, "disable", "be/s1", "--wait", "300ms"});
  CHECK_MESSAGE(exited_with(r, 4), r.describe());
  CHECK(r.err == "Wait delay expired.\n");
  CHECK(f.status("s1") == "MAINT");  // disabled all the same
  r = ctl({"-s", f.admin_tcp().ctl_address(), "wait", "200ms", "srv-removable", "be/s1"});
  CHECK_MESSAGE(exited_with(r, 4), r.describe());

  REQUIRE(held.close_gracefully(Deadline(2s)));
  r = ctl({"-s", f.admin().path, "disable", "be/s1", "--wait", "5s"});
  CHECK_MESSAGE(exited_with(r, 0), r.describe());
  CHECK(r.out == "be/s1 is in maintenance.\nDone.\n");
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("ferryctl disable and drain keep --keep-up other servers usable: 5 when they cannot") {
  AdminFerry f;  // be: s1 and s2
  REQUIRE_MESSAGE(f.start(), f.process().output());
  const std::string s = f.admin().path;
  ProgramResult r = ctl({"-s", s, "disable", "be/s1"});
  REQUIRE_MESSAGE(exited_with(r, 0), r.describe());
  for (const char* verb : {"disable", "drain"}) {
    CAPTURE(verb);
    r = ctl({"-s", s, verb, "be/s2"});
    CHECK_MESSAGE(exited_with(r, 5), r.describe());
    CHECK(r.err ==
          "Kept up: be/s2 stays in rotation: backend 'be' has 0 other usable servers and must "
          "keep 1 (keep-up). Retry when more are UP, or use 'disable server' to force.\n");
    CHECK(f.status("s2") == "no check");
  }
  // A server already out of rotation changes state freely: MAINT -> DRAIN -> MAINT.
  CHECK(exited_with(ctl({"-s", s, "drain", "be/s1"}), 0));
  CHECK(f.status("s1") == "DRAIN");
  CHECK(exited_with(ctl({"-s", s, "disable", "be/s1"}), 0));
  // --keep-up 0 and --force take the last one out all the same.
  r = ctl({"-s", s, "drain", "be/s2", "--keep-up", "0"});
  CHECK_MESSAGE(exited_with(r, 0), r.describe());
  CHECK(r.out == "be/s2 is draining.\n");
  CHECK(exited_with(ctl({"-s", s, "enable", "be/s2"}), 0));
  r = ctl({"-s", s, "disable", "be/s2", "--force"});
  CHECK_MESSAGE(exited_with(r, 0), r.describe());
  CHECK(f.status("s2") == "MAINT");
  // Two servers up: keep-up 2 refuses, keep-up 1 passes.
  CHECK(exited_with(ctl({"-s", s, "enable", "be/s1"}), 0));
  CHECK(exited_with(ctl({"-s", s, "enable", "be/s2"}), 0));
  CHECK(exited_with(ctl({"-s", s, "disable", "be/s1", "--keep-up", "2"}), 5));
  CHECK(exited_with(ctl({"-s", s, "disable", "be/s1", "--keep-up", "1"}), 0));
  // The admin command itself: its level, its arguments.
  CHECK(f.query("safe disable server be/s2 keep-up many") ==
        "'keep-up' expects a number of servers (0 or more).\n\n");
  CHECK(f.query("safe enable server be/s2") ==
        "Usage: safe disable|drain server <bk>/<srv> [keep-up <n>] [wait <delay>]\n\n");
  CHECK(f.query("safe disable server be/nosuch") == "No such server.\n\n");
  r = ctl({"-s", f.user().path, "disable", "be/s2", "--keep-up", "0"});
  CHECK_MESSAGE(exited_with(r, 1), r.describe());
  CHECK(r.err == "Permission denied\n");
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("ferryctl disable --wait: waits until another server is back, within the same delay") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  const std::string s = f.admin().path;
  REQUIRE(exited_with(ctl({"-s", s, "disable", "be/s1"}), 0));
  ProgramResult r = ctl({"-s", s, "disable", "be/s2", "--wait", "300ms"});
  CHECK_MESSAGE(exited_with(r, 5), r.describe());
  CHECK(r.err ==
        "Kept up: be/s2 stays in rotation: backend 'be' did not have 1 other usable server(s) "
        "before the wait expired (keep-up).\n");
  CHECK(f.status("s2") == "no check");

  TempDir dir;
  Program waiting(
      dir, "waiting",
      ProgramSpec{{ferryctl_binary(), "-s", s, "disable", "be/s2", "--wait", "20s"}, "", {}});
  // It waits (s2 stays in rotation) until s1 is back, then takes s2 out.
  CHECK_FALSE(waiting.wait_exit(300ms));
  CHECK(f.status("s2") == "no check");
  REQUIRE(exited_with(ctl({"-s", s, "enable", "be/s1"}), 0));
  const auto status = waiting.wait_exit(10s);
  REQUIRE(status);
  CHECK_MESSAGE((status->exited && status->code == 0), waiting.err());
  CHECK(waiting.out() == "be/s2 is in maintenance.\nDone.\n");
  CHECK(f.status("s2") == "MAINT");
  CHECK(f.status("s1") == "no check");
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("two hooks racing for the last two servers: exactly one takes its server out") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  TempDir dir;
  for (int round = 0; round < 20; ++round) {
    CAPTURE(round);
    Program a(dir, "a",
              ProgramSpec{{ferryctl_binary(), "-s", f.admin().path, "disable", "be/s1"}, "", {}});
    Program b(
        dir, "b",
        ProgramSpec{
            {ferryctl_binary(), "-s", f.admin_tcp().ctl_address(), "disable", "be/s2"}, "", {}});
    const auto sa = a.wait_exit(10s), sb = b.wait_exit(10s);
    REQUIRE((sa && sb && sa->exited && sb->exited));
    CHECK(((sa->code == 0 && sb->code == 5) || (sa->code == 5 && sb->code == 0)));
    const bool s1_out = f.status("s1") == "MAINT", s2_out = f.status("s2") == "MAINT";
    CHECK(s1_out != s2_out);
    f.query("enable server be/s1");
    f.query("enable server be/s2");
  }
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("ferryctl -s A -s B: the same command to every instance, 0 only when all succeeded") {
  AdminFerry a, b;
  REQUIRE_MESSAGE(a.start(), a.process().output());
  REQUIRE_MESSAGE(b.start(), b.process().output());
  ProgramResult r =
      ctl({"-s", a.admin().path, "-s", b.admin_tcp().ctl_address(), "disable", "be/s1"});
  CHECK_MESSAGE(exited_with(r, 0), r.describe());
  CHECK(r.out == "==> " + a.admin().path + " <==\nbe/s1 is in maintenance.\n==> " +
                     b.admin_tcp().ctl_address() + " <==\nbe/s1 is in maintenance.\n");
  CHECK(a.status("s1") == "MAINT");
  CHECK(b.status("s1") == "MAINT");
  // One instance refuses (its s2 is out already): the other still acts, the status is 5.
  REQUIRE(b.query("disable server be/s2") == "\n");
  REQUIRE(a.query("enable server be/s1") == "\n");
  REQUIRE(b.query("enable server be/s1") == "\n");
  r = ctl({"-s", a.admin().path, "-s", b.admin().path, "disable", "be/s1"});
  CHECK_MESSAGE(exited_with(r, 5), r.describe());
  CHECK(a.status("s1") == "MAINT");
  CHECK(b.status("s1") == "no check");
  CHECK(r.err.find("Kept up: be/s1") != std::string::npos);
  // An instance that cannot be reached: 3, the others served.
  TempDir dir;
  r = ctl({"-s", dir.file("nobody.sock"), "-s", b.admin().path, "get", "weight", "be/s1"});
  CHECK_MESSAGE(exited_with(r, 3), r.describe());
  CHECK(r.out.find("1 (initial 1)") != std::string::npos);
  CHECK(a.process().stop_cleanly());
  CHECK(b.process().stop_cleanly());
}

TEST_CASE("ferryctl status: every backend, then its servers, with their state") {
  AdminFerry f(AdminFerryOptions::checked({"s1", "s2", "s3"}));
  REQUIRE_MESSAGE(f.start(), f.process().output());
  for (const char* s : {"s1", "s2", "s3"})
    REQUIRE(f.wait_status(s, "UP"));
  REQUIRE(f.query("disable server be/s2") == "\n");
  REQUIRE(f.query("set server be/s3 state drain") == "\n");
  ClientConn busy = f.client_on(0);
  REQUIRE(busy.ok());

  const ProgramResult r = ctl({"-s", f.admin().path, "status"});
  REQUIRE_MESSAGE(exited_with(r, 0), r.describe());
  CHECK(r.out.rfind("BACKEND/SERVER  STATUS", 0) == 0);
  const auto be = status_line(r.out, "be");
  const auto s1 = status_line(r.out, "s1");
  const auto s2 = status_line(r.out, "s2");
  const auto s3 = status_line(r.out, "s3");
  REQUIRE_MESSAGE((be.size() >= 5 && s1.size() >= 5 && s2.size() >= 5 && s3.size() >= 5), r.out);
  CHECK(be[1] == "UP");
  CHECK(be[2] == "1");  // only s1 is usable
  CHECK(s1[1] == "UP");
  CHECK(s1[3] == "1");  // the busy session
  CHECK(s2[1] == "MAINT");
  CHECK(s3[1] == "DRAIN");
  // Backend first, its servers after it, indented.
  CHECK(r.out.find("\nbe ") < r.out.find("\n  s1 "));
  CHECK(r.out.find("\n  s1 ") < r.out.find("\n  s2 "));
  busy.close();
  CHECK(f.process().stop_cleanly());
}
