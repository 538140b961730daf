// The admin socket as shell scripts use it (issue 4, reference 2.1, 2.4 and 6): the real socat
// and netcat-openbsd one-liners, over a UNIX and a TCP stats socket, the levels of the sockets,
// and the permissions of a `mode 600` socket file.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/admin_programs.hpp"

using namespace ferry::test;

namespace {

// `echo "<command>" | <client> <address>`, run by the shell as a user types it.
ProgramResult one_liner(const std::string& command, const std::string& client) {
  return run_program(shell("echo \"" + command + "\" | " + client), 5s);
}
std::string socat_to(const AdminTarget& t) {
  return "socat stdio " + t.socat_address();
}
std::string nc_to(const AdminTarget& t) {
  return t.path.empty() ? "nc 127.0.0.1 " + std::to_string(t.port) : "nc -U " + t.path;
}

// A full `show stat` reply, read strictly: valid CSV, every line as wide as the header.
void check_show_stat(const std::string& reply, const std::string& status_s1) {
  std::string error;
  const auto table = StatTable::parse(reply, error);
  REQUIRE_MESSAGE(table, error << "\n" << reply);
  CHECK(table->header().size() == 129);
  CHECK(table->rows().size() == 4);  // FRONTEND, s1, s2, BACKEND
  CHECK(table->get("be", "s1", "status") == status_s1);
  // Every line, header included, ends with ',': 129 tokens for a naive split; then a blank line.
  size_t lines = 0;
  for (size_t at = 0, end; (end = reply.find('\n', at)) != std::string::npos; at = end + 1) {
    const std::string line = reply.substr(at, end - at);
    if (line.empty()) continue;
    ++lines;
    CHECK(naive_token_count(line) == 129);
  }
  CHECK(lines == 5);
  REQUIRE(reply.size() >= 3);
  CHECK(reply.substr(reply.size() - 3) == ",\n\n");
}

}  // namespace

TEST_CASE("socat and nc one-liners on the UNIX and the TCP stats socket") {
  REQUIRE_MESSAGE(!find_program("socat").empty(), "socat is not installed (scripts/packages.sh)");
  REQUIRE_MESSAGE(!find_program("nc").empty(), "nc is not installed (netcat-openbsd)");
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());

  for (const AdminTarget& t : {f.admin(), f.admin_tcp()}) {
    CAPTURE(t.ctl_address());
    // The logrotate-hook classic: the reply to a success is one LF, and socat exits 0.
    ProgramResult r = one_liner("disable server be/s1", socat_to(t));
    REQUIRE_MESSAGE(r.status.exited, r.describe());
    CHECK(r.status.code == 0);
    CHECK(r.out == "\n");
    CHECK(r.err.empty());
    CHECK(f.status("s1") == "MAINT");

    r = one_liner("show stat", nc_to(t));
    REQUIRE_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
    check_show_stat(r.out, "MAINT");

    // Errors are plain text (socat's status stays 0: scripts grep the reply).
    r = one_liner("disable server be/nosuch", socat_to(t));
    CHECK(r.status.code == 0);
    CHECK(r.out == "No such server.\n\n");

    r = one_liner("enable server be/s1", nc_to(t));
    CHECK(r.status.code == 0);
    CHECK(r.out == "\n");
    CHECK(f.status("s1") == "no check");
  }
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("commands chained in one line all run, each reply ends with a blank line") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  const ProgramResult r = run_program(
      shell("printf 'get weight be/s1; set server be/s2 state drain;show servers state be\\n' | " +
            socat_to(f.admin())),
      5s);
  REQUIRE_MESSAGE(r.status.code == 0, r.describe());
  CHECK(r.out.rfind("1 (initial 1)\n\n\n1\n# be_id be_name srv_id", 0) == 0);
  CHECK(r.out.find("\n3 be 2 s2 - 2 8 1 1 ") != std::string::npos);  // admin state 8: drain
  CHECK(r.out.substr(r.out.size() - 2) == "\n\n");
  CHECK(f.status("s2") == "DRAIN");
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("stats socket mode 600: the file is a socket that only its owner may use") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());
  struct stat st {};
  REQUIRE(::stat(f.admin().path.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(st.st_uid == ::geteuid());
  CHECK(f.process().stop_cleanly());
}

TEST_CASE("levels: a user socket reads but may not change anything, the default is operator") {
  AdminFerry f;
  REQUIRE_MESSAGE(f.start(), f.process().output());

  // The level is checked before the names: even a nonexistent server gets `Permission denied`.
  for (const char* cmd :
       {"disable server be/s1", "enable server be/s1", "set server be/s1 state drain",
        "set weight be/s1 0", "shutdown sessions server be/s1", "disable server nosuch/x",
        "wait 1s srv-removable be/s1"}) {
    CAPTURE(cmd);
    CHECK(admin_query(f.user(), cmd) == "Permission denied\n\n");
    CHECK(admin_query(f.op(), cmd) == "Permission denied\n\n");
  }
  CHECK(f.status("s1") == "no check");
  CHECK(admin_query(f.user(), "show cli level") == "user\n\n");
  CHECK(admin_query(f.op(), "show cli level") == "operator\n\n");
  CHECK(admin_query(f.admin(), "show cli level") == "admin\n\n");
  CHECK(admin_query(f.admin_tcp(), "show cli level") == "admin\n\n");
  CHECK(admin_query(f.user(), "get weight be/s1") == "1 (initial 1)\n\n");
  // A session may lower its level, never raise it.
  CHECK(admin_query(f.admin(), "user; disable server be/s1") == "\nPermission denied\n\n");
  CHECK(admin_query(f.user(), "operator; show cli level") == "Permission denied\n\nuser\n\n");

  // show stat at user level: the same columns, with addr and algo left empty.
  std::string error;
  const auto user_view = StatTable::parse(admin_query(f.user(), "show stat"), error);
  REQUIRE_MESSAGE(user_view, error);
  CHECK(user_view->get("be", "s1", "addr") == "");
  CHECK(user_view->get("be", "BACKEND", "algo") == "");
  const auto admin_view = StatTable::parse(admin_query(f.admin(), "show stat"), error);
  REQUIRE_MESSAGE(admin_view, error);
  CHECK(admin_view->get("be", "s1", "addr") == "unix");
  CHECK(admin_view->get("be", "BACKEND", "algo") == "roundrobin");

  CHECK(admin_query(f.admin(), "show cli sockets") ==
        "# socket lvl processes\n"
        "unix@" +
            f.admin().path +
            " admin all\n"
            "unix@" +
            f.user().path +
            " user all\n"
            "unix@" +
            f.op().path +
            " operator all\n"
            "ipv4@127.0.0.1:" +
            std::to_string(f.admin_port()) + " admin all\n\n");
  CHECK(f.process().stop_cleanly());
}
