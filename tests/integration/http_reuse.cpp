// Server connections of `mode http` (issue 12): how http-reuse shares idle connections between
// client connections, the server options that bound them (max-reuse, pool-max-conn,
// pool-purge-delay), and retry-on: a reused connection found closed, and a retryable status,
// send the request again on a fresh connection. Behaviour checked against HAProxy 2.6.12 on the
// same configs (README, `mode http`). And the head limits of tune.bufsize, tune.maxrewrite and
// tune.http.maxhdr.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <atomic>
#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/http_response.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// An HTTP/1.1 keep-alive server that numbers its connections: every request is answered
// `conn=C req=N srv=NAME body=BODY` (its connection, its rank there, the server, its body).
// Scripted failures, each once: `die_on_reuse` closes a connection without answering its second
// request or later; `first_status` answers the first request with that status.
class CountingServer : public UnixServer {
 public:
  explicit CountingServer(UnixAddress addr, std::string name = "s")
      : UnixServer(std::move(addr)), name_(std::move(name)) {
    start();
  }
  ~CountingServer() override { stop(); }
  std::atomic<bool> die_on_reuse{false};
  std::atomic<int> first_status{0};

 protected:
  void serve(int fd) override {
    const int conn = ++conns_;
    std::string in;
    char buf[4096];
    for (int req = 1;; ++req) {
      size_t end;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        in.append(buf, static_cast<size_t>(n));
      }
      size_t length = 0;
      if (const size_t at = in.find("Content-Length: "); at < end)
        length = std::stoul(in.substr(at + 16));
      while (in.size() < end + 4 + length) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        in.append(buf, static_cast<size_t>(n));
      }
      const std::string body_in = in.substr(end + 4, length);
      in.erase(0, end + 4 + length);
      if (req >= 2 && die_on_reuse.exchange(false)) return;  // closed, nothing answered
      const int status = first_status.exchange(0);
      const std::string body = "conn=" + std::to_string(conn) + " req=" + std::to_string(req) +
                               " srv=" + name_ + " body=" + body_in;
      const std::string out = "HTTP/1.1 " + std::to_string(status ? status : 200) +
                              " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                              body;
      if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

 private:
  const std::string name_;
  std::atomic<int> conns_{0};
};

std::string config(uint16_t port, const std::string& backend_lines) {
  return "defaults\n    mode http\n    timeout connect 2s\n    timeout client 20s\n"
         "    timeout server 20s\nfrontend fe\n    bind 127.0.0.1:" +
         std::to_string(port) + "\n    default_backend be\nbackend be\n" + backend_lines;
}

// A client connection of the test: sends requests, returns what came back.
struct Client {
  explicit Client(uint16_t port) : conn(ClientConn::tcp(port)) {}
  Response get(const std::string& path = "/") {
    return send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  Response send(const std::string& request) {
    if (!conn.send_all(request)) return {};
    return read_response(conn, extra);
  }
  ClientConn conn;
  std::string extra;
};

std::string conn_of(const Response& r) {
  return r.body.substr(0, r.body.find(' '));
}

struct Setup {
  explicit Setup(const std::string& backend_lines, const std::string& server_options = "",
                 const std::string& global = "")
      : server(UnixAddress::path(dir.file("app.sock"))),
        port(free_tcp_port()),
        ferry(dir, global + config(port, backend_lines + "    server s " + server.config_address() +
                                             server_options + "\n")) {
    REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  }
  TempDir dir;
  CountingServer server;
  uint16_t port;
  FerryProcess ferry;
};

}  // namespace

TEST_CASE("http-reuse: a first request takes another client's idle connection only as allowed") {
  // B's first request, while A's connection to the server is idle: a connection of its own with
  // safe (the default) and never, A's with always, and with aggressive only once A's connection
  // proved it carries more than one request.
  struct Case {
    const char* mode;
    int a_requests;
    bool b_first_reuses;
  };
  for (const Case& c :
       {Case{"never", 2, false}, Case{"safe", 2, false}, Case{"aggressive", 1, false},
        Case{"aggressive", 2, true}, Case{"always", 1, true}}) {
    CAPTURE(c.mode);
    CAPTURE(c.a_requests);
    Setup s(std::string("    http-reuse ") + c.mode + "\n");
    Client a(s.port);
    for (int i = 0; i < c.a_requests; ++i)
      REQUIRE(a.get().body.starts_with("conn=1 "));
    Client b(s.port);
    const Response first = b.get();
    REQUIRE(first.status == 200);
    CHECK((conn_of(first) == "conn=1") == c.b_first_reuses);
    // B's next request goes over B's own connection again.
    CHECK(conn_of(b.get()) == conn_of(first));
    CHECK(s.ferry.stop_cleanly());
  }
}

TEST_CASE("http-reuse never: a client's connection serves only it and closes with it") {
  Setup s("    http-reuse never\n");
  {
    Client a(s.port);
    REQUIRE(a.get().body.starts_with("conn=1 req=1"));
    REQUIRE(a.get().body.starts_with("conn=1 req=2"));
  }
  CHECK(poll_until([&] { return s.server.active() == 0; }, 5s));
  Client b(s.port);
  CHECK(b.get().body.starts_with("conn=2 req=1"));
  CHECK(s.ferry.stop_cleanly());
}

TEST_CASE("max-reuse N: a server connection carries at most N+1 requests") {
  Setup s("", " max-reuse 1");
  Client a(s.port);
  for (const char* want : {"conn=1 req=1", "conn=1 req=2", "conn=2 req=1", "conn=2 req=2"})
    CHECK(a.get().body.starts_with(want));
  CHECK(s.ferry.stop_cleanly());
}

TEST_CASE("pool-max-conn 0 and pool-purge-delay 0 keep no idle connection") {
  for (const char* option : {" pool-max-conn 0", " pool-purge-delay 0"}) {
    CAPTURE(option);
    Setup s("", option);
    Client a(s.port);
    for (const char* want : {"conn=1 req=1", "conn=2 req=1", "conn=3 req=1"})
      CHECK(a.get().body.starts_with(want));
    CHECK(s.ferry.stop_cleanly());
  }
}

TEST_CASE("pool-purge-delay: idle connections are closed once unused for the delay") {
  Setup s("", " pool-purge-delay 200ms");
  Client a(s.port);
  REQUIRE(a.get().status == 200);
  CHECK(s.server.active() == 1);
  // Idle for a whole delay: half of one, rounded up, closes at the next purge.
  CHECK(poll_until([&] { return s.server.active() == 0; }, 5s));
  CHECK(a.get().body.starts_with("conn=2 req=1"));  // the client itself stays
  CHECK(s.ferry.stop_cleanly());
}

TEST_CASE("a reused connection the server closed: the request is sent again on a fresh one") {
  // HAProxy 2.6 does the same with its default `retry-on conn-failure`, for a POST with its
  // body too; `retry-on none` answers 502.
  Setup s("");
  Client a(s.port);
  REQUIRE(a.get().body.starts_with("conn=1 req=1"));
  s.server.die_on_reuse = true;
  CHECK(a.get().body.starts_with("conn=2 req=1"));
  s.server.die_on_reuse = true;
  const Response post = a.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  CHECK(post.body == "conn=3 req=1 srv=s body=hello");
  CHECK(s.ferry.stop_cleanly());

  Setup none("    retry-on none\n");
  Client b(none.port);
  REQUIRE(b.get().status == 200);
  none.server.die_on_reuse = true;
  CHECK(b.get().status == 502);
  CHECK(none.ferry.stop_cleanly());
}

TEST_CASE("retry-on 503: an idempotent request is sent again, a POST is not") {
  Setup s("    retry-on 503\n");
  Client a(s.port);
  s.server.first_status = 503;
  const Response get = a.get();
  CHECK(get.status == 200);
  CHECK(get.body.starts_with("conn=2 req=1"));  // the 503's connection was not reused
  s.server.first_status = 503;
  Client b(s.port);
  CHECK(b.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi").status == 503);
  CHECK(s.ferry.stop_cleanly());
}

TEST_CASE("tune.bufsize less tune.maxrewrite bounds a request head, tune.http.maxhdr its fields") {
  // 65536 - 2048: larger than ferry's default 32 KiB buffers, which grow to hold it.
  Setup s("", "",
          "global\n    tune.bufsize 65536\n    tune.maxrewrite 2048\n"
          "    tune.http.maxhdr 3\n");
  const auto request = [](size_t head_size) {
    const std::string start = "GET / HTTP/1.1\r\nHost: t\r\nX-Pad: ";
    return start + std::string(head_size - start.size() - 4, 'p') + "\r\n\r\n";
  };
  Client a(s.port);
  CHECK(a.send(request(65536 - 2048)).status == 200);
  Client b(s.port);
  CHECK(b.send(request(65536 - 2048 + 1)).status == 400);
  Client c(s.port);
  CHECK(c.get().status == 200);  // Host: 1 field
  CHECK(c.send("GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\n\r\n").status == 200);
  CHECK(c.send("GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n").status == 400);
  CHECK(s.ferry.stop_cleanly());
}

// Side by side with haproxy 2.6: the same servers seen in the same order. HAProxy 2.6 keeps a
// client on its last server only over a connection private to it (http-reuse never here); with
// http-reuse safe the idle connection is the server's and roundrobin goes on.
TEST_CASE("option prefer-last-server keeps a client on the server it holds a connection to") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  TempDir dir;
  CountingServer a(UnixAddress::path(dir.file("a.sock")), "a");
  CountingServer b(UnixAddress::path(dir.file("b.sock")), "b");
  const std::string servers =
      "    server a " + a.config_address() + "\n    server b " + b.config_address() + "\n";
  struct Case {
    std::string lines;
    std::string seen;
  };
  for (const Case& k : {Case{"", "abab"}, Case{"    option prefer-last-server\n", "abab"},
                        Case{"    option prefer-last-server\n    http-reuse never\n", "aaaa"},
                        Case{"    http-reuse never\n", "abab"}}) {
    CAPTURE(k.lines);
    const uint16_t port = free_tcp_port(), hport = free_tcp_port();
    auto text = [&](uint16_t p) { return config(p, k.lines + servers); };
    FerryProcess ferry(dir, text(port));
    REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
    Program haproxy(
        dir, "haproxy",
        ProgramSpec{{"haproxy", "-db", "-f", dir.write_file("h.cfg", text(hport))}, "", {}});
    REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hport).ok(); }, 10s), haproxy.err());
    for (const uint16_t p : {port, hport}) {
      const std::string proxy = p == port ? "ferry" : "haproxy";
      CAPTURE(proxy);
      Client c(p);
      std::string seen;
      for (int i = 0; i < 4; ++i) {
        const std::string body = c.get().body;
        seen += body.substr(body.find("srv=") + 4, 1);
      }
      CHECK(seen == k.seen);  // haproxy's probe connection sent no request: it took no turn
    }
    CHECK(ferry.stop_cleanly());
  }
}

TEST_CASE("show stat: a server's idle connections, safe once they carried two requests") {
  TempDir dir;
  CountingServer server(UnixAddress::path(dir.file("app.sock")));
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(dir, "global\n    stats socket " + dir.file("admin.sock") + " level admin\n" +
                              config(port, "    server s " + server.config_address() +
                                               " pool-max-conn 4\n    server t " +
                                               server.config_address() + "\n"));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  auto columns = [&](const char* sv) {
    std::string error;
    const auto t = StatTable::parse(admin_query(admin, "show stat"), error);
    REQUIRE_MESSAGE(t, error);
    std::string out;
    for (const char* col : {"srv_icur", "idle_conn_cur", "safe_conn_cur", "src_ilim"})
      out += t->get("be", sv, col).value_or("?") + " ";
    return out;
  };
  CHECK(columns("s") == "0 0 0 4 ");
  CHECK(columns("t") == "0 0 0  ");  // no pool-max-conn: no limit, shown empty as HAProxy
  Client a(port);
  REQUIRE(a.get().status == 200);  // roundrobin: s
  REQUIRE(a.get().status == 200);  // t
  CHECK(columns("s") == "1 1 0 4 ");
  REQUIRE(a.get().status == 200);  // s again, over the same connection
  CHECK(columns("s") == "1 0 1 4 ");
  CHECK(ferry.stop_cleanly());
}
