// Load balancing through the real daemon: roundrobin (equal and weighted, sequential clients) and
// leastconn (held connections), against backends that answer with their own name.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// Backend `be` with balance {BALANCE} and the {SERVERS} lines behind frontend `fe`.
const char* const kConfig = R"(global
    maxconn 2000
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance {BALANCE}
{SERVERS})";

const char* const kWeighted = R"(    server s1 unix@{DIR}/s1.sock weight {W1}
    server s2 {DIR}/s2.sock weight {W2}
    server s3 unix@{DIR}/s3.sock weight {W3}
)";

// Three name servers s1..s3 and ferry in front of them.
struct Farm {
  TempDir dir;
  uint16_t port = free_tcp_port();
  std::vector<std::unique_ptr<NameServer>> servers;
  std::unique_ptr<FerryProcess> ferry;

  Farm(const std::string& balance, int w1, int w2, int w3) {
    for (const char* name : {"s1", "s2", "s3"})
      servers.push_back(std::make_unique<NameServer>(
          UnixAddress::path(dir.file(std::string(name) + ".sock")), name));
    const std::string cfg = fill_template(fill_template(kConfig, {{"SERVERS", kWeighted}}),
                                          {{"PORT", std::to_string(port)},
                                           {"DIR", dir.path()},
                                           {"BALANCE", balance},
                                           {"W1", std::to_string(w1)},
                                           {"W2", std::to_string(w2)},
                                           {"W3", std::to_string(w3)}});
    ferry = std::make_unique<FerryProcess>(dir, cfg);
    REQUIRE_MESSAGE(ferry->wait_listening_tcp(port), ferry->output());
  }
  NameServer& server(const std::string& name) { return *servers.at(name[1] - '1'); }
};

// Opens a connection and returns it with the name of the server that greeted it ("" if none).
std::pair<ClientConn, std::string> open_named(uint16_t port) {
  ClientConn c = ClientConn::tcp(port);
  std::string line = c.ok() ? c.read_line(Deadline(5s)) : "";
  if (!line.empty()) line.pop_back();
  return {std::move(c), line};
}

std::vector<std::string> repeat(const std::vector<std::string>& cycle, size_t n) {
  std::vector<std::string> out;
  while (out.size() < n)
    out.push_back(cycle[out.size() % cycle.size()]);
  return out;
}

std::map<std::string, int> tally(const std::vector<std::string>& names) {
  std::map<std::string, int> out;
  for (const auto& n : names)
    ++out[n];
  return out;
}

}  // namespace

TEST_CASE("roundrobin spreads 3000 sequential connections 1000 per server in declaration order") {
  Farm farm("roundrobin", 1, 1, 1);
  std::vector<std::string> seen;
  for (int i = 0; i < 3000 && (seen.empty() || !seen.back().empty()); ++i)
    seen.push_back(open_named(farm.port).second);  // up to the first unanswered connection
  CHECK(seen == repeat({"s1", "s2", "s3"}, 3000));
  CHECK(tally(seen) == std::map<std::string, int>{{"s1", 1000}, {"s2", 1000}, {"s3", 1000}});
  for (auto& s : farm.servers)
    CHECK(s->accepted() == 1000);
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

TEST_CASE("roundrobin with weights 1 2 3 follows HAProxy's interleaved order") {
  Farm farm("roundrobin", 1, 2, 3);
  std::vector<std::string> seen;
  for (int i = 0; i < 600 && (seen.empty() || !seen.back().empty()); ++i)
    seen.push_back(open_named(farm.port).second);
  CHECK(seen == repeat({"s3", "s2", "s3", "s1", "s3", "s2"}, 600));
  CHECK(tally(seen) == std::map<std::string, int>{{"s1", 100}, {"s2", 200}, {"s3", 300}});
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

TEST_CASE("leastconn spreads held connections evenly and refills the least loaded server") {
  Farm farm("leastconn", 1, 1, 1);
  std::vector<std::pair<ClientConn, std::string>> held;
  std::vector<std::string> seen;
  for (int i = 0; i < 30; ++i) {
    held.push_back(open_named(farm.port));
    seen.push_back(held.back().second);
  }
  CHECK(seen == repeat({"s1", "s2", "s3"}, 30));
  for (auto& s : farm.servers)
    CHECK(s->active() == 10);

  // Three of s3's clients leave: the next three connections all go to s3.
  int closed = 0;
  // A graceful close returns once ferry has released the session (and the server slot).
  for (auto& [conn, name] : held) {
    if (name == "s3" && closed < 3) {
      CHECK(conn.close_gracefully(Deadline(3s)));
      ++closed;
    }
  }
  CHECK(farm.server("s3").wait_active(7));
  for (int i = 0; i < 3; ++i) {
    held.push_back(open_named(farm.port));
    CHECK(held.back().second == "s3");
  }

  // Every s2 client leaves: the idle server takes the next connection.
  for (auto& [conn, name] : held)
    if (name == "s2") CHECK(conn.close_gracefully(Deadline(3s)));
  CHECK(farm.server("s2").wait_active(0));
  held.push_back(open_named(farm.port));
  CHECK(held.back().second == "s2");
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

TEST_CASE("leastconn prefers an idle server over a busy one of far higher weight") {
  Farm farm("leastconn", 100, 1, 1);
  std::vector<std::pair<ClientConn, std::string>> held;
  std::vector<std::string> seen;
  for (int i = 0; i < 6; ++i) {
    held.push_back(open_named(farm.port));
    seen.push_back(held.back().second);
  }
  // Idle servers (no connection) always win; then the heavy s1 takes the load.
  CHECK(seen == std::vector<std::string>{"s1", "s2", "s3", "s1", "s1", "s1"});
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

namespace {

// Greets each connection with "<name>\n" and closes it at once: a session that ends from the
// server's side before the client's next one.
class GreetAndCloseServer : public UnixServer {
 public:
  GreetAndCloseServer(UnixAddress addr, std::string name)
      : UnixServer(std::move(addr)), line_(std::move(name) + "\n") {
    start();
  }
  ~GreetAndCloseServer() override { stop(); }

 protected:
  void serve(int fd) override {
    CHECK(::send(fd, line_.data(), line_.size(), MSG_NOSIGNAL) == ssize_t(line_.size()));
  }

 private:
  std::string line_;
};

}  // namespace

// HAProxy's `first` sends each connection to the first server with a free slot. A session that
// ended in the same loop iteration as the next connection arrived must have given its slot back
// before that connection picks (ferry used to accept first: every other connection went to s2).
TEST_CASE("balance first: connections that end before the next one all go to the first server") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  GreetAndCloseServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  GreetAndCloseServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  FerryProcess ferry(
      dir, fill_template(kConfig, {{"PORT", std::to_string(port)},
                                   {"DIR", dir.path()},
                                   {"BALANCE", "first"},
                                   {"SERVERS", "    server s1 unix@" + dir.path() +
                                                   "/s1.sock maxconn 1\n"
                                                   "    server s2 unix@" +
                                                   dir.path() + "/s2.sock maxconn 1\n"}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  std::vector<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    ClientConn c = ClientConn::tcp(port);
    const Received r = c.read_until_eof(Deadline(5s));  // the server closed: the session is over
    seen.push_back(r.data);
  }
  CHECK(tally(seen) == std::map<std::string, int>{{"s1\n", 50}});
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
