// `server-state-file` + `load-server-state-from-file` (HAProxy 2.6): the state written by
// `show servers state > file` is applied at start-up. Before issue 11, `ferry -c` refused the
// keyword with a false claim that ferry kept the state by itself.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    stats socket {DIR}/admin.sock level admin
    server-state-file {DIR}/state
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    load-server-state-from-file global
listen app
    bind 127.0.0.1:{PORT}
    server web1 {S1}
    server web2 {S2}
    server web3 {S3} weight {W3}
)";

std::string config(const TempDir& dir, const EchoServer& s1, const EchoServer& s2,
                   const std::string& s3, int w3) {
  return fill_template(kConfig, {{"DIR", dir.path()},
                                 {"PORT", std::to_string(free_tcp_port())},
                                 {"S1", s1.config_address()},
                                 {"S2", s2.config_address()},
                                 {"S3", s3},
                                 {"W3", std::to_string(w3)}});
}

// svname -> "status weight" from `show stat`.
std::string server_line(const AdminTarget& admin, const std::string& server) {
  std::string error;
  const auto table = StatTable::parse(admin_query(admin, "show stat"), error);
  if (!table) return "(bad show stat: " + error + ")";
  return table->get("app", server, "status").value_or("-") + " " +
         table->get("app", server, "weight").value_or("-");
}

}  // namespace

TEST_CASE("show servers state > file, then a restart: maintenance and weights come back") {
  TempDir dir;
  EchoServer s1(UnixAddress::path(dir.file("s1.sock")));
  EchoServer s2(UnixAddress::path(dir.file("s2.sock")));
  EchoServer s3(UnixAddress::path(dir.file("s3.sock")));
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  {
    FerryProcess first(dir, config(dir, s1, s2, s3.config_address(), 1));
    REQUIRE(first.wait_listening_unix(UnixAddress::path(dir.file("admin.sock"))));
    CHECK(first.output().find("cannot open server state file '" + dir.file("state") + "'") !=
          std::string::npos);
    admin_query(admin,
                "disable server app/web1; set server app/web2 weight 5; set server "
                "app/web3 weight 7");
    std::ofstream(dir.file("state")) << admin_query(admin, "show servers state");
    CHECK(first.stop_cleanly());
  }
  // web3's weight changed in the new config: the config wins, and a warning says so.
  FerryProcess second(dir, config(dir, s1, s2, s3.config_address(), 2));
  REQUIRE(second.wait_listening_unix(UnixAddress::path(dir.file("admin.sock"))));
  CHECK(server_line(admin, "web1") == "MAINT 1");
  CHECK(server_line(admin, "web2") == "no check 5");
  CHECK(server_line(admin, "web3") == "no check 2");
  CHECK(
      second.wait_output("server-state: app/web3: its weight changed in the configuration (1, "
                         "now 2); the weight set at run time (7) is ignored"));
  CHECK(second.stop_cleanly());
}

TEST_CASE("a state file HAProxy 2.6 wrote is applied the same way") {
  TempDir dir;
  EchoServer s1(UnixAddress::path(dir.file("s1.sock")));
  EchoServer s2(UnixAddress::path(dir.file("s2.sock")));
  // As `show servers state` of HAProxy 2.6.12 printed it for the same config after
  // `disable server app/web1; set server app/web2 weight 5; set server app/web3 state drain`.
  std::ofstream(dir.file("state"))
      << "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight "
         "srv_iweight srv_time_since_last_change srv_check_status srv_check_result "
         "srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id "
         "srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr "
         "srv_agent_port\n"
         "3 app 1 web1 - 0 1 1 1 0 1 0 0 0 0 0 0 - 0 - 0 0 - - 0\n"
         "3 app 2 web2 - 2 0 5 1 1 1 0 2 0 0 0 0 - 0 - 0 0 - - 0\n"
         "3 app 3 web3 127.0.0.1 2 8 1 1 0 1 0 2 0 0 0 0 - 18002 - 0 0 - - 0\n";
  FerryProcess ferry(dir, config(dir, s1, s2, "127.0.0.1:18002", 1));
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  REQUIRE(ferry.wait_listening_unix(UnixAddress::path(dir.file("admin.sock"))));
  CHECK(server_line(admin, "web1") == "MAINT 1");
  CHECK(server_line(admin, "web2") == "no check 5");
  CHECK(server_line(admin, "web3") == "DRAIN 1");
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("load-server-state-from-file local: each backend reads server-state-base/<its name>") {
  TempDir dir;
  EchoServer s1(UnixAddress::path(dir.file("s1.sock")));
  EchoServer s2(UnixAddress::path(dir.file("s2.sock")));
  ::mkdir(dir.file("states").c_str(), 0755);
  std::ofstream(dir.file("states/app"))
      << "1\n3 app 1 web1 - 2 8 1 1 0 1 0 2 0 0 0 0 - 0 - 0 0 - - 0\n"
         "3 app 2 web2 - 0 1 1 1 0 1 0 0 0 0 0 0 - 0 - 0 0 - - 0\n";
  std::string text = config(dir, s1, s2, "127.0.0.1:18002", 1);
  text.replace(text.find("server-state-file"), std::string("server-state-file").size(),
               "server-state-base " + dir.file("states") + "\n    #");
  text.replace(text.find("from-file global"), 16, "from-file local");
  FerryProcess ferry(dir, text);
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  REQUIRE_MESSAGE(ferry.wait_listening_unix(UnixAddress::path(dir.file("admin.sock"))),
                  ferry.output());
  CHECK(server_line(admin, "web1") == "DRAIN 1");
  CHECK(server_line(admin, "web2") == "MAINT 1");
  CHECK(server_line(admin, "web3") == "no check 1");
  CHECK(ferry.stop_cleanly());
}
