// The counters of sessions that end badly, as HAProxy 2.6 counts them. Each case was run side by
// side with HAProxy on the same config and the same client and server behaviour, and every
// `show stat` column compared: these are the columns where ferry used to differ.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    stats socket {DIR}/admin.sock level admin
defaults
    mode tcp
    timeout connect 1s
    timeout client {CLIENT}
    timeout server {SERVER}
    retries 2
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    option redispatch
{SERVERS})";

// Accepts a connection and closes it at once, without reading what was sent.
class SlamServer : public UnixServer {
 public:
  explicit SlamServer(UnixAddress addr) : UnixServer(std::move(addr)) { start(); }
  ~SlamServer() override { stop(); }

 protected:
  void serve(int) override {}
};

struct Farm {
  TempDir dir;
  uint16_t port = free_tcp_port();
  std::unique_ptr<FerryProcess> ferry;

  // `servers`: the backend's server lines, `{DIR}` standing for the temp dir.
  void start(const std::string& servers, const std::string& client_timeout = "5s",
             const std::string& server_timeout = "5s") {
    const std::string cfg = fill_template(kConfig, {{"SERVERS", servers},
                                                    {"CLIENT", client_timeout},
                                                    {"SERVER", server_timeout},
                                                    {"PORT", std::to_string(port)}});
    ferry = std::make_unique<FerryProcess>(dir, fill_template(cfg, {{"DIR", dir.path()}}));
    REQUIRE_MESSAGE(ferry->wait_listening_tcp(port), ferry->output());
  }
  AdminTarget admin() const { return AdminTarget::unix_socket(dir.file("admin.sock")); }
  std::string cell(const std::string& sv, const std::string& column) const {
    return stat_cell(admin(), "be", sv, column);
  }
  // Polls until `column` of the server and of the backend both read `value`.
  bool both_read(const std::string& sv, const std::string& column, const std::string& value) {
    return poll_until([&] { return cell(sv, column) == value && cell("BACKEND", column) == value; },
                      5s, 5ms);
  }
};

// Sends one line, then waits for the session to end (whatever ends it).
void session_until_closed(uint16_t port) {
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.ok());
  REQUIRE(c.send_all("x\n"));
  CHECK(c.read_until_eof(Deadline(5s)).closed);
}

// A session to a server that never answers, ended by the smaller of the two timeouts: it counts
// `counted` (cli_abrt or srv_abrt) on the server and the backend, and nothing else.
void ended_by_timeout(const std::string& client_timeout, const std::string& server_timeout,
                      const std::string& counted, const std::string& not_counted) {
  Farm f;
  HoldServer s1(UnixAddress::path(f.dir.file("s1.sock")));
  f.start("    server s1 unix@{DIR}/s1.sock\n", client_timeout, server_timeout);
  session_until_closed(f.port);
  CHECK(f.both_read("s1", counted, "1"));
  CHECK(f.cell("s1", not_counted) == "0");
  CHECK(f.cell("s1", "eresp") == "0");
  CHECK_MESSAGE(f.ferry->stop_cleanly(), f.ferry->output());
}

}  // namespace

TEST_CASE("a refused connect counts an attempt on the server but no session there") {
  Farm f;
  EchoServer s2(UnixAddress::path(f.dir.file("s2.sock")));  // s1.sock never exists
  f.start("    server s1 unix@{DIR}/s1.sock\n    server s2 unix@{DIR}/s2.sock\n");
  for (int i = 0; i < 3; ++i) {
    ClientConn c = ClientConn::tcp(f.port);
    REQUIRE(c.send_all("hi\n"));
    CHECK(c.read_line(Deadline(5s)) == "hi\n");  // served by s2 after redispatch
  }
  CHECK(f.cell("s1", "connect") != "0");
  CHECK(f.cell("s1", "stot") == "0");
  CHECK(f.cell("s1", "smax") == "0");
  CHECK(f.cell("s2", "stot") == "3");
  CHECK(f.cell("BACKEND", "stot") == "3");
  // What the clients sent before their connection counts on the server that took them.
  CHECK(f.cell("s1", "bin") == "0");
  CHECK(f.cell("s2", "bin") == "9");
  CHECK_MESSAGE(f.ferry->stop_cleanly(), f.ferry->output());
}

TEST_CASE("a server that drops the connection unread counts srv_abrt and eresp (SD)") {
  Farm f;
  SlamServer s1(UnixAddress::path(f.dir.file("s1.sock")));
  f.start("    server s1 unix@{DIR}/s1.sock\n");
  session_until_closed(f.port);
  CHECK(f.both_read("s1", "srv_abrt", "1"));
  CHECK(f.both_read("s1", "eresp", "1"));
  CHECK(f.cell("s1", "cli_abrt") == "0");
  CHECK_MESSAGE(f.ferry->stop_cleanly(), f.ferry->output());
}

TEST_CASE("a client timeout counts cli_abrt (cD), a server timeout srv_abrt (sD)") {
  ended_by_timeout("300ms", "5s", "cli_abrt", "srv_abrt");
  ended_by_timeout("5s", "300ms", "srv_abrt", "cli_abrt");
}

namespace {
std::string info_value(const std::string& reply, const std::string& key) {
  const std::string prefix = "\n" + key + ": ";
  const size_t at = ("\n" + reply).find(prefix);
  if (at == std::string::npos) return "";
  const size_t start = at + prefix.size() - 1;
  return reply.substr(start, reply.find('\n', start) - start);
}
}  // namespace

// HAProxy counts its CLI's connections in CumConns and CumReq, and TotalBytesOut is every byte
// it sent: to clients, to servers, and the CLI's own replies.
TEST_CASE("show info counts admin connections and every byte sent, as HAProxy does") {
  Farm f;
  EchoServer s1(UnixAddress::path(f.dir.file("s1.sock")));
  f.start("    server s1 unix@{DIR}/s1.sock\n");
  const std::string first = admin_query(f.admin(), "show info");
  CHECK(info_value(first, "CumConns") == "1");  // this very connection
  CHECK(info_value(first, "TotalBytesOut") == "0");
  {
    ClientConn c = ClientConn::tcp(f.port);
    REQUIRE(c.send_all("hi\n"));
    REQUIRE(c.read_line(Deadline(5s)) == "hi\n");
    CHECK(c.close_gracefully(Deadline(2s)));  // both directions counted by now
  }
  const std::string second = admin_query(f.admin(), "show info");
  CHECK(info_value(second, "CumConns") == "3");  // two `show info` and a session
  CHECK(info_value(second, "CumReq") == "3");
  // The first reply, and "hi\n" sent to the server and back to the client.
  CHECK(info_value(second, "TotalBytesOut") == std::to_string(first.size() + 3 + 3));
  CHECK_MESSAGE(f.ferry->stop_cleanly(), f.ferry->output());
}
