// ACL criteria and conditions evaluated against parsed requests: each match method and fetch as
// HAProxy 2.6 defines it.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>

#include "http/acl_eval.hpp"
#include "http/request_target.hpp"

namespace ferry::http {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t e = std::min(text.find(' ', i), text.size());
    if (e > i) out.emplace_back(text.substr(i, e - i));
    i = e + 1;
  }
  return out;
}

core::SockAddr inet(const char* ip, uint16_t port) {
  core::SockAddr a;
  if (std::strchr(ip, ':')) {
    auto* s = reinterpret_cast<sockaddr_in6*>(a.get());
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(port);
    REQUIRE(::inet_pton(AF_INET6, ip, &s->sin6_addr) == 1);
    a.len = sizeof *s;
  } else {
    auto* s = reinterpret_cast<sockaddr_in*>(a.get());
    s->sin_family = AF_INET;
    s->sin_port = htons(port);
    REQUIRE(::inet_pton(AF_INET, ip, &s->sin_addr) == 1);
    a.len = sizeof *s;
  }
  return a;
}

core::SockAddr unix_client() {
  core::SockAddr a;
  a.get()->sa_family = AF_UNIX;
  a.len = sizeof(sa_family_t);
  return a;
}

// One parsed request with a client address, against which terms and conditions are evaluated.
struct Request {
  explicit Request(std::string text, const char* client = "192.0.2.10")
      : bytes(std::move(text)), src(inet(client, 40000)), dst(inet("198.51.100.1", 8080)) {
    HeadParser parser;
    REQUIRE(parser.parse_request(bytes, head) == ParseResult::Done);
    ctx.request = &head;
    ctx.src = &src;
    ctx.dst = &dst;
  }
  bool term(std::string_view text) {
    conf::AclTerm t;
    const auto err = conf::parse_acl_term(words(text), {}, t);
    REQUIRE_MESSAGE(!err, *err);
    return evaluate(t, ctx);
  }
  bool cond(std::string_view text, const std::vector<conf::Acl>& acls = {}) {
    conf::Condition c;
    const auto err = conf::parse_condition(words(text), {}, acls, c);
    REQUIRE_MESSAGE(!err, *err);
    return evaluate(c, ctx);
  }
  std::string bytes;
  RequestHead head;
  core::SockAddr src, dst;
  RequestContext ctx;
};

Request get(std::string target, std::string headers = "Host: app.example.com\r\n") {
  return Request("GET " + target + " HTTP/1.1\r\n" + headers + "\r\n");
}

conf::Acl named(std::string name, std::initializer_list<std::string_view> lines) {
  conf::Acl a{{}, std::move(name), std::make_shared<std::vector<conf::AclTerm>>()};
  for (auto l : lines) {
    a.terms->emplace_back();
    const auto err = conf::parse_acl_term(words(l), {}, a.terms->back());
    REQUIRE_MESSAGE(!err, *err);
  }
  return a;
}

TEST_CASE("acl eval: path criteria and their match methods") {
  auto r = get("/api/v1/users.json?x=1");
  CHECK(r.term("path /api/v1/users.json"));
  CHECK_FALSE(r.term("path /api/v1/users.json?x=1"));
  CHECK_FALSE(r.term("path /API/v1/users.json"));
  CHECK(r.term("path -i /API/v1/users.json"));
  CHECK(r.term("path_beg /static /api"));
  CHECK_FALSE(r.term("path_beg /apx"));
  CHECK(r.term("path_end .json"));
  CHECK(r.term("path_sub v1/u"));
  CHECK(r.term("path_dir v1"));
  CHECK(r.term("path_dir /api/v1"));
  CHECK_FALSE(r.term("path_dir ap"));
  CHECK(r.term("path_reg ^/api/v[0-9]+/"));
  CHECK_FALSE(r.term("path_reg ^/API"));
  CHECK(r.term("path_reg -i ^/API"));
  CHECK(r.term("path_len 18"));
  CHECK(r.term("path_len gt 10"));
  CHECK_FALSE(r.term("path_len lt 10"));
  CHECK(r.term("path -m beg /api"));
  CHECK(r.term("path -m found"));
  CHECK(r.term("path_beg -m str /api/v1/users.json"));  // -m replaces the derivative's method
}

TEST_CASE("acl eval: absolute-form and asterisk targets") {
  auto abs = get("http://app.example.com/x/y?q");
  CHECK(abs.term("path /x/y"));
  CHECK(abs.term("url_beg http://"));
  CHECK(abs.term("query q"));
  auto star = Request("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK_FALSE(star.term("path -m found"));
  CHECK(star.term("url *"));
  CHECK(star.cond("if HTTP_URL_STAR"));
  CHECK_FALSE(star.cond("if HTTP_URL_SLASH"));
}

TEST_CASE("acl eval: url query and url_param") {
  auto r = get("/s?user=alice&id=42&id=43&flag");
  CHECK(r.term("url /s?user=alice&id=42&id=43&flag"));
  CHECK(r.term("url_sub alice"));
  CHECK(r.term("query user=alice&id=42&id=43&flag"));
  CHECK(r.term("url_param(user) alice"));
  CHECK(r.term("url_param(id) 43"));  // every occurrence is tried
  CHECK(r.term("urlp_val(id) gt 42"));
  CHECK_FALSE(r.term("url_param(flag) -m found"));  // no '=': not a parameter value
  CHECK_FALSE(r.term("url_param(use) -m found"));
  CHECK_FALSE(get("/s").term("query -m found"));
  CHECK(get("/s?").term("query -m len 0"));
  CHECK(get("/s?a=1;b=2").term("url_param(b,;) 2"));
}

TEST_CASE("acl eval: hdr splits values on commas and picks occurrences") {
  auto r = get("/", "Host: App.Example.com:8080\r\nX-Tag: a, \"b,c\", d\r\nX-Tag: e\r\n");
  CHECK(r.term("hdr(host) -i app.example.com:8080"));
  CHECK(r.term("hdr(HOST) -m beg App"));
  CHECK(r.term("hdr_dom(host) -i example"));
  CHECK(r.term("hdr_dom(host) -i app.example.com"));
  CHECK_FALSE(r.term("hdr_dom(host) -i exam"));
  CHECK(r.term("hdr_end(host) :8080"));
  CHECK(r.term("req.hdr(x-tag) d"));
  CHECK(r.term("hdr(x-tag) \"b,c\""));
  CHECK(r.term("hdr_cnt(x-tag) 4"));
  CHECK(r.term("hdr_cnt gt 4"));  // every header
  CHECK(r.term("hdr_cnt(x-none) 0"));
  CHECK(r.term("hdr(x-tag,1) a"));
  CHECK_FALSE(r.term("hdr(x-tag,1) d"));
  CHECK(r.term("hdr(x-tag,-1) e"));
  CHECK(r.term("hdr(x-tag,-2) d"));
  CHECK_FALSE(r.term("hdr(x-tag,9) -m found"));
  CHECK_FALSE(r.term("hdr(x-none) -m found"));
  CHECK(r.term("hdr_sub(x-tag) \"b"));
  CHECK(r.term("hdr_reg(host) ^App\\.[A-Za-z]+"));
  CHECK(r.term("hdr_len(x-tag) 1"));
  auto ip = get("/", "Host: a\r\nX-Real-IP: 10.1.2.3\r\nContent-Length: 12\r\n");
  CHECK(ip.term("hdr_ip(x-real-ip) 10.0.0.0/8"));
  CHECK(ip.term("hdr_val(content-length) ge 12"));
  CHECK(ip.cond("if HTTP_CONTENT"));
}

TEST_CASE("acl eval: method is exact unless -i") {
  auto r = Request("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
  CHECK(r.term("method POST"));
  CHECK_FALSE(r.term("method post"));
  CHECK(r.term("method -i post"));
  CHECK(r.cond("if METH_POST"));
  CHECK_FALSE(r.cond("if METH_GET"));
  CHECK(get("/").cond("if METH_GET"));
}

TEST_CASE("acl eval: src dst and ports") {
  auto r = get("/");
  CHECK(r.term("src 192.0.2.0/24"));
  CHECK(r.term("src 10.0.0.0/8 192.0.2.10"));
  CHECK_FALSE(r.term("src 10.0.0.0/8"));
  CHECK(r.term("src ::ffff:192.0.2.0/120"));  // IPv4 client against an IPv6 network
  CHECK(r.term("src_port ge 1024"));
  CHECK(r.term("dst 198.51.100.1"));
  CHECK(r.term("dst_port 8080"));
  CHECK(r.term("dst_port 8000:8999"));
  CHECK_FALSE(r.term("dst_port :79"));
  CHECK_FALSE(r.cond("if LOCALHOST"));
  auto mapped = Request("GET / HTTP/1.1\r\nHost: a\r\n\r\n", "::ffff:127.0.0.1");
  CHECK(mapped.cond("if LOCALHOST"));  // an IPv4-mapped client against 127.0.0.1/8
  CHECK(mapped.term("src ::1 127.0.0.0/8"));
  auto v6 = Request("GET / HTTP/1.1\r\nHost: a\r\n\r\n", "2001:db8::5");
  CHECK(v6.term("src 2001:db8::/32"));
  CHECK_FALSE(v6.term("src 0.0.0.0/0"));
}

TEST_CASE("acl eval: a UNIX-socket client has no src") {
  auto r = get("/");
  const core::SockAddr u = unix_client();
  r.ctx.src = &u;
  r.ctx.dst = &u;
  CHECK_FALSE(r.term("src 0.0.0.0/0 ::/0"));
  CHECK_FALSE(r.term("src -m found"));
  CHECK_FALSE(r.term("dst_port -m found"));
  CHECK(r.cond("if !{ src 0.0.0.0/0 }"));
  CHECK(r.term("path /"));
}

TEST_CASE("acl eval: request criteria are false without a request") {
  auto r = get("/");
  r.ctx.request = nullptr;
  CHECK_FALSE(r.term("path -m found"));
  CHECK_FALSE(r.term("hdr_cnt 0"));
  CHECK(r.term("src 192.0.2.10"));
}

TEST_CASE("acl eval: booleans and nbsrv") {
  auto r = get("/");
  CHECK(r.term("always_true"));
  CHECK_FALSE(r.term("always_false"));
  CHECK(r.cond("if TRUE"));
  CHECK_FALSE(r.cond("if FALSE"));
  struct Counts : ServerCounts {
    int usable_servers(std::string_view b) const override {
      return b == "app" ? 0 : b == "" ? 3 : -1;
    }
  } counts;
  CHECK_FALSE(r.term("nbsrv(app) lt 1"));  // no counts given: no sample
  r.ctx.servers = &counts;
  CHECK(r.term("nbsrv(app) lt 1"));
  CHECK(r.term("nbsrv(app) eq 0"));
  CHECK(r.term("nbsrv 3"));
  CHECK_FALSE(r.term("nbsrv(other) ge 0"));
}

TEST_CASE("acl eval: conditions combine with and or and negation") {
  auto r = get("/api/x");
  const std::vector<conf::Acl> acls = {
      named("api", {"path_beg /api"}),
      named("static", {"path_beg /static", "path_end .css"}),  // two lines OR together
      named("local", {"src 127.0.0.1"}),
  };
  CHECK(r.cond("if api", acls));
  CHECK_FALSE(r.cond("unless api", acls));
  CHECK_FALSE(r.cond("if api local", acls));
  CHECK(r.cond("if api !local", acls));
  CHECK(r.cond("if local || api", acls));
  CHECK(r.cond("if local or api", acls));
  CHECK(r.cond("if local OR api", acls));
  CHECK_FALSE(r.cond("if static", acls));
  CHECK(get("/x.css").cond("if static", acls));
  CHECK(r.cond("if { path_beg /api } { method GET }", acls));
  CHECK(r.cond("if !{ path_beg /static }", acls));
  CHECK(r.cond("if ! static", acls));
  CHECK(r.cond("if !!api", acls));
  CHECK_FALSE(r.cond("if static or local or !api", acls));
  CHECK(r.cond("unless static or local", acls));
}

TEST_CASE("acl eval: an empty condition is true") {
  auto r = get("/");
  CHECK(evaluate(conf::Condition{}, r.ctx));
}

TEST_CASE("request target: path and query") {
  CHECK(target_path("/a/b?c") == "/a/b");
  CHECK(target_path("/") == "/");
  CHECK(target_path("http://h:80/p?q") == "/p");
  CHECK_FALSE(target_path("http://h").has_value());
  CHECK_FALSE(target_path("*").has_value());
  CHECK_FALSE(target_path("h:443").has_value());
  CHECK(target_query("/a?b?c") == "b?c");
  CHECK_FALSE(target_query("/a").has_value());
}

}  // namespace
}  // namespace ferry::http
