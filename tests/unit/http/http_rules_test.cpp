// http-request/http-response rules and %[...] samples applied to parsed heads: each action and
// converter as haproxy 2.6 gave them for the same requests (checked side by side).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "conf/model.hpp"
#include "http/http_rules.hpp"

namespace ferry::http {
namespace {

const std::string kHead =
    "defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n"
    "frontend f\n  bind 127.0.0.1:8080\n  default_backend b\n";

// The frontend's rules of `lines` (http-request and http-response lines).
conf::ProxyConf proxy(const std::string& lines) {
  const conf::LoadResult r =
      conf::load_string("t.cfg", kHead + lines + "backend b\n  server s /s.sock\n");
  for (const auto& d : r.diagnostics)
    INFO(d.to_string());
  REQUIRE(r.ok());
  for (const conf::ProxyConf& p : r.config.proxies)
    if (p.name == "f") return p;
  FAIL("no frontend");
  return {};
}

core::SockAddr inet(const char* ip, uint16_t port) {
  core::SockAddr a;
  auto* s = reinterpret_cast<sockaddr_in*>(a.get());
  s->sin_family = AF_INET;
  s->sin_port = htons(port);
  REQUIRE(::inet_pton(AF_INET, ip, &s->sin_addr) == 1);
  a.len = sizeof *s;
  return a;
}

struct Request {
  std::string bytes;
  RequestHead head;
  core::SockAddr src = inet("127.0.0.1", 40000), dst = inet("127.0.0.1", 8080);
  RewriteStore store;
  explicit Request(std::string text) : bytes(std::move(text)) {
    HeadParser p;
    REQUIRE(p.parse_request(bytes, head) == ParseResult::Done);
  }
  LogFormatInputs inputs() { return {.request = {.request = &head, .src = &src, .dst = &dst}}; }
  const conf::HttpRule* run(const conf::ProxyConf& p) {
    return run_request_rules(p.http_request_rules, head, inputs(), store);
  }
  std::string header(std::string_view name) const {
    std::string out;
    for (const Header& h : head.headers)
      if (h.name == name) out += (out.empty() ? "" : "|") + std::string(h.value);
    return out;
  }
};

TEST_CASE("http-request header rules with samples and converters") {
  const auto p = proxy(
      "  http-request set-header X-Path %[path,upper]\n"
      "  http-request add-header X-Id \"%[url_param(id),base64] %[src]:%[src_port] %[dst_port]\"\n"
      "  http-request add-header X-Id %[req.hdr(host),lower,hex]\n"
      "  http-request set-header X-Missing \"<%[req.hdr(x-none)]>\"\n"
      "  http-request del-header X-Drop\n"
      "  http-request replace-header Cookie foo=([^;]*);(.*) foo=\\1;ip=%[src];\\2\n"
      "  http-request set-header X-Sub %[path,regsub(/,_,g)]\n"
      "  http-request set-header X-Count %[req.hdr_cnt(x-drop)]%[hdr(accept,1)]\n"
      "  http-request set-header X-Never 1 if { path /other }\n");
  Request r(
      "GET /a/b?id=42 HTTP/1.1\r\nHost: Ex.COM\r\nX-Drop: 1\r\nx-drop: 2\r\n"
      "Cookie: foo=bar; x=y\r\nAccept: a, b\r\n\r\n");
  CHECK(r.run(p) == nullptr);
  CHECK(r.header("X-Path") == "/A/B");
  CHECK(r.header("X-Id") == "NDI= 127.0.0.1:40000 8080|65782E636F6D");
  CHECK(r.header("X-Missing") == "<>");
  CHECK(r.header("X-Drop").empty());
  CHECK(r.header("x-drop").empty());
  CHECK(r.header("Cookie") == "foo=bar;ip=127.0.0.1; x=y");
  CHECK(r.header("X-Sub") == "_a_b");
  CHECK(r.header("X-Count") == "0a");  // evaluated after del-header
  CHECK(r.header("X-Never").empty());
}

TEST_CASE("http-request path query method and uri rules") {
  const auto p = proxy(
      "  http-request replace-path /api/(.*) /v2/\\1\n"
      "  http-request set-query x=%[query]\n"
      "  http-request set-method PUT if METH_GET\n");
  Request r("GET /api/users/7?a=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  r.run(p);
  CHECK(r.head.target == "/v2/users/7?x=a=1");
  CHECK(r.head.method == "PUT");
  const auto q = proxy("  http-request set-path /p%[path]\n  http-request set-query %[method]\n");
  Request s("POST /x?old HTTP/1.1\r\nHost: h\r\n\r\n");
  s.run(q);
  CHECK(s.head.target == "/p/x?POST");
  const auto u = proxy("  http-request set-uri /u?%[url_param(a)]\n");
  Request t("GET /x?a=9 HTTP/1.1\r\nHost: h\r\n\r\n");
  t.run(u);
  CHECK(t.head.target == "/u?9");
}

TEST_CASE("allow ends the list and deny return redirect answer") {
  const auto p = proxy(
      "  http-request allow if { path /ok }\n"
      "  http-request deny deny_status 429 if { path_beg /ok /no }\n"
      "  http-request return status 200 content-type text/plain lf-string \"hi %[path]\" if "
      "{ path /ret }\n"
      "  http-request redirect prefix /new drop-query append-slash if { path_beg /pre }\n"
      "  http-request redirect scheme https code 301 if { path /sch }\n"
      "  http-request redirect location /loc code 308 if { path /loc }\n");
  Request ok("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(ok.run(p) == nullptr);
  Request no("GET /no HTTP/1.1\r\nHost: h\r\n\r\n");
  const conf::HttpRule* deny = no.run(p);
  REQUIRE(deny != nullptr);
  CHECK(deny->status == 429);
  CHECK(deny_reply(429).render(false, false) ==
        "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 117\r\ncache-control: no-cache\r\n"
        "content-type: text/html\r\n\r\n<html><body><h1>429 Too Many Requests</h1>\nYou have "
        "sent too many requests in a given amount of time.\n</body></html>\n");
  Request ret("GET /ret HTTP/1.1\r\nHost: h\r\n\r\n");
  const conf::HttpRule* rr = ret.run(p);
  REQUIRE(rr != nullptr);
  CHECK(rule_reply(*rr, ret.head, ret.inputs()).render(false, false) ==
        "HTTP/1.1 200 OK\r\ncontent-length: 7\r\ncontent-type: text/plain\r\n\r\nhi /ret");
  Request pre("GET /pre/x?q=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(rule_reply(*pre.run(p), pre.head, pre.inputs()).render(false, false) ==
        "HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /new/pre/x/\r\n"
        "cache-control: no-cache\r\n\r\n");
  Request sch("GET /sch?a HTTP/1.1\r\nHost: ex.com\r\n\r\n");
  CHECK(rule_reply(*sch.run(p), sch.head, sch.inputs()).render(true, false) ==
        "HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: https://ex.com/sch?a\r\n"
        "connection: close\r\n\r\n");
  Request loc("GET /loc HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(rule_reply(*loc.run(p), loc.head, loc.inputs()).head ==
        "HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: /loc\r\n");
}

TEST_CASE("http-response rules set headers and the status") {
  const auto p = proxy(
      "  http-response set-header X-Via ferry-%[src]\n"
      "  http-response del-header Server\n"
      "  http-response replace-header Set-Cookie (.*) \\1;\\ Secure\n"
      "  http-response set-status 503 reason \"Go away\" if { src 127.0.0.1 }\n"
      "  http-response set-status 201 if { src 10.0.0.1 }\n");
  std::string bytes = "HTTP/1.1 200 OK\r\nServer: app\r\nSet-Cookie: a=b\r\n\r\n";
  ResponseHead res;
  REQUIRE(HeadParser().parse_response(bytes, res, false) == ParseResult::Done);
  Request req("GET /gone HTTP/1.1\r\nHost: h\r\n\r\n");
  LogFormatInputs in = req.inputs();
  in.request.request = nullptr;
  run_response_rules(p.http_response_rules, res, in, req.store);
  CHECK(res.status == 503);
  CHECK(res.reason == "Go away");
  REQUIRE(res.headers.size() == 2);
  CHECK(res.headers[0].value == "a=b; Secure");
  CHECK(res.headers[1].value == "ferry-127.0.0.1");
  Request made("GET /made HTTP/1.1\r\nHost: h\r\n\r\n");
  made.src = inet("10.0.0.1", 1);
  in = made.inputs();
  in.request.request = nullptr;
  run_response_rules(p.http_response_rules, res, in, made.store);
  CHECK(res.status == 201);
  CHECK(res.reason == "Created");
}

}  // namespace
}  // namespace ferry::http
