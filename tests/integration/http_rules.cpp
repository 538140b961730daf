// http-request/http-response rules and %[...] samples side by side with haproxy 2.6: one config
// with four app sockets routed by path and Host, frontend rules before use_backend and backend
// rules after it, deny/return/redirect/allow, header, path, query, method and uri rewrites,
// response rules (the backend's, then the frontend's). Request by request both proxies must
// answer the same status, send the server the same request line and fields, give the client the
// same response fields (names compared in lower case: HAProxy lowercases them, ferry keeps them
// as received) and keep or close the client connection alike.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/http_response.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

// Each app socket answers with the request it got (request line, then each field in order, names
// lower-cased, Connection left out), and a few fields for response rules to work on.
constexpr const char* kApps = R"(import os, socket, sys, threading
def serve(c, name):
    buf = b''
    while True:
        while b'\r\n\r\n' not in buf:
            d = c.recv(65536)
            if not d:
                c.close()
                return
            buf += d
        head, buf = buf.split(b'\r\n\r\n', 1)
        lines = head.decode().split('\r\n')
        seen = ['app=' + name, lines[0]]
        for l in lines[1:]:
            k, v = l.split(':', 1)
            if k.lower() != 'connection':
                seen.append(k.lower() + ': ' + v.strip())
        body = ('\n'.join(seen) + '\n').encode()
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\nX-Internal: 1\r\n'
                  b'Set-Cookie: sid=1\r\nServer: app\r\n\r\n' % len(body) + body)
def listen(path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.listen(64)
    name = os.path.basename(path)[:-5]
    while True:
        threading.Thread(target=serve, args=(s.accept()[0], name), daemon=True).start()
for p in sys.argv[1:]:
    threading.Thread(target=listen, args=(p,), daemon=True).start()
threading.Event().wait()
)";

constexpr const char* kConfig = R"(defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{PORT}
    unique-id-format "%[req.hdr(x-req),lower]-%[method]"
    unique-id-header X-Req-Id
    acl is_api path_beg /api/
    acl admin_host hdr(host) -i admin.example.com
    http-request deny if { path_beg /private }
    http-request deny deny_status 429 if { url_param(flood) -m found }
    http-request return status 200 content-type text/plain lf-string "pong %[method] %[query] %[unique-id]" if { path /ping }
    http-request return status 204 if { path /empty }
    http-request redirect location /new-place code 301 if { path /old }
    http-request redirect prefix /v2 drop-query append-slash if { path_beg /v1 }
    http-request redirect scheme https if { hdr(host) -i secure.example.com }
    http-request allow if { path /allowed }
    http-request set-header X-Rule-Ran yes
    http-request del-header X-Secret
    http-request set-header X-Path-Upper %[path,upper]
    http-request add-header X-Client "%[src] %[hdr(host),lower] %[url_param(id),base64]"
    http-request replace-header User-Agent ^curl/(.*)$ curl-\1
    http-request set-method POST if { path /make-post }
    use_backend api if is_api !admin_host
    use_backend static if { path_end .css .js }
    use_backend admin if admin_host
    default_backend web
    http-response set-header X-Frontend fe
    http-response del-header X-Internal
backend api
    http-request replace-path /api/(.*) /\1
    http-request set-query v=1&%[query] if { query -m found }
    http-request set-header Host localhost
    http-response set-header X-Backend api
    http-response replace-header Set-Cookie (.*) "\1; Secure"
    server s1 unix@{DIR}/api.sock
backend static
    http-request set-uri /assets%[path]
    http-response set-status 203 reason Cached
    server s1 unix@{DIR}/static.sock
backend admin
    http-request deny unless { src 127.0.0.1 }
    http-request set-header X-Admin %[req.hdr(x-admin-token),length]
    server s1 unix@{DIR}/admin.sock
backend web
    http-response add-header X-Web "%[src] %[unique-id]"
    server s1 unix@{DIR}/web.sock
)";

struct Case {
  std::string method, target, fields;
};

const Case kCases[] = {
    {"GET", "/", "Host: www.example.com\r\nX-Secret: s\r\nUser-Agent: curl/8.0\r\n"},
    {"GET", "/api/users?id=7", "Host: www.example.com\r\nX-Req: ABC\r\n"},
    {"GET", "/api/plain", "Host: www.example.com\r\n"},
    {"GET", "/api/x", "Host: admin.example.com\r\nX-Admin-Token: secret\r\n"},
    {"GET", "/app.css", "Host: www.example.com\r\n"},
    {"GET", "/private/key", "Host: www.example.com\r\n"},
    {"GET", "/search?flood=1", "Host: www.example.com\r\n"},
    {"GET", "/ping?a=b", "Host: h\r\nX-Req: Q1\r\n"},
    {"GET", "/empty", "Host: h\r\n"},
    {"GET", "/old", "Host: h\r\n"},
    {"GET", "/v1/thing?x=1", "Host: h\r\n"},
    {"GET", "/page?q", "Host: secure.example.com\r\n"},
    {"GET", "/allowed", "Host: h\r\nX-Secret: kept\r\n"},
    {"GET", "/make-post", "Host: h\r\n"},
    {"HEAD", "/?id=abc", "Host: h\r\nUser-Agent: wget\r\n"},
    {"GET", "/api/dup", "Host: h\r\nX-Client: first\r\n"},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The response head with field names in lower case, Date removed.
std::string normalized_head(const std::string& head) {
  std::string out;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    pos = end + 2;
    const size_t colon = line.find(':');
    if (!out.empty() && colon != std::string::npos) {
      const std::string name = lower(line.substr(0, colon));
      if (name == "date") continue;
      line = name + line.substr(colon);
    }
    out += line + "\n";
  }
  return out;
}

struct Outcome {
  std::string head, body;
  bool kept = false;  // a second request on the connection was answered
};

Outcome exchange(uint16_t port, const Case& k) {
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.ok());
  REQUIRE(c.send_all(k.method + " " + k.target + " HTTP/1.1\r\n" + k.fields + "\r\n"));
  Outcome o;
  std::string extra;
  Response r = k.method == "HEAD" ? Response{} : read_response(c, extra);
  if (k.method == "HEAD") {  // no body follows: the head is all
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos &&
           c.read_some(head, Deadline(5s)) == ReadStatus::Data) {
    }
    r.head = head.substr(0, head.find("\r\n\r\n"));
  }
  o.head = normalized_head(r.head);
  o.body = r.body;
  if (c.send_all("GET /ping HTTP/1.1\r\nHost: h\r\n\r\n"))
    o.kept = read_response(c, extra, 3s).status == 200;
  return o;
}

}  // namespace

TEST_CASE("http rules: the same answers and server requests as haproxy 2.6") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  TempDir dir;
  std::vector<std::string> argv{"python3", dir.write_file("apps.py", kApps)};
  for (const char* n : {"web", "api", "static", "admin"})
    argv.push_back(dir.file(std::string(n) + ".sock"));
  Program apps(dir, "apps", ProgramSpec{argv, "", {}});
  for (const char* n : {"web", "api", "static", "admin"})
    REQUIRE_MESSAGE(
        poll_until([&] { return unix_path_accepts(dir.file(std::string(n) + ".sock")); }, 10s),
        apps.err());
  const uint16_t fp = free_tcp_port(), hp = free_tcp_port();
  auto config = [&](uint16_t port) {
    return fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  };
  FerryProcess ferry(dir, config(fp));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(fp), ferry.output());
  Program haproxy(
      dir, "haproxy",
      ProgramSpec{{"haproxy", "-db", "-f", dir.write_file("h.cfg", config(hp))}, "", {}});
  REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hp).ok(); }, 10s), haproxy.err());

  for (const Case& k : kCases) {
    INFO(k.method << " " << k.target);
    const Outcome f = exchange(fp, k), h = exchange(hp, k);
    CHECK(f.head == h.head);
    CHECK(f.body == h.body);
    CHECK(f.kept == h.kept);
  }
  CHECK(ferry.stop_cleanly());
}
