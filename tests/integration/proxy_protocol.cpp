// The PROXY protocol end to end (issue 16): the headers ferry sends compared byte for byte with
// what the real haproxy 2.6 sends for the same clients (an echo server sends the header back),
// accept-proxy (what it passes on, what it refuses and how), nginx as a receiver in tcp and http
// mode, and the AF_UNIX + peer-credentials extension read by examples/proxy_v2_decode.py.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/hex_bytes.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const std::string kSig = unhex("0d0a0d0a000d0a515549540a");

// One client connection to 127.0.0.1 or [::1]: sends "hi", half-closes and returns everything
// the echo server behind the proxy sent back (the PROXY header, then "hi"), and the client's own
// address and port.
struct Echoed {
  std::string data;
  std::string host;
  uint16_t port = 0;
  sockaddr_storage local{};
};

Echoed echo_through(bool v6, uint16_t port) {
  Echoed out;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  const timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_storage to{};
  socklen_t len = 0;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&to);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    a->sin6_addr = in6addr_loopback;
    len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&to);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(sockaddr_in);
  }
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), len) == 0);
  socklen_t llen = sizeof out.local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&out.local), &llen);
  char text[INET6_ADDRSTRLEN] = {};
  if (v6) {
    const auto* a = reinterpret_cast<sockaddr_in6*>(&out.local);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    out.port = ntohs(a->sin6_port);
  } else {
    const auto* a = reinterpret_cast<sockaddr_in*>(&out.local);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    out.port = ntohs(a->sin_port);
  }
  out.host = text;
  REQUIRE(::send(fd, "hi", 2, MSG_NOSIGNAL) == 2);
  ::shutdown(fd, SHUT_WR);
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    out.data.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::string be16(uint16_t v) {
  return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}

// The header the spec (and HAProxy 2.6) gives this client reaching `port` over loopback.
std::string expected_v1(const Echoed& e, uint16_t port, bool v6) {
  return std::string("PROXY ") + (v6 ? "TCP6 " : "TCP4 ") + e.host + " " +
         (v6 ? "::1" : "127.0.0.1") + " " + std::to_string(e.port) + " " + std::to_string(port) +
         "\r\n";
}

std::string expected_v2(const Echoed& e, uint16_t port, bool v6) {
  if (!v6) return kSig + unhex("2111000c7f0000017f000001") + be16(e.port) + be16(port);
  const std::string one = unhex("00000000000000000000000000000001");
  return kSig + unhex("21210024") + one + one + be16(e.port) + be16(port);
}

std::string unix_echo(const std::string& path) {
  ClientConn c = ClientConn::unix_socket(path);
  REQUIRE(c.ok());
  REQUIRE(c.send_all("hi"));
  c.shutdown_write();
  return c.read_until_eof(Deadline(5s)).data;
}

// frontends f1 (send-proxy), f2 (send-proxy-v2), f3 (v2 + crc32c) on 127.0.0.1, [::1] and a
// UNIX socket each, all in front of the same echo server.
std::string compare_config(const TempDir& dir, const std::string& tag, uint16_t base,
                           const std::string& echo) {
  std::string cfg =
      "defaults\n  mode tcp\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\n";
  const char* opts[] = {"send-proxy", "send-proxy-v2", "send-proxy-v2 proxy-v2-options crc32c"};
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i + 1), port = std::to_string(base + i);
    cfg += "frontend f" + n + "\n  bind 127.0.0.1:" + port + "\n  bind [::1]:" + port +
           "\n  bind unix@" + dir.file(tag + n + ".sock") + "\n  default_backend b" + n +
           "\nbackend b" + n + "\n  server s unix@" + echo + " " + opts[i] + "\n";
  }
  return cfg;
}

uint16_t three_free_ports() {
  for (;;) {
    const uint16_t p = free_tcp_port();
    if (p < 65000) return p;  // p+1 and p+2 are checked by the proxies binding them
  }
}

}  // namespace

TEST_CASE("send-proxy and send-proxy-v2: byte for byte what haproxy 2.6 sends") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(), "haproxy is not installed");
  TempDir dir;
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const uint16_t fport = three_free_ports(), hport = three_free_ports();
  FerryProcess ferry(dir, compare_config(dir, "f", fport, dir.file("echo.sock")));
  for (int i = 0; i < 3; ++i)
    REQUIRE_MESSAGE(ferry.wait_listening_tcp(static_cast<uint16_t>(fport + i)), ferry.output());
  Program haproxy(
      dir, "haproxy",
      ProgramSpec{{"haproxy", "-db", "-f",
                   dir.write_file("h.cfg", compare_config(dir, "h", hport, dir.file("echo.sock")))},
                  "",
                  {}});
  REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hport + 2).ok(); }, 10s), haproxy.err());
  for (const bool v6 : {false, true}) {
    for (const uint16_t base : {fport, hport}) {
      CAPTURE(base == fport ? "ferry" : "haproxy");
      CAPTURE(v6);
      const Echoed e1 = echo_through(v6, base);
      CHECK(e1.data == expected_v1(e1, base, v6) + "hi");
      const Echoed e2 = echo_through(v6, static_cast<uint16_t>(base + 1));
      CHECK(e2.data == expected_v2(e2, static_cast<uint16_t>(base + 1), v6) + "hi");
      // crc32c: the same header with the TLV, its length 7 bytes more.
      const Echoed e3 = echo_through(v6, static_cast<uint16_t>(base + 2));
      std::string h = expected_v2(e3, static_cast<uint16_t>(base + 2), v6);
      h[15] = static_cast<char>(h[15] + 7);
      REQUIRE(e3.data.size() == h.size() + 7 + 2);
      CHECK(e3.data.substr(0, h.size()) == h);
      CHECK(e3.data.substr(h.size(), 3) == unhex("030004"));
    }
  }
  // A client of a UNIX bind: v1 UNKNOWN from both; v2 LOCAL from HAProxy, AF_UNIX from ferry.
  CHECK(unix_echo(dir.file("f1.sock")) == "PROXY UNKNOWN\r\nhi");
  CHECK(unix_echo(dir.file("h1.sock")) == "PROXY UNKNOWN\r\nhi");
  CHECK(unix_echo(dir.file("h2.sock")) == kSig + unhex("20000000") + "hi");
  const std::string mine = unix_echo(dir.file("f2.sock"));
  REQUIRE(mine.size() == 16 + 216 + 2);
  CHECK(mine.substr(0, 16) == kSig + unhex("213100d8"));
  CHECK(mine.substr(16, 108) == std::string(108, '\0'));  // the client's socket has no name
  CHECK(mine.substr(124, dir.file("f2.sock").size()) == dir.file("f2.sock"));
  CHECK(ferry.stop_cleanly());
}

TEST_CASE(
    "accept-proxy: the header's client goes on and a bad header is closed logged and counted") {
  TempDir dir;
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(dir, fill_template(R"(global
  log stdout format raw local0 info
  stats socket {DIR}/admin.sock level admin
defaults
  mode tcp
  log global
  option tcplog
  timeout connect 2s
  timeout client 500ms
  timeout server 5s
frontend f
  bind 127.0.0.1:{PORT} accept-proxy
  default_backend b
backend b
  server s unix@{DIR}/echo.sock send-proxy-v2
)",
                                        {{"DIR", dir.path()}, {"PORT", std::to_string(port)}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  REQUIRE(poll_until([&] { return !stat_cell(admin, "f", "FRONTEND", "ereq").empty(); }, 5s));
  auto through = [&](const std::vector<std::string>& pieces) {
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.ok());
    for (const auto& p : pieces) {
      REQUIRE(c.send_all(p));
      if (&p != &pieces.back()) CHECK(c.stays_silent(50ms));  // nothing before the whole header
    }
    c.shutdown_write();
    return c.read_until_eof(Deadline(5s));
  };
  // v1, in two pieces (HAProxy 2.6 wants it in one read), and v2 with a TLV it ignores.
  const Received v1 = through({"PROXY TCP4 10.1.2.3 10.9.", "8.7 1234 80\r\nhello"});
  CHECK(v1.data == kSig + unhex("2111000c0a0102030a09080704d20050") + "hello");
  const Received v2 = through({kSig +
                               unhex("2121002a20010db80000000000000000000000012001"
                                     "0db8000000000000000000000002"
                                     "04d201bbe1000378797a") +
                               "hello"});
  CHECK(v2.data == kSig +
                       unhex("2121002420010db800000000000000000000000120010db8000000000000000000"
                             "00000204d201bb") +
                       "hello");
  // LOCAL: the connection's own addresses go on.
  const Received local = through({kSig + unhex("20000000") + "hi"});
  CHECK(local.data.substr(0, 20) == kSig + unhex("2111000c7f000001"));
  CHECK(ferry.wait_output("10.1.2.3:1234 ["));
  CHECK(ferry.wait_output("2001:db8::1:1234 ["));
  // Refused: nothing reaches the server, the reason is logged.
  const uint64_t accepted = echo.accepted();
  CHECK(through({"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}).data.empty());
  CHECK(through({"PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"}).data.empty());
  ClientConn silent = ClientConn::tcp(port);
  REQUIRE(silent.ok());
  const Received timed_out = silent.read_until_eof(Deadline(5s));  // timeout client
  CHECK(timed_out.closed);
  CHECK(ferry.wait_output(
      "f/1: Received something which does not look like a PROXY protocol header"));
  CHECK(ferry.wait_output("f/1: Received an invalid PROXY protocol header"));
  CHECK(ferry.wait_output("f/1: Timeout while waiting for PROXY protocol header"));
  CHECK(echo.accepted() == accepted);
  CHECK(stat_cell(admin, "f", "FRONTEND", "ereq") == "3");
  CHECK(stat_cell(admin, "f", "FRONTEND", "stot") == "3");  // sessions: the headers read
  CHECK(stat_cell(admin, "f", "FRONTEND", "conn_tot") == "6");
  CHECK(ferry.stop_cleanly());
}

namespace {

std::string nginx_config(const TempDir& dir) {
  std::string conf =
      "daemon off;\nmaster_process off;\nerror_log {DIR}/error.log;\n"
      "pid {DIR}/nginx.pid;\nevents { worker_connections 64; }\nhttp {\n"
      "  log_format pp '$proxy_protocol_addr:$proxy_protocol_port $request';\n"
      "  access_log {DIR}/access.log pp;\n";
  for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
    conf += std::string("  ") + t + "_temp_path {DIR}/" + t + ";\n";
  conf +=
      "  server { listen unix:{DIR}/nginx.sock proxy_protocol; location / { return 200 "
      "\"pp=$proxy_protocol_addr:$proxy_protocol_port xff=$http_x_forwarded_for "
      "conn=$connection\\n\"; } }\n}\n";
  return fill_template(conf, {{"DIR", dir.path()}});
}

// The body of one HTTP/1.1 response (nginx's `return` gives a Content-Length).
std::string read_body(ClientConn& c) {
  std::string in;
  const Deadline d(5s);
  while (in.find("\r\n\r\n") == std::string::npos)
    if (c.read_some(in, d) != ReadStatus::Data) return "";
  const size_t head = in.find("\r\n\r\n") + 4;
  const size_t cl = in.find("Content-Length: ");
  if (cl == std::string::npos) return "";
  const size_t len = std::stoul(in.substr(cl + 16));
  if (in.size() < head + len && !c.read_exactly(head + len - in.size(), in, d)) return "";
  return in.substr(head, len);
}

std::string word(const std::string& body, const std::string& key) {
  const size_t at = body.find(key + "=");
  if (at == std::string::npos) return "";
  const size_t from = at + key.size() + 1;
  return body.substr(from, body.find_first_of(" \n", from) - from);
}

// The digits of `"key": N` in a line of JSON.
std::string json_number(const std::string& line, const std::string& key) {
  const std::string label = "\"" + key + "\": ";
  const size_t at = line.find(label);
  if (at == std::string::npos) return "";
  const size_t from = at + label.size();
  return line.substr(from, line.find_first_not_of("0123456789", from) - from);
}

}  // namespace

TEST_CASE("nginx with proxy_protocol learns the client address in tcp and http mode") {
  TempDir dir;
  const std::string nginx = find_program("nginx");
  REQUIRE_MESSAGE(!nginx.empty(), "nginx is missing: scripts/packages.sh lists it");
  dir.write_file("nginx.conf", nginx_config(dir));
  Program server(
      dir, "nginx",
      ProgramSpec{
          .argv = {nginx, "-p", dir.path(), "-c", dir.file("nginx.conf")}, .input = {}, .env = {}});
  REQUIRE(poll_until([&] { return unix_path_accepts(dir.file("nginx.sock")); }, 10s));
  const uint16_t tcp_port = free_tcp_port(), http_port = free_tcp_port(), pp_port = free_tcp_port();
  FerryProcess ferry(dir, fill_template(R"(defaults
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend plain
  mode tcp
  bind 127.0.0.1:{TCP}
  default_backend tcp_nginx
frontend web
  mode http
  bind 127.0.0.1:{HTTP}
  bind 127.0.0.1:{PP} accept-proxy
  option forwardfor
  default_backend http_nginx
backend tcp_nginx
  mode tcp
  server n unix@{DIR}/nginx.sock send-proxy
backend http_nginx
  mode http
  server n unix@{DIR}/nginx.sock send-proxy-v2
)",
                                        {{"DIR", dir.path()},
                                         {"TCP", std::to_string(tcp_port)},
                                         {"HTTP", std::to_string(http_port)},
                                         {"PP", std::to_string(pp_port)}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(pp_port), ferry.output());
  const std::string get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  {  // tcp mode, v1
    ClientConn c = ClientConn::tcp(tcp_port);
    sockaddr_in me{};
    socklen_t len = sizeof me;
    ::getsockname(c.fd(), reinterpret_cast<sockaddr*>(&me), &len);
    REQUIRE(c.send_all(get));
    CHECK(word(read_body(c), "pp") == "127.0.0.1:" + std::to_string(ntohs(me.sin_port)));
  }
  {  // http mode, v2, two requests on one client connection: the server connection starts with
     // this client's header and carries only its requests (private, as haproxy 2.6.12 keeps a
     // send-proxy connection for its client), the next client gets another
    ClientConn c = ClientConn::tcp(http_port);
    std::vector<std::string> conns;
    for (int i = 0; i < 2; ++i) {
      REQUIRE(c.send_all(get));
      const std::string body = read_body(c);
      CHECK(word(body, "pp").starts_with("127.0.0.1:"));
      CHECK(word(body, "xff") == "127.0.0.1");
      conns.push_back(word(body, "conn"));
    }
    CHECK(conns[0] == conns[1]);
    ClientConn other = ClientConn::tcp(http_port);
    REQUIRE(other.send_all(get));
    CHECK(word(read_body(other), "conn") != conns[0]);
  }
  {  // accept-proxy in front: nginx and X-Forwarded-For see the header's client
    ClientConn c = ClientConn::tcp(pp_port);
    REQUIRE(c.send_all("PROXY TCP6 2001:db8::7 2001:db8::1 4242 80\r\n" + get));
    const std::string body = read_body(c);
    CHECK(word(body, "pp") == "2001:db8::7:4242");
    CHECK(word(body, "xff") == "2001:db8::7");
  }
  CHECK(poll_until(
      [&] {
        return read_file(dir.file("access.log")).find("2001:db8::7:4242 GET /") !=
               std::string::npos;
      },
      5s));
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("a UNIX client goes out as v2 AF_UNIX with its peer credentials") {
  const std::string decoder = std::string(FERRY_SOURCE_DIR) + "/examples/proxy_v2_decode.py";
  TempDir dir;
  Program receiver(dir, "decoder", ProgramSpec{{"python3", decoder, dir.file("app.sock")}, "", {}});
  REQUIRE_MESSAGE(poll_until([&] { return unix_path_accepts(dir.file("app.sock")); }, 10s),
                  receiver.err());
  FerryProcess ferry(dir, fill_template(R"(defaults
  mode tcp
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend f
  bind unix@{DIR}/front.sock
  default_backend b
backend b
  server app unix@{DIR}/app.sock send-proxy-v2 proxy-v2-options crc32c,peer-creds
)",
                                        {{"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_unix(UnixAddress::path(dir.file("front.sock"))),
                  ferry.output());
  ClientConn c = ClientConn::unix_socket(dir.file("front.sock"));
  REQUIRE(c.send_all("payload"));
  c.shutdown_write();
  const std::string line = c.read_line();
  CAPTURE(line);
  CHECK(line.find("\"family\": \"UNIX\"") != std::string::npos);
  CHECK(line.find("\"dst\": \"" + dir.file("front.sock") + "\"") != std::string::npos);
  CHECK(line.find("\"src\": \"\"") != std::string::npos);
  CHECK(line.find("\"crc32c\": \"ok\"") != std::string::npos);
  CHECK(json_number(line, "pid") == std::to_string(::getpid()));
  CHECK(json_number(line, "uid") == std::to_string(::getuid()));
  CHECK(json_number(line, "gid") == std::to_string(::getgid()));
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("health checks send a PROXY header without a client: v1 UNKNOWN and v2 LOCAL") {
  TempDir dir;
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const uint16_t port = free_tcp_port();
  // The echo server sends the header back: a check passes only if it was the right one.
  FerryProcess ferry(dir, fill_template(R"(global
  stats socket {DIR}/admin.sock level admin
defaults
  mode tcp
  timeout connect 2s
  timeout client 5s
  timeout server 5s
  timeout check 2s
frontend f
  bind 127.0.0.1:{PORT}
  default_backend v1
backend v1
  option tcp-check
  tcp-check expect string PROXY\ UNKNOWN
  server s unix@{DIR}/echo.sock check-send-proxy check inter 100ms
backend v2
  option tcp-check
  tcp-check expect binary 0d0a0d0a000d0a515549540a20000000
  server s unix@{DIR}/echo.sock send-proxy-v2 check inter 100ms
)",
                                        {{"DIR", dir.path()}, {"PORT", std::to_string(port)}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  for (const char* be : {"v1", "v2"}) {
    CAPTURE(be);
    CHECK(poll_until([&] { return stat_cell(admin, be, "s", "check_status") == "L7OK"; }, 5s));
  }
  CHECK(stat_cell(admin, "v1", "s", "chkfail") == "0");
  CHECK(stat_cell(admin, "v2", "s", "chkfail") == "0");
  CHECK(ferry.stop_cleanly());
}
