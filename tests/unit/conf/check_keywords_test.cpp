#include <doctest/doctest.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;
using Kind = HealthProbeConf::Kind;
using Step = TcpCheckStep::Kind;

TEST_CASE("checks: tcp-check rules") {
  const auto r = load(kMinimal + R"(  option tcp-check
  tcp-check connect
  tcp-check send PING\r\n
  tcp-check send-binary 50494e47
  tcp-check expect string +PONG
  tcp-check expect ! rstring ^-ERR.*$
  tcp-check expect binary 2b504f4e47
)");
  CHECK(lines(r) == V{});
  const HealthProbeConf& p = proxy(r, "b").probe;
  CHECK(p.kind == Kind::TcpCheck);
  REQUIRE(p.tcp_steps.size() == 6);
  CHECK(p.tcp_steps[0].kind == Step::Connect);
  CHECK(p.tcp_steps[0].pos.line == 11);
  CHECK(p.tcp_steps[1].kind == Step::Send);
  CHECK(p.tcp_steps[1].arg == "PING\r\n");
  CHECK(p.tcp_steps[2].kind == Step::SendBinary);
  CHECK(p.tcp_steps[2].arg == "50494e47");
  CHECK(p.tcp_steps[3].kind == Step::ExpectString);
  CHECK(p.tcp_steps[3].arg == "+PONG");
  CHECK_FALSE(p.tcp_steps[3].negate);
  CHECK(p.tcp_steps[4].kind == Step::ExpectRstring);
  CHECK(p.tcp_steps[4].arg == "^-ERR.*$");
  CHECK(p.tcp_steps[4].negate);
  CHECK(p.tcp_steps[5].kind == Step::ExpectBinary);
}

TEST_CASE("checks: option httpchk takes 0 to 3 arguments, as HAProxy") {
  auto probe = [](const std::string& line) {
    const auto r = load(kMinimal + "  " + line + "\n");
    CHECK(lines(r) == V{});
    return proxy(r, "b").probe;
  };
  HealthProbeConf p = probe("option httpchk");
  CHECK(p.kind == Kind::HttpCheck);
  CHECK((p.http_method == "OPTIONS" && p.http_uri == "/" && p.http_version == "HTTP/1.0"));
  p = probe("option httpchk /health");
  CHECK((p.http_method == "OPTIONS" && p.http_uri == "/health"));
  p = probe("option httpchk GET /health");
  CHECK((p.http_method == "GET" && p.http_uri == "/health" && p.http_version == "HTTP/1.0"));
  p = probe("option httpchk HEAD /h HTTP/1.1\\r\\nHost:\\ www");
  CHECK((p.http_method == "HEAD" && p.http_version == "HTTP/1.1\r\nHost: www"));
}

TEST_CASE("checks: http-check expect and send") {
  const auto r = load(kMinimal + R"(  option httpchk GET /
  http-check send meth HEAD uri /ping ver HTTP/1.1 hdr Host example.com hdr X-A b
  http-check expect ! rstatus ^5
)");
  CHECK(lines(r) == V{});
  const HealthProbeConf& p = proxy(r, "b").probe;
  CHECK(p.http_method == "HEAD");
  CHECK(p.http_uri == "/ping");
  CHECK(p.http_version == "HTTP/1.1");
  REQUIRE(p.http_headers.size() == 2);
  CHECK(p.http_headers[0] == std::pair<std::string, std::string>{"Host", "example.com"});
  CHECK(p.http_expect_kind == "rstatus");
  CHECK(p.http_expect_arg == "^5");
  CHECK(p.http_expect_negate);
  const auto s = load(kMinimal + "  option httpchk\n  http-check expect status 200\n");
  CHECK(proxy(s, "b").probe.http_expect_kind == "status");
  CHECK_FALSE(proxy(s, "b").probe.http_expect_negate);
}

TEST_CASE("checks: option redis-check, last check option wins") {
  const auto r = load(kMinimal + "  option httpchk\n  option redis-check\n");
  CHECK(proxy(r, "b").probe.kind == Kind::RedisCheck);
}

TEST_CASE("checks: errors") {
  CHECK(
      diags(kMinimal + R"(  tcp-check send-binary 5g
  tcp-check send-binary 123
  tcp-check expect rstring (
  tcp-check expect regex x
  tcp-check expect string
  tcp-check connect port 80
  http-check expect header x
  http-check send meth
  http-check send body x
  option httpchk GET / HTTP/1.0 extra
  option mysql-check
  tcp-check comment hello
  http-check disable-on-404
)") ==
      V{
          "t.cfg:10: error: backend 'b': 'tcp-check send-binary' expects an even number of "
          "hexadecimal digits (got '5g')",
          "t.cfg:11: error: backend 'b': 'tcp-check send-binary' expects an even number of "
          "hexadecimal digits (got '123')",
          "t.cfg:12: error: backend 'b': invalid regular expression '(' in 'tcp-check expect': "
          "Mismatched '(' and ')' in regular expression",
          "t.cfg:13: error: backend 'b': 'tcp-check expect' supports 'string', 'rstring' and "
          "'binary' (got 'regex')",
          "t.cfg:14: error: backend 'b': missing argument for 'tcp-check expect'; usage: tcp-check "
          "expect [!] string|rstring|binary <pattern>",
          "t.cfg:15: error: backend 'b': options of 'tcp-check connect' are not supported by ferry "
          "(got 'port'); the check connects to the server's address",
          "t.cfg:16: error: backend 'b': 'http-check expect' supports 'status', 'rstatus' and "
          "'string' (got 'header')",
          "t.cfg:17: error: backend 'b': 'http-check send meth' expects a value",
          "t.cfg:18: error: backend 'b': 'http-check send' supports 'meth', 'uri', 'ver' and 'hdr' "
          "(got 'body')",
          "t.cfg:19: error: backend 'b': unexpected argument 'extra' after 'option httpchk'; "
          "usage: "
          "option httpchk [[<method>] <uri> [<version>]]",
          "t.cfg:20: error: backend 'b': 'option mysql-check' is not supported by ferry; use "
          "'option tcp-check', 'option httpchk' or 'option redis-check'",
          "t.cfg:21: error: backend 'b': 'tcp-check comment' is not supported by ferry; remove the "
          "rule",
          "t.cfg:22: error: backend 'b': 'http-check disable-on-404' is not supported by ferry; "
          "remove the rule",
      });
}

TEST_CASE("checks: tcp-check rules of a proxy replace those of its defaults") {
  const auto r = load(R"(defaults
  timeout connect 1s
  timeout server 1s
  option tcp-check
  tcp-check send A
  tcp-check expect string B
backend inherits
  server s /s.sock
backend replaces
  tcp-check send C
  server s /s.sock
)");
  CHECK(lines(r) == V{});
  const auto& inherited = proxy(r, "inherits").probe;
  CHECK(inherited.kind == Kind::TcpCheck);
  REQUIRE(inherited.tcp_steps.size() == 2);
  CHECK(inherited.tcp_steps[0].arg == "A");
  const auto& replaced = proxy(r, "replaces").probe;
  REQUIRE(replaced.tcp_steps.size() == 1);
  CHECK(replaced.tcp_steps[0].arg == "C");
}

}  // namespace
}  // namespace ferry::conf::test
