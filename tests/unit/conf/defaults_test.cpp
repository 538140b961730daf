#include <doctest/doctest.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

TEST_CASE("defaults: proxies copy the last defaults section before them") {
  const auto r = load(R"(defaults
  mode tcp
  timeout connect 1s
  timeout client 2s
  timeout server 3s
  timeout check 4s
  balance leastconn
  retries 7
  maxconn 99
  fullconn 33
  option redispatch
  option allbackups
  option tcplog
  log global
  default-server check inter 5s weight 4
  option tcp-check
  tcp-check send ping
  default_backend b
frontend f
  bind :1
backend b
  server s /s.sock
listen l
  bind :2
  server s /s.sock
)");
  CHECK(lines(r) == V{});
  for (const char* name : {"f", "b", "l"}) {
    const ProxyConf& p = proxy(r, name);
    CAPTURE(name);
    CHECK(p.timeouts.connect == Millis(1000));
    CHECK(p.timeouts.client == Millis(2000));
    CHECK(p.timeouts.server == Millis(3000));
    CHECK(p.timeouts.check == Millis(4000));
    CHECK(p.balance == Balance::LeastConn);
    CHECK(p.retries == 7);
    CHECK(p.maxconn == 99);
    CHECK(p.fullconn == 33);
    CHECK(p.redispatch);
    CHECK(p.allbackups);
    CHECK(p.tcplog);
    CHECK(p.log_global);
    CHECK(p.probe.kind == HealthProbeConf::Kind::TcpCheck);
    CHECK(p.probe.tcp_steps.size() == 1);
  }
  CHECK(proxy(r, "f").default_backend == "b");
  CHECK(proxy(r, "f").default_backend_pos.line == 18);
  CHECK(proxy(r, "l").default_backend == "b");
  CHECK(proxy(r, "b").default_backend.empty());  // a backend has no use for it
  for (const char* name : {"b", "l"}) {
    const ServerConf& s = proxy(r, name).servers.at(0);
    CHECK(s.check);
    CHECK(s.inter == Millis(5000));
    CHECK(s.weight == 4);
  }
}

TEST_CASE("defaults: a new defaults section starts from scratch and applies to what follows") {
  const auto r = load(R"(defaults
  timeout connect 1s
  timeout server 1s
  retries 9
backend one
  server s /s.sock
defaults
  timeout connect 2s
  timeout server 2s
backend two
  server s /s.sock
)");
  CHECK(lines(r) == V{});
  CHECK(proxy(r, "one").retries == 9);
  CHECK(proxy(r, "one").timeouts.connect == Millis(1000));
  CHECK(proxy(r, "two").retries == 3);
  CHECK(proxy(r, "two").timeouts.connect == Millis(2000));
}

TEST_CASE("defaults: a proxy's own settings override its defaults") {
  const auto r = load(kTimeouts + R"(  default-server weight 3
backend b
  timeout connect 9s
  default-server weight 5
  server s /s.sock
)");
  CHECK(proxy(r, "b").timeouts.connect == Millis(9000));
  CHECK(proxy(r, "b").servers.at(0).weight == 5);
}

TEST_CASE("defaults: named sections and 'from'") {
  const auto r = load(R"(defaults base
  timeout connect 1s
  timeout server 1s
  retries 5
defaults fast from base
  timeout connect 100ms
defaults
  timeout connect 3s
  timeout server 3s
backend plain
  server s /s.sock
backend picked from fast
  server s /s.sock
backend based from base
  server s /s.sock
)");
  CHECK(lines(r) == V{});
  CHECK(proxy(r, "plain").retries == 3);
  CHECK(proxy(r, "plain").timeouts.connect == Millis(3000));
  CHECK(proxy(r, "picked").retries == 5);
  CHECK(proxy(r, "picked").timeouts.connect == Millis(100));
  CHECK(proxy(r, "picked").timeouts.server == Millis(1000));
  CHECK(proxy(r, "based").timeouts.connect == Millis(1000));
}

TEST_CASE("defaults: a named section both named with 'from' and used implicitly is ambiguous") {
  // HAProxy 2.6 prints the same complaint and loads the config.
  const auto r = load(R"(defaults quick
  timeout connect 1s
  timeout server 1s
backend implicit
  server s /s.sock
backend explicit from quick
  server s /s.sock
)");
  CHECK(r.ok());
  CHECK(
      lines(r) ==
      V{
          "t.cfg:6: warning: defaults section 'quick' (declared at t.cfg:1) is both named with "
          "'from' and used implicitly by proxies without 'from'; add a last defaults section that "
          "no 'from' names, or use 'from' everywhere",
      });
}

TEST_CASE("defaults: errors") {
  CHECK(
      diags(R"(defaults a
  timeout connect 1s
  timeout server 1s
defaults a
defaults b from nothing
backend x from missing
  server s /s.sock
)") ==
      V{
          "t.cfg:4: error: defaults section 'a' has the same name as the one declared at t.cfg:1; "
          "give it another name",
          "t.cfg:5: error: no defaults section named 'nothing' before this line; declare 'defaults "
          "nothing' earlier or fix the name",
          "t.cfg:6: error: no defaults section named 'missing' before this line; declare 'defaults "
          "missing' earlier or fix the name",
          "t.cfg:6: warning: missing timeouts for backend 'x': set 'timeout connect', 'timeout "
          "server' (here or in defaults), or stalled connections stay open forever",
      });
}

TEST_CASE("defaults: 'mode http' and the HTTP settings reach the proxies after them") {
  const auto r = load(R"(defaults
  mode http
  timeout connect 1s
  timeout client 2s
  timeout server 3s
  timeout http-request 4s
  timeout http-keep-alive 5s
  option http-server-close
  option forwardfor header X-Client if-none
frontend f
  bind :1
  default_backend b
backend b
  option httpclose
  server s /s.sock
)");
  CHECK(lines(r) == V{});
  const ProxyConf& f = proxy(r, "f");
  CHECK(f.mode == ProxyMode::Http);
  CHECK(f.http_conn_mode == HttpConnMode::ServerClose);
  CHECK(f.forwardfor.enabled);
  CHECK(f.forwardfor.header == "X-Client");
  CHECK(f.forwardfor.if_none);
  CHECK(f.timeouts.http_request == Millis(4000));
  CHECK(f.timeouts.http_keep_alive == Millis(5000));
  CHECK(proxy(r, "b").http_conn_mode == HttpConnMode::Close);
}

}  // namespace
}  // namespace ferry::conf::test
