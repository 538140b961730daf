// `mode http` end to end (issue 12): real gunicorn processes and nginx on UNIX sockets behind
// ferry, per-request balancing on one keep-alive client connection, pooled server connections,
// X-Forwarded-For, pipelining, bodies both ways with checksums, the smuggling cases answered 400
// without reaching a server, ferry's own 502/503/504 answers (and errorfiles in their place),
// and an Upgrade turned tunnel.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/http_response.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// A WSGI app: `/big/N` streams N pattern bytes; anything else reads the whole body and answers
// with the process id, the path, X-Forwarded-For, the body's length and CRC-32.
constexpr const char* kApp = R"(import os, zlib
BLOCK = bytes((i * 7 + 3) & 255 for i in range(65536))
def app(environ, start_response):
    path = environ['PATH_INFO']
    if path.startswith('/big/'):
        n = int(path[5:])
        start_response('200 OK', [('Content-Length', str(n))])
        def gen(left=n):
            while left > 0:
                k = min(left, len(BLOCK))
                yield BLOCK[:k]
                left -= k
        return gen()
    crc, size, inp = 0, 0, environ['wsgi.input']
    while True:
        piece = inp.read(65536)
        if not piece:
            break
        crc, size = zlib.crc32(piece, crc), size + len(piece)
    out = ('pid=%d path=%s xff=%s len=%d crc=%08x\n' % (os.getpid(), path,
           environ.get('HTTP_X_FORWARDED_FOR'), size, crc)).encode()
    start_response('200 OK', [('Content-Length', str(len(out)))])
    return [out]
)";

std::string python_with_gunicorn() {
  for (const char* p : {"/usr/bin/python3"}) {
    const ProgramResult r =
        run_program({.argv = {p, "-c", "import gunicorn"}, .input = {}, .env = {}}, 10s);
    if (r.status.exited && r.status.code == 0) return p;
  }
  return "";
}

// `count` gunicorn processes (one sync worker each) on dir/gN.sock.
struct Gunicorns {
  std::vector<std::unique_ptr<Program>> procs;
  Gunicorns(const TempDir& dir, const std::string& python, int count) {
    dir.write_file("app.py", kApp);
    for (int i = 1; i <= count; ++i) {
      const std::string sock = dir.file("g" + std::to_string(i) + ".sock");
      procs.push_back(std::make_unique<Program>(
          dir, "gunicorn" + std::to_string(i),
          ProgramSpec{.argv = {python, "-m", "gunicorn", "--chdir", dir.path(), "-b",
                               "unix:" + sock, "-w", "1", "app:app"},
                      .input = {},
                      .env = {}}));
      REQUIRE_MESSAGE(poll_until([&] { return unix_path_accepts(sock); }, 20s), "gunicorn " << i);
    }
  }
};

// The value after `key=` in an app answer.
std::string field(const std::string& body, const std::string& key) {
  const size_t at = body.find(key + "=");
  if (at == std::string::npos) return "";
  const size_t from = at + key.size() + 1;
  return body.substr(from, body.find_first_of(" \n", from) - from);
}

std::string config(uint16_t port, const std::string& frontend_lines,
                   const std::string& backend_lines) {
  return fill_template(
      R"(defaults
    mode http
    timeout connect 2s
    timeout client 20s
    timeout server 20s
frontend fe
    bind 127.0.0.1:{PORT}
{FE}    default_backend be
backend be
{BE})",
      {{"PORT", std::to_string(port)}, {"FE", frontend_lines}, {"BE", backend_lines}});
}

std::string servers(const TempDir& dir, int count) {
  std::string out;
  for (int i = 1; i <= count; ++i)
    out += "    server g" + std::to_string(i) + " unix@" +
           dir.file("g" + std::to_string(i) + ".sock") + "\n";
  return out;
}

uint32_t crc32_update(uint32_t crc, const char* data, size_t n) {
  static uint32_t table[256];
  if (table[1] == 0) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  }
  crc = ~crc;
  for (size_t i = 0; i < n; ++i)
    crc = table[(crc ^ static_cast<uint8_t>(data[i])) & 255] ^ (crc >> 8);
  return ~crc;
}

std::string hex32(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string pattern_block() {
  std::string block(65536, '\0');
  for (size_t i = 0; i < block.size(); ++i)
    block[i] = static_cast<char>((i * 7 + 3) & 255);
  return block;
}

// Answers the first request head it reads with `reply` (then echoes everything, for an
// upgrade), in-process: what a server sends back is exactly what the test says.
class ScriptedServer : public UnixServer {
 public:
  ScriptedServer(UnixAddress addr, std::string reply, bool then_echo)
      : UnixServer(std::move(addr)), reply_(std::move(reply)), then_echo_(then_echo) {
    start();
  }
  ~ScriptedServer() override { stop(); }

 protected:
  void serve(int fd) override {
    std::string in;
    char buf[4096];
    while (in.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
    }
    std::string out = reply_ + in.substr(in.find("\r\n\r\n") + 4);  // early bytes echoed
    if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0 || !then_echo_) return;
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0 || ::send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    ::shutdown(fd, SHUT_WR);
  }

 private:
  std::string reply_;
  bool then_echo_;
};

}  // namespace

TEST_CASE("three gunicorn processes share one keep-alive client connection, request by request") {
  const std::string python = python_with_gunicorn();
  REQUIRE_MESSAGE(!python.empty(), "python3-gunicorn is missing: scripts/packages.sh lists it");
  TempDir dir;
  Gunicorns apps(dir, python, 3);
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(dir, config(port, "    option forwardfor\n", servers(dir, 3)));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.ok());
  std::string extra;
  std::map<std::string, int> per_pid;
  for (int i = 0; i < 6; ++i) {
    REQUIRE(c.send_all("GET /r" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    const Response r = read_response(c, extra);
    REQUIRE_MESSAGE(r.status == 200, r.head << ferry.output());
    CHECK(field(r.body, "path") == "/r" + std::to_string(i));
    CHECK(field(r.body, "xff") == "127.0.0.1");
    ++per_pid[field(r.body, "pid")];
  }
  CHECK(per_pid.size() == 3);  // roundrobin per request, not per connection
  for (const auto& [pid, n] : per_pid)
    CHECK(n == 2);
  // Pipelined: three requests in one write are answered in order.
  REQUIRE(
      c.send_all("GET /p1 HTTP/1.1\r\nHost: t\r\n\r\nGET /p2 HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /p3 HTTP/1.1\r\nHost: t\r\n\r\n"));
  for (const char* path : {"/p1", "/p2", "/p3"})
    CHECK(field(read_response(c, extra).body, "path") == path);
  c.close();
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("option forwardfor except: no header for a client in the network of either side") {
  const std::string python = python_with_gunicorn();
  REQUIRE_MESSAGE(!python.empty(), "python3-gunicorn is missing: scripts/packages.sh lists it");
  TempDir dir;
  Gunicorns apps(dir, python, 1);
  // {frontend's option, backend's option, what the app sees from 127.0.0.1}
  const std::vector<std::array<std::string, 3>> cases = {
      {"option forwardfor except 127.0.0.0/8", "", "None"},
      {"option forwardfor except 10.0.0.0/8", "", "127.0.0.1"},
      {"option forwardfor except ::1", "", "127.0.0.1"},  // another family never matches
      {"option forwardfor", "option forwardfor except 127.0.0.1/255.255.255.0", "None"},
  };
  for (const auto& [fe, be, xff] : cases) {
    CAPTURE(fe);
    CAPTURE(be);
    const uint16_t port = free_tcp_port();
    FerryProcess ferry(dir, config(port, "    " + fe + "\n", "    " + be + "\n" + servers(dir, 1)));
    REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.send_all("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::string extra;
    const Response r = read_response(c, extra);
    REQUIRE_MESSAGE(r.status == 200, r.head << ferry.output());
    CHECK(field(r.body, "xff") == xff);
    c.close();
    CHECK(ferry.stop_cleanly());
  }
}

TEST_CASE(
    "bodies both ways, with backpressure: a 256 MB upload (length and chunked) and download") {
  const std::string python = python_with_gunicorn();
  REQUIRE_MESSAGE(!python.empty(), "python3-gunicorn is missing: scripts/packages.sh lists it");
  TempDir dir;
  Gunicorns apps(dir, python, 1);
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(dir, config(port, "", servers(dir, 1)));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  const size_t size = 256u << 20;
  const std::string block = pattern_block();
  uint32_t crc = 0;
  for (size_t sent = 0; sent < size; sent += block.size())
    crc = crc32_update(crc, block.data(), block.size());
  for (const bool chunked : {false, true}) {
    CAPTURE(chunked);
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.ok());
    const Deadline deadline(60s);
    REQUIRE(c.send_all(std::string("POST /up HTTP/1.1\r\nHost: t\r\n") +
                           (chunked ? "Transfer-Encoding: chunked\r\n\r\n"
                                    : "Content-Length: " + std::to_string(size) + "\r\n\r\n"),
                       deadline));
    char size_line[16];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", block.size());
    for (size_t sent = 0; sent < size; sent += block.size()) {
      if (chunked) REQUIRE(c.send_all(size_line, deadline));
      REQUIRE(c.send_all(block, deadline));
      if (chunked) REQUIRE(c.send_all("\r\n", deadline));
    }
    if (chunked) REQUIRE(c.send_all("0\r\n\r\n", deadline));
    std::string extra;
    const Response r = read_response(c, extra, 60s);
    REQUIRE_MESSAGE(r.status == 200, r.head << ferry.output());
    CHECK(field(r.body, "len") == std::to_string(size));
    CHECK(field(r.body, "crc") == hex32(crc));
  }
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.send_all("GET /big/" + std::to_string(size) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::string got;
  const Deadline deadline(60s);
  while (got.find("\r\n\r\n") == std::string::npos)
    REQUIRE(c.read_some(got, deadline) == ReadStatus::Data);
  const size_t body_at = got.find("\r\n\r\n") + 4;
  uint32_t got_crc = crc32_update(0, got.data() + body_at, got.size() - body_at);
  size_t received = got.size() - body_at;
  while (received < size) {
    std::string piece;
    REQUIRE(c.read_some(piece, deadline) == ReadStatus::Data);
    got_crc = crc32_update(got_crc, piece.data(), piece.size());
    received += piece.size();
  }
  CHECK(received == size);
  CHECK(hex32(got_crc) == hex32(crc));
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("smuggling: each ambiguous request is answered 400, logged, and never reaches a server") {
  TempDir dir;
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(dir, config(port, "", "    server e unix@" + dir.file("echo.sock") + "\n"));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  const std::string h = "POST / HTTP/1.1\r\nHost: t\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "both Content-Length and Transfer-Encoding"},
      {h + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
       "differing Content-Length values"},
      {h + "Transfer-Encoding: chunked, gzip\r\n\r\n",
       "Transfer-Encoding other than a final 'chunked'"},
      {h + "X-A: a\r\n b\r\n\r\n", "obs-fold (a header line starting with whitespace)"},
      {h + "X-A: a\nContent-Length: 0\r\n\r\n", "bare LF (a line not ended by CRLF)"},
      {h + "X-A: a\rb\r\n\r\n", "bare CR in the value of header 'X-A'"},
      {h + "X\"A: a\r\n\r\n", "invalid character 0x22 in a header name"},
      {h + "X-A : a\r\n\r\n", "whitespace before ':' in header 'X-A'"},
      {h + "X-A: a\x01\r\n\r\n", "invalid character 0x01 in the value of header 'X-A'"},
      {"GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n",
       "start line longer than 15360 bytes"},
      {h + "X-A: " + std::string(20000, 'a') + "\r\n\r\n", "head larger than 15360 bytes"},
  };
  for (const auto& [request, reason] : cases) {
    CAPTURE(reason);
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.ok());
    c.send_all(request);  // ferry may answer and close before it has read it all
    const Received r = c.read_until_eof(Deadline(5s));
    CHECK(r.data.starts_with("HTTP/1.1 400 Bad request\r\n"));
    CHECK(
        r.data.ends_with("\r\n\r\n<html><body><h1>400 Bad request</h1>\nYour browser sent an "
                         "invalid request.\n</body></html>\n"));
    CHECK(ferry.wait_output("answered 400 to 127.0.0.1:"));
    CHECK(ferry.wait_output(": " + reason + "\n"));
  }
  CHECK(echo.accepted() == 0);
  CHECK(ferry.stop_cleanly());
}

// The client connection stays open after ferry's 503, 504 and 502 as after HAProxy 2.6's (run
// side by side): a request after each one, on the same connection, is answered once a server
// answers again. An HTTP/1.0 client that asks for keep-alive is told it is kept.
// ferry and haproxy 2.6 on the same config (`text(port)`), both listening.
struct SideBySide {
  uint16_t port = free_tcp_port(), hport = free_tcp_port();
  FerryProcess ferry;
  Program haproxy;
  SideBySide(const TempDir& dir, const std::function<std::string(uint16_t)>& text)
      : ferry(dir, text(port)),
        haproxy(
            dir, "haproxy",
            ProgramSpec{{"haproxy", "-db", "-f", dir.write_file("h.cfg", text(hport))}, "", {}}) {
    REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
    REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hport).ok(); }, 10s), haproxy.err());
  }
};

TEST_CASE("ferry's own 503 504 and 502 keep the client connection as HAProxy does") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  TempDir dir;
  const UnixAddress app = UnixAddress::path(dir.file("app.sock"));
  SideBySide both(dir, [&](uint16_t p) {
    return config(p, "",
                  "    retries 0\n    timeout server 300ms\n    server s unix@" +
                      dir.file("app.sock") + "\n");
  });
  for (uint16_t p : {both.port, both.hport}) {
    const std::string proxy = p == both.port ? "ferry" : "haproxy";
    CAPTURE(proxy);
    ClientConn c = ClientConn::tcp(p);
    std::string extra;
    auto get = [&](const std::string& request) {
      REQUIRE(c.send_all(request));
      const Response r = read_response(c, extra);
      CHECK(r.head.find("onnection: close") == std::string::npos);
      return r;
    };
    const std::string request = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
    CHECK(get(request).head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
    const Response kept = get("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(kept.status == 503);
    CHECK(kept.head.ends_with("\r\nconnection: keep-alive\r\n\r\n"));
    {
      HoldServer hold(app);
      CHECK(get(request).head.starts_with("HTTP/1.1 504 Gateway Time-out\r\n"));
    }
    {
      ScriptedServer garbage(app, "NOT HTTP\r\n\r\n", false);
      CHECK(get(request).head.starts_with("HTTP/1.1 502 Bad Gateway\r\n"));
    }
    HttpStatusServer ok(app, 200);
    CHECK(get(request).status == 200);
    // A client that closes after the answer is told so, and the connection ends.
    REQUIRE(c.send_all("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    const Received end = c.read_until_eof(Deadline(5s));
    CHECK(end.closed);
    CHECK_MESSAGE(end.data.substr(8, 5) == " 200 ", end.data);
  }
  CHECK(both.ferry.stop_cleanly());
}

TEST_CASE(
    "an accepted Upgrade turns the connection into a tunnel, both ways, until both ends close") {
  TempDir dir;
  ScriptedServer ws(UnixAddress::path(dir.file("ws.sock")),
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\n\r\n",
                    true);
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(
      dir,
      config(port, "", "    timeout tunnel 5s\n    server w unix@" + dir.file("ws.sock") + "\n"));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(
      c.send_all("GET /chat HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\n"
                 "Upgrade: websocket\r\n\r\n"));
  std::string got;
  const Deadline deadline(5s);
  while (got.find("\r\n\r\n") == std::string::npos)
    REQUIRE(c.read_some(got, deadline) == ReadStatus::Data);
  CHECK(got ==
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
  REQUIRE(c.send_all("frame one"));
  std::string echoed;
  REQUIRE(c.read_exactly(9, echoed, Deadline(5s)));
  CHECK(echoed == "frame one");
  c.shutdown_write();  // the server echoes the end too: ferry passes both half-closes on
  const Received end = c.read_until_eof(Deadline(5s));
  CHECK(end.closed);
  CHECK(end.data.empty());
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("nginx on two UNIX paths: server connections are pooled per exact address and reused") {
  TempDir dir;
  const std::string nginx = find_program("nginx");
  REQUIRE_MESSAGE(!nginx.empty(), "nginx is missing: scripts/packages.sh lists it");
  std::string conf =
      "daemon off;\nmaster_process off;\nerror_log {DIR}/error.log;\n"
      "pid {DIR}/nginx.pid;\nevents { worker_connections 64; }\nhttp {\n"
      "  access_log off;\n";
  for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
    conf += std::string("  ") + t + "_temp_path {DIR}/" + t + ";\n";
  for (const char* s : {"a", "b"})
    conf += std::string("  server { listen unix:{DIR}/") + s +
            ".sock; location / { return 200 \"server=" + s + " conn=$connection\\n\"; } }\n";
  dir.write_file("nginx.conf", fill_template(conf + "}\n", {{"DIR", dir.path()}}));
  Program server(
      dir, "nginx",
      ProgramSpec{
          .argv = {nginx, "-p", dir.path(), "-c", dir.file("nginx.conf")}, .input = {}, .env = {}});
  for (const char* s : {"a.sock", "b.sock"})
    REQUIRE(poll_until([&] { return unix_path_accepts(dir.file(s)); }, 10s));
  const uint16_t port = free_tcp_port();
  // http-reuse always: a client's first request may take another's idle connection too.
  FerryProcess ferry(dir, config(port, "",
                                 "    http-reuse always\n    server a unix@" + dir.file("a.sock") +
                                     "\n    server b unix@" + dir.file("b.sock") + "\n"));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  // Two clients one after the other: the second one's requests go over the connections the
  // first one's left in the pool.
  std::map<std::string, std::set<std::string>> conns;  // server -> nginx connection numbers
  for (int client = 0; client < 2; ++client) {
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.ok());
    std::string extra;
    for (int i = 0; i < 4; ++i) {
      REQUIRE(c.send_all("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
      const Response r = read_response(c, extra);
      REQUIRE_MESSAGE(r.status == 200, r.head << ferry.output());
      CHECK(field(r.body, "server") == (i % 2 == 0 ? "a" : "b"));  // roundrobin per request
      conns[field(r.body, "server")].insert(field(r.body, "conn"));
    }
  }
  // One connection per path carried all eight requests; the paths never shared one.
  CHECK(conns["a"].size() == 1);
  CHECK(conns["b"].size() == 1);
  CHECK(conns["a"] != conns["b"]);
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("errorfile: the backend's then the frontend's file, sent as HAProxy 2.6 sends it") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  TempDir dir;
  HoldServer hold(UnixAddress::path(dir.file("hold.sock")));
  ScriptedServer garbage(UnixAddress::path(dir.file("garbage.sock")), "NOT HTTP\r\n\r\n", false);
  const std::string fe503 = dir.write_file(
      "fe503.http",
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nCache-Control: no-cache\r\n"
      "X-Custom: Yes\r\n\r\n<html>sorry</html>\n");
  const std::string be502 = dir.write_file(
      "be502.http", "HTTP/1.0 502 Down\nContent-Type: text/plain\nConnection: close\n\ndown\n");
  const std::string be504 = dir.write_file("be504.http", "");  // empty: close, no reply
  struct Case {
    std::string server;
    std::string expected;  // what HAProxy 2.6.12 sends (also checked against it below)
  };
  const Case cases[] = {
      {"unix@" + dir.file("none.sock"),
       "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\ncache-control: "
       "no-cache\r\nx-custom: Yes\r\nconnection: close\r\n\r\n<html>sorry</html>\n"},
      {"unix@" + dir.file("garbage.sock"),
       "HTTP/1.0 502 Down\r\ncontent-type: text/plain\r\n\r\ndown\n"},
      {"unix@" + dir.file("hold.sock"), ""},
  };
  for (const Case& k : cases) {
    CAPTURE(k.server);
    dir.write_file("x", "HTTP/1.1 502 From the frontend\r\n\r\n");  // the backend's file wins
    SideBySide both(dir, [&](uint16_t p) {
      return config(p, "    errorfile 503 " + fe503 + "\n    errorfile 502 " + dir.file("x") + "\n",
                    "    timeout server 300ms\n    errorfile 502 " + be502 +
                        "\n    errorfile 504 " + be504 + "\n    server s " + k.server + "\n");
    });
    for (uint16_t p : {both.port, both.hport}) {
      const std::string proxy = p == both.port ? "ferry" : "haproxy";
      CAPTURE(proxy);
      ClientConn c = ClientConn::tcp(p);
      REQUIRE(c.send_all("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
      const Received r = c.read_until_eof(Deadline(5s));
      CHECK(r.closed);
      CHECK(r.data == k.expected);
    }
    CHECK(both.ferry.stop_cleanly());
  }
}
