#include <doctest/doctest.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

TEST_CASE("proxy: every plain keyword lands in its field") {
  const auto r = load(R"(global
  log stdout local0
frontend f
  mode tcp
  bind :8080
  default_backend b
  maxconn 500
  timeout client 30s
  option tcplog
  option dontlognull
  log global
  log 127.0.0.1:514 local2 info
  id 7
backend b
  balance leastconn
  fullconn 100
  retries 5
  timeout connect 2s
  timeout server 1m
  timeout queue 3s
  timeout check 1500
  timeout tunnel 1h
  option redispatch
  option allbackups
  enabled
  server s1 /run/s1.sock
)");
  CHECK(lines(r) == V{});
  const ProxyConf& f = proxy(r, "f");
  CHECK(f.kind == ProxyKind::Frontend);
  CHECK(f.pos.line == 3);
  CHECK(f.default_backend == "b");
  CHECK(f.default_backend_pos.line == 6);
  CHECK(f.maxconn == 500);
  CHECK(f.timeouts.client == Millis(30000));
  CHECK(f.tcplog);
  CHECK(f.dontlognull);
  CHECK(f.log_global);
  REQUIRE(f.logs.size() == 1);
  CHECK(f.logs[0].facility == "local2");
  CHECK(f.id == 7);
  const ProxyConf& b = proxy(r, "b");
  CHECK(b.balance == Balance::LeastConn);
  CHECK(b.fullconn == 100);
  CHECK(b.retries == 5);
  CHECK(b.timeouts.connect == Millis(2000));
  CHECK(b.timeouts.server == Millis(60000));
  CHECK(b.timeouts.queue == Millis(3000));
  CHECK(b.timeouts.check == Millis(1500));
  CHECK(b.timeouts.tunnel == Millis(3600000));
  CHECK(b.redispatch);
  CHECK(b.allbackups);
  CHECK_FALSE(b.tcplog);
}

TEST_CASE("proxy: every balance algorithm") {
  for (const auto& [word, value] :
       std::vector<std::pair<std::string, Balance>>{{"roundrobin", Balance::RoundRobin},
                                                    {"static-rr", Balance::StaticRr},
                                                    {"leastconn", Balance::LeastConn},
                                                    {"first", Balance::First},
                                                    {"source", Balance::Source},
                                                    {"random", Balance::Random}}) {
    const auto r = load(kTimeouts + "backend b\n  balance " + word + "\n  server s /s.sock\n");
    CHECK(lines(r) == V{});
    CHECK(proxy(r, "b").balance == value);
  }
}

TEST_CASE("proxy: balance errors") {
  CHECK(diags(kTimeouts + R"(backend b
  balance fastest
  balance rdp-cookie
  balance hdr(host
  balance source extra
  balance uri path-only
  server s /s.sock
)") == V{
           "t.cfg:6: error: backend 'b': balance only supports 'roundrobin', 'static-rr', "
           "'leastconn', 'first', 'source', 'random', 'uri', 'url_param' and 'hdr(name)' options "
           "(got 'fastest')",
           "t.cfg:7: error: backend 'b': 'balance rdp-cookie' is not supported by ferry; use "
           "'uri', 'url_param', 'hdr(name)' or 'source'",
           "t.cfg:8: error: backend 'b': 'balance hdr(name)' requires a header field name in "
           "parentheses.",
           "t.cfg:9: error: backend 'b': 'balance source' takes no further argument (got 'extra')",
           "t.cfg:10: error: backend 'b': 'balance uri' only accepts parameters 'len N', 'depth N' "
           "and 'whole' (got 'path-only'; ferry has no 'path-only')",
       });
  // A layer 7 hash in mode tcp: round robin, with HAProxy's warning.
  CHECK(diags(kTimeouts + "backend b\n  balance uri\n  server s /s.sock\n") ==
        V{"t.cfg:5: warning: Layer 7 hash not possible for backend 'b' (needs 'mode http'). "
          "Falling back to round robin."});
}

TEST_CASE("proxy: mode") {
  CHECK(
      diags(kMinimal + "  mode http\n  mode unix\n  mode health\n  mode tcp\n") ==
      V{
          "t.cfg:11: warning: backend 'b': 'mode unix' is not an HAProxy mode; taken as 'mode tcp'",
          "t.cfg:12: error: backend 'b': unknown proxy mode 'health'; use 'mode tcp' or 'mode "
          "http'",
      });
}

TEST_CASE("proxy: value errors") {
  CHECK(
      diags(kMinimal + R"(  retries many
  fullconn -1
  timeout server 10x
  timeout connect
  id 0
)") ==
      V{
          "t.cfg:10: error: backend 'b': 'retries' expects a non-negative integer (got 'many')",
          "t.cfg:11: error: backend 'b': 'fullconn' expects a non-negative integer (got '-1')",
          "t.cfg:12: error: backend 'b': unexpected character 'x' in 'timeout server'; a time is a "
          "number with an optional unit: us, ms, s, m, h or d (e.g. 5s)",
          "t.cfg:13: error: backend 'b': missing argument for 'timeout connect'; usage: timeout "
          "connect <time>",
          "t.cfg:14: error: backend 'b': 'id' expects a positive integer (got '0')",
      });
}

TEST_CASE("proxy: no option clears an inherited flag, other negations are refused") {
  const auto r = load(R"(defaults
  timeout connect 1s
  timeout server 1s
  option redispatch
  option allbackups
backend b
  no option redispatch
  no option httpchk
  server s /s.sock
)");
  CHECK(lines(r) ==
        V{
            "t.cfg:8: error: backend 'b': 'no' cannot be used with 'option httpchk'; only boolean "
            "options such as 'no option redispatch' take it",
        });
  CHECK_FALSE(proxy(r, "b").redispatch);
  CHECK(proxy(r, "b").allbackups);
}

TEST_CASE("proxy: 'no log' forgets inherited log targets") {
  const auto r = load(R"(defaults
  timeout connect 1s
  timeout server 1s
  log global
  log stdout local0
backend b
  no log
  server s /s.sock
backend c
  server s /s.sock
)");
  CHECK(lines(r) == V{});
  CHECK_FALSE(proxy(r, "b").log_global);
  CHECK(proxy(r, "b").logs.empty());
  CHECK(proxy(r, "c").log_global);
  CHECK(proxy(r, "c").logs.size() == 1);
}

TEST_CASE("proxy: keyword placement follows HAProxy") {
  CHECK(
      diags(kTimeouts + R"(frontend f
  bind :1
  default_backend b
  timeout connect 5s
  balance roundrobin
  server s1 /s.sock
  default-server check
  option redispatch
backend b
  bind :80
  default_backend b
  maxconn 5
  timeout client 5s
  server s1 /s.sock
defaults
  id 3
  bind :81
  server s2 /s.sock
  description x
)") ==
      V{
          "t.cfg:8: warning: 'timeout connect' is ignored in frontend 'f' (it applies to defaults, "
          "backend and listen sections)",
          "t.cfg:9: warning: 'balance' is ignored in frontend 'f' (it applies to defaults, backend "
          "and listen sections)",
          "t.cfg:10: error: 'server' is not allowed in frontend 'f' (it belongs in backend and "
          "listen sections)",
          "t.cfg:11: error: 'default-server' is not allowed in frontend 'f' (it belongs in "
          "defaults, backend and listen sections)",
          "t.cfg:12: warning: 'option redispatch' is ignored in frontend 'f' (it applies to "
          "defaults, backend and listen sections)",
          "t.cfg:14: error: 'bind' is not allowed in backend 'b' (it belongs in frontend and "
          "listen "
          "sections)",
          "t.cfg:15: warning: 'default_backend' is ignored in backend 'b' (it applies to defaults, "
          "frontend and listen sections)",
          "t.cfg:16: warning: 'maxconn' is ignored in backend 'b' (it applies to defaults, "
          "frontend and listen sections)",
          "t.cfg:17: warning: 'timeout client' is ignored in backend 'b' (it applies to defaults, "
          "frontend and listen sections)",
          "t.cfg:20: error: 'id' is not allowed in defaults section (it belongs in frontend, "
          "backend and listen sections)",
          "t.cfg:21: error: 'bind' is not allowed in defaults section (it belongs in frontend and "
          "listen sections)",
          "t.cfg:22: error: 'server' is not allowed in defaults section (it belongs in backend and "
          "listen sections)",
          "t.cfg:23: warning: 'description' is ignored in defaults section (it applies to "
          "global, frontend, backend and listen sections)",
      });
}

TEST_CASE("proxy: global keywords in a proxy are errors") {
  CHECK(
      diags(kMinimal + "  daemon\n  stats socket /run/x.sock\n") ==
      V{
          "t.cfg:10: error: 'daemon' is not allowed in backend 'b' (it belongs in the global "
          "section)",
          "t.cfg:11: error: 'stats socket' is not allowed in backend 'b' (it belongs in the global "
          "section)",
      });
}

TEST_CASE("proxy: unknown keywords suggest the closest one") {
  CHECK(diags(kMinimal + R"(  balanse roundrobin
  option redispach
  timeout conect 5s
  retires 3
  frobnicate
  option nothing-like-it
)") == V{
           "t.cfg:10: error: unknown keyword 'balanse' in 'backend' section; did you mean "
           "'balance'?",
           "t.cfg:11: error: unknown keyword 'option redispach' in 'backend' section; did you mean "
           "'option redispatch'?",
           "t.cfg:12: error: unknown keyword 'timeout conect' in 'backend' section; did you mean "
           "'timeout connect'?",
           "t.cfg:13: error: unknown keyword 'retires' in 'backend' section; did you mean "
           "'retries'?",
           "t.cfg:14: error: unknown keyword 'frobnicate' in 'backend' section",
           "t.cfg:15: error: unknown keyword 'option nothing-like-it' in 'backend' section",
       });
}

TEST_CASE("proxy: HAProxy keywords ferry refuses say why and what to do") {
  CHECK(
      diags(kMinimal + R"(  contimeout 5s
  clitimeout 5s
  srvtimeout 5s
  log-format %t
  use_backend x if y
  disabled
  http-after-response set-header X 1
  timeout http-request 5s
  stats enable
)") ==
      V{
          "t.cfg:10: error: backend 'b': 'contimeout' is not supported by ferry; it was removed in "
          "HAProxy 2.1; use 'timeout connect'",
          "t.cfg:11: error: backend 'b': 'clitimeout' is not supported by ferry; it was removed in "
          "HAProxy 2.1; use 'timeout client'",
          "t.cfg:12: error: backend 'b': 'srvtimeout' is not supported by ferry; it was removed in "
          "HAProxy 2.1; use 'timeout server'",
          "t.cfg:13: error: backend 'b': 'log-format' is not supported by ferry; ferry has no "
          "custom log format; use 'option httplog' or 'option tcplog'",
          "t.cfg:14: error: 'use_backend' is not allowed in backend 'b' (it belongs in frontend "
          "and "
          "listen sections)",
          "t.cfg:15: error: backend 'b': 'disabled' is not supported by ferry; to start a server "
          "in "
          "maintenance put 'disabled' on its server line; to drop a proxy, remove or comment out "
          "its section",
          "t.cfg:16: error: backend 'b': 'http-after-response' is not supported by ferry; "
          "ferry's 'mode http' does not implement it yet; remove it",
          "t.cfg:18: error: 'stats enable' is not allowed in backend 'b' (it belongs in "
          "defaults, frontend and listen sections)",
      });
}

TEST_CASE("sections: headers, names and unsupported sections") {
  CHECK(diags(R"(maxconn 10
global extra
frontend
  bind :1
backend bad/name
  server s /s.sock
backend b x y
  server s /s.sock
resolvers dns
  nameserver ns1 1.1.1.1:53
peers p
)") == V{
           "t.cfg:1: error: 'maxconn' is outside any section; start one with 'global', 'defaults', "
           "'frontend', 'backend' or 'listen'",
           "t.cfg:2: error: 'global' takes no argument (got 'extra')",
           "t.cfg:3: error: 'frontend' needs a name, e.g. 'frontend app'",
           "t.cfg:5: error: invalid character '/' in backend name 'bad/name'; use letters, digits, "
           "'-', '_', '.' and ':'",
           "t.cfg:5: warning: missing timeouts for backend 'bad/name': set 'timeout connect', "
           "'timeout server' (here or in defaults), or stalled connections stay open forever",
           "t.cfg:7: error: unexpected argument 'x' after 'backend b'; usage: backend <name> [from "
           "<defaults name>]",
           "t.cfg:7: warning: missing timeouts for backend 'b': set 'timeout connect', 'timeout "
           "server' (here or in defaults), or stalled connections stay open forever",
           "t.cfg:9: error: 'resolvers' sections are not supported by ferry; remove the section",
           "t.cfg:11: error: 'peers' sections are not supported by ferry; remove the section",
       });
}

TEST_CASE("proxy: http-reuse, retry-on and option prefer-last-server") {
  const auto r = load(kMinimal +
                      "  http-reuse aggressive\n  retry-on empty-response 503 404\n"
                      "  option prefer-last-server\n");
  CHECK(lines(r) == V{});
  const ProxyConf& b = proxy(r, "b");
  CHECK(b.http_reuse == HttpReuse::Aggressive);
  CHECK(b.retry_on.kinds == RetryOn::kEmptyResponse);
  CHECK(b.retry_on.statuses == std::vector<int>{503, 404});
  CHECK(b.prefer_last_server);
  const auto plain = load(kMinimal);       // kept: proxy() refers into it
  const ProxyConf& d = proxy(plain, "b");  // HAProxy's defaults
  CHECK(d.http_reuse == HttpReuse::Safe);
  CHECK(d.retry_on.kinds == RetryOn::kConnFailure);
  CHECK(d.retry_on.statuses.empty());
  CHECK_FALSE(d.prefer_last_server);
  const auto retryable = load(kMinimal + "  retry-on all-retryable-errors\n");
  const ProxyConf& all = proxy(retryable, "b");
  CHECK(all.retry_on.has(RetryOn::kJunkResponse));
  CHECK(all.retry_on.statuses == std::vector<int>{500, 502, 503, 504});
  CHECK(proxy(load(kMinimal + "  retry-on none\n"), "b").retry_on.kinds == 0);
  CHECK(diags(kMinimal + "  http-reuse sometimes\n  retry-on 200\n  retry-on none 503\n") ==
        V{"t.cfg:10: error: backend 'b': unknown mode 'sometimes'; use 'http-reuse "
          "never|safe|aggressive|always'",
          "t.cfg:11: error: backend 'b': unknown keyword '200'; use none, conn-failure, "
          "empty-response, junk-response, response-timeout, 0rtt-rejected, all-retryable-errors "
          "or a status among 401 403 404 408 425 500 501 502 503 504",
          "t.cfg:12: error: backend 'b': 'none' cannot be combined with other retry-on keywords"});
}

}  // namespace
}  // namespace ferry::conf::test
