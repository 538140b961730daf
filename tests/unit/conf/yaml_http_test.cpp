// The YAML keys of `mode http` proxies: the connection-mode options, `forwardfor` with its
// arguments, `http_reuse`, `retry_on`, `prefer-last-server` and the HTTP timeouts give the model
// their HAProxy-format lines give.
#include <doctest/doctest.h>

#include "conf/dump_json.hpp"
#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

const char* const kCfg = R"(defaults
    mode http
    timeout connect 1s
    timeout client 2s
    timeout server 3s
    timeout http-request 4s
    timeout http-keep-alive 5s
    option http-server-close
frontend f
    bind 127.0.0.1:8080
    option forwardfor except 10.0.0.0/8 header X-Client if-none
    default_backend b
backend b
    option httpclose
    option forwardfor
    option prefer-last-server
    http-reuse always
    retry-on conn-failure 503 response-timeout
    server s /s.sock
listen l
    bind 127.0.0.1:8081
    option http-keep-alive
    option forwardfor except ::1
    server s /s.sock
)";

const char* const kYaml = R"(defaults:
  mode: http
  timeout: { connect: 1s, client: 2s, server: 3s, http_request: 4s, http_keep_alive: 5s }
  options: [http-server-close]
frontends:
  - name: f
    bind: "127.0.0.1:8080"
    forwardfor: { header: X-Client, except: 10.0.0.0/8, if_none: true }
    default_backend: b
backends:
  - name: b
    options: [httpclose, forwardfor, prefer-last-server]
    http_reuse: always
    retry_on: [conn-failure, 503, response-timeout]
    servers: [ { name: s, address: /s.sock } ]
listens:
  - name: l
    bind: "127.0.0.1:8081"
    options: [http-keep-alive]
    forwardfor: { except: "::1" }
    servers: [ { name: s, address: /s.sock } ]
)";

TEST_CASE(
    "yaml: HTTP options forwardfor http_reuse retry_on and timeouts give the HAProxy format's "
    "model") {
  const auto cfg = load(kCfg);
  const auto yaml = load(kYaml, "t.yaml");
  CHECK(lines(cfg) == V{});
  CHECK(lines(yaml) == V{});
  for (const char* name : {"f", "b", "l"}) {
    CAPTURE(name);
    const ProxyConf& c = proxy(cfg, name);
    const ProxyConf& y = proxy(yaml, name);
    CHECK(c.http_conn_mode == y.http_conn_mode);
    CHECK(c.timeouts.http_request == y.timeouts.http_request);
    CHECK(c.timeouts.http_keep_alive == y.timeouts.http_keep_alive);
    for (const char* key : {"forwardfor", "http_reuse", "retry_on", "prefer_last_server"})
      CHECK(to_json(c)[key] == to_json(y)[key]);
  }
  CHECK(proxy(yaml, "b").http_reuse == HttpReuse::Always);
  CHECK(proxy(yaml, "b").prefer_last_server);
  CHECK(proxy(yaml, "b").retry_on.has_status(503));
  CHECK(proxy(yaml, "f").http_conn_mode == HttpConnMode::ServerClose);
  CHECK(proxy(yaml, "b").http_conn_mode == HttpConnMode::Close);
  CHECK(proxy(yaml, "l").http_conn_mode == HttpConnMode::KeepAlive);
  const ForwardFor& ff = proxy(yaml, "f").forwardfor;
  CHECK(ff.header == "X-Client");
  CHECK(ff.if_none);
  REQUIRE(ff.except);
  CHECK(ff.except->text == "10.0.0.0/8");
  CHECK(proxy(yaml, "b").forwardfor.enabled);
  REQUIRE(proxy(yaml, "l").forwardfor.except);
  CHECK(proxy(yaml, "l").forwardfor.except->text == "::1");
  CHECK(proxy(yaml, "f").timeouts.http_keep_alive == Millis(5000));
}

TEST_CASE("yaml: forwardfor mistakes are named") {
  CHECK(diags(R"(defaults:
  mode: http
  timeout: { connect: 1s, server: 1s }
backends:
  - name: b
    forwardfor: { hedaer: X }
    servers: [ { name: s, address: /s.sock } ]
  - name: c
    forwardfor: false
    options: [forwardfro]
    servers: [ { name: s, address: /s.sock } ]
  - name: d
    forwardfor: { except: nowhere }
    servers: [ { name: s, address: /s.sock } ]
)",
              "t.yaml") ==
        V{"t.yaml:6:19: error: unknown key 'hedaer' in forwardfor; did you mean 'header'?",
          "t.yaml:9:17: error: forwardfor: false cannot be undone (there is no 'no option "
          "forwardfor'); remove the key",
          "t.yaml:10:15: error: unknown option 'forwardfro' in options; did you mean "
          "'forwardfor'?",
          "t.yaml:13:17: error: backend 'd': 'option forwardfor except' 'nowhere': expects an "
          "IPv4 or IPv6 network, ADDR[/BITS] (10.0.0.0/8, 127.0.0.1, ::1, fd00::/8) or ADDR/MASK "
          "(10.0.0.0/255.0.0.0); host names are not resolved"});
}

}  // namespace
}  // namespace ferry::conf::test
