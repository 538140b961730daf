#include <doctest/doctest.h>

#include "conf/dump_json.hpp"
#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;
using nlohmann::json;

// The model without source positions, to compare configs written in different formats.
json without_positions(json j) {
  if (j.is_object()) {
    json out = json::object();
    for (auto& [k, v] : j.items())
      if (k != "pos" && k != "default_backend_pos") out[k] = without_positions(v);
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (auto& v : j)
      out.push_back(without_positions(v));
    return out;
  }
  return j;
}

const char* const kCfg = R"(global
    maxconn 1000
    stats socket /run/ferry.sock level admin mode 600
    stats timeout 10s
    log stdout format raw local0 info
    nbthread 2

defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    retries 3
    log global
    option dontlognull
    option tcplog
    default-server inter 3s fall 2

frontend web
    bind 127.0.0.1:8080,127.0.0.1:8081
    bind /run/web.sock mode 660 uid 0 name sock
    default_backend app
    maxconn 500

backend app
    balance leastconn
    option redispatch
    no option tcplog
    option tcp-check
    tcp-check connect
    tcp-check send "PING\r\n"
    tcp-check expect string +PONG
    tcp-check expect ! rstring ^-ERR
    server s1 /run/app1.sock check rise 2 weight 10 on-error mark-down observe layer4
    server s2 127.0.0.1:9000 check backup maxconn 20 disabled id 7 slowstart 1m

listen admin
    bind :9999
    option httpchk GET /health HTTP/1.1
    http-check send hdr Host example.com
    http-check expect ! status 500
    server a1 abns@admin check on-marked-down shutdown-sessions
)";

const char* const kYaml = R"(global:
  maxconn: 1000
  nbthread: 2
  stats:
    socket:
      - { address: /run/ferry.sock, level: admin, mode: "600" }
    timeout: 10s
  log:
    - { target: stdout, format: raw, facility: local0, level: info }
defaults:
  mode: tcp
  timeout: { connect: 5s, client: 30s, server: 30s }
  retries: 3
  log: global
  options: [dontlognull, tcplog]
  default_server: { inter: 3s, fall: 2 }
frontends:
  - name: web
    bind:
      - "127.0.0.1:8080,127.0.0.1:8081"
      - { address: /run/web.sock, mode: "660", uid: 0, name: sock }
    default_backend: app
    maxconn: 500
backends:
  - name: app
    balance: leastconn
    options: [redispatch, no tcplog]
    health_check:
      type: tcp-check
      steps:
        - connect
        - send: "PING\r\n"
        - expect: { string: "+PONG" }
        - expect: { rstring: "^-ERR", negate: true }
    servers:
      - { name: s1, address: /run/app1.sock, check: true, rise: 2, weight: 10,
          on_error: mark-down, observe: layer4 }
      - { name: s2, address: "127.0.0.1:9000", check: true, backup: true, maxconn: 20,
          disabled: true, id: 7, slowstart: 1m }
listens:
  - name: admin
    bind: ":9999"
    health_check:
      type: http
      http:
        method: GET
        uri: /health
        version: HTTP/1.1
        headers: { Host: example.com }
        expect: { status: "500", negate: true }
    servers:
      - { name: a1, address: abns@admin, check: true, on_marked_down: shutdown-sessions }
)";

TEST_CASE("yaml: the same config in YAML and HAProxy format gives the same model") {
  const auto cfg = load(kCfg);
  const auto yaml = load(kYaml, "t.yaml");
  CHECK(lines(cfg) == V{});
  CHECK(lines(yaml) == V{});
  CHECK(cfg.config.proxies.size() == 3);
  CHECK(without_positions(to_json(cfg.config)).dump(1) ==
        without_positions(to_json(yaml.config)).dump(1));
}

TEST_CASE("yaml: PROXY protocol keys give the model of their HAProxy-format twin") {
  const auto cfg = load(R"(defaults
  timeout connect 1s
  timeout client 1s
  timeout server 1s
frontend f
  bind 127.0.0.1:8080 accept-proxy
  default_backend b
backend b
  default-server send-proxy
  server a /a.sock send-proxy-v2 proxy-v2-options crc32c,peer-creds check-send-proxy
  server c /c.sock no-send-proxy
)");
  const auto yaml = load(R"(defaults: { timeout: { connect: 1s, client: 1s, server: 1s } }
frontends:
  - name: f
    bind: [ { address: "127.0.0.1:8080", accept_proxy: true } ]
    default_backend: b
backends:
  - name: b
    default_server: { send_proxy: v1 }
    servers:
      - { name: a, address: /a.sock, send_proxy: v2, proxy_v2_options: [crc32c, peer-creds],
          check_send_proxy: true }
      - { name: c, address: /c.sock, send_proxy: none }
)",
                         "t.yaml");
  CHECK(lines(cfg) == V{});
  CHECK(lines(yaml) == V{});
  CHECK(without_positions(to_json(cfg.config)).dump(1) ==
        without_positions(to_json(yaml.config)).dump(1));
  CHECK(proxy(yaml, "b").servers[0].proxy_protocol.peer_creds);
  CHECK(lines(load("backends: [ { name: b, servers: [ { name: a, address: /a.sock, send_proxy: "
                   "v3 } ] } ]\n",
                   "t.yaml")) ==
        V{"t.yaml:1:13: warning: missing timeouts for backend 'b': set 'timeout connect', 'timeout "
          "server' (here or in defaults), or stalled connections stay open forever",
          "t.yaml:1:76: error: 'send_proxy' expects 'v1', 'v2' or 'none' (got 'v3')"});
}

TEST_CASE("yaml: strict_limits false is no strict-limits") {
  CHECK_FALSE(load("global: { strict_limits: false }\n", "t.yml").config.global.strict_limits);
  CHECK(load("global: { strict_limits: true }\n", "t.yml").config.global.strict_limits);
}

TEST_CASE("yaml: proxies are declared in document order, ids as in HAProxy") {
  const auto r = load(R"(
global: { stats: { socket: [ /run/s.sock ] } }
defaults: { timeout: { connect: 1s, client: 1s, server: 1s } }
backends:
  - { name: b, servers: [ { name: s, address: /s.sock } ] }
frontends:
  - { name: f, bind: ":1", default_backend: b }
)",
                      "t.yml");
  CHECK(lines(r) == V{});
  REQUIRE(r.config.proxies.size() == 2);
  CHECK(r.config.proxies[0].name == "b");
  CHECK(r.config.proxies[0].id == 2);
  CHECK(r.config.proxies[1].name == "f");
  CHECK(r.config.proxies[1].id == 3);
  CHECK(r.config.proxies[1].pos.line == 7);
  CHECK(r.config.proxies[1].pos.column == 5);
}

TEST_CASE("yaml: errors carry line and column and suggest keys") {
  CHECK(
      diags(R"(global:
  maxconn: abc
  stats: { socket: [ { address: /run/x.sock, levle: admin } ] }
defaults:
  timeout: { conect: 5s, client: 1s, server: 1s, connect: 1s }
  options: [redispach, dontlog-normal]
frontends:
  - name: web
    bind: [ ":8080" ]
    default_backend: ap
backend:
  - name: x
backends:
  - name: app
    servers:
      - { name: s1, address: /run/a.sock, wieght: 3, check: maybe, weight: 300 }
      - { name: s2 }
      - just-a-string
    health_check: { type: tcp-chek }
  - name: bad/name
    servers: { name: s, address: /s.sock }
)",
            "t.yaml") ==
      V{
          "t.yaml:2:12: error: global section: 'maxconn' expects a non-negative integer (got "
          "'abc')",
          "t.yaml:3:46: error: unknown key 'levle' in stats socket; did you mean 'level'?",
          "t.yaml:5:14: error: unknown key 'conect' in timeout; did you mean 'connect'?",
          "t.yaml:6:13: error: unknown option 'redispach' in options; did you mean 'redispatch'?",
          "t.yaml:6:24: error: defaults section: 'option dontlog-normal' is not supported by "
          "ferry; remove the line",
          "t.yaml:10:22: error: frontend 'web': default_backend: there is no backend or listen "
          "section named 'ap'; did you mean 'app'?",
          "t.yaml:11:1: error: unknown key 'backend' in the top level; did you mean 'backends'?",
          "t.yaml:16:43: error: unknown key 'wieght' in server 's1'; did you mean 'weight'?",
          "t.yaml:16:61: error: 'check' expects true or false (got 'maybe')",
          "t.yaml:16:76: error: server 'app/s1': weight of server 'app/s1' is not within 0 and 256 "
          "(300)",
          "t.yaml:17:9: error: backend 'app': a server needs a 'name' and an 'address'",
          "t.yaml:18:9: error: backend 'app': each server must be a mapping with 'name' and "
          "'address'",
          "t.yaml:19:27: error: backend 'app': unknown health_check type 'tcp-chek'; did you mean "
          "'tcp-check'? (types: connect, tcp-check, http, redis)",
          "t.yaml:20:11: error: invalid character '/' in backend name 'bad/name'; use letters, "
          "digits, '-', '_', '.' and ':'",
      });
}

TEST_CASE("yaml: syntax errors and wrong shapes") {
  CHECK(diags("global:\n  maxconn: [1\n", "t.yaml") ==
        V{"t.yaml:3:1: error: YAML syntax error: end of sequence flow not found"});
  CHECK(diags("frontends: {}\n", "t.yaml") == V{"t.yaml:1:12: error: frontends must be a list"});
  CHECK(diags("- a\n- b\n", "t.yaml") ==
        V{"t.yaml:1:1: error: a ferry YAML config must be a mapping (global, defaults, "
          "frontends, backends, listens, fcgi_apps)"});
  CHECK(diags("global:\n  maxconn: { a: 1 }\n  daemon: sure\n", "t.yaml") ==
        V{
            "t.yaml:2:12: error: 'maxconn' expects a single value, got a mapping",
            "t.yaml:3:11: error: 'daemon' expects true or false (got 'sure')",
        });
  CHECK(diags("", "t.yaml") == V{});
}

TEST_CASE("yaml: placement rules are the HAProxy format's") {
  CHECK(
      diags(R"(defaults: { timeout: { connect: 1s, client: 1s, server: 1s } }
frontends:
  - name: f
    bind: ":1"
    default_backend: b
    servers: [ { name: s, address: /s.sock } ]
    default_server: { check: true }
backends:
  - name: b
    bind: ":2"
    servers: [ { name: s, address: /s.sock } ]
)",
            "t.yaml") ==
      V{
          "t.yaml:6:36: error: 'server' is not allowed in frontend 'f' (it belongs in backend and "
          "listen sections)",
          "t.yaml:7:21: error: 'default-server' is not allowed in frontend 'f' (it belongs in "
          "defaults, backend and listen sections)",
          "t.yaml:10:11: error: 'bind' is not allowed in backend 'b' (it belongs in frontend and "
          "listen sections)",
      });
}

TEST_CASE("yaml: health checks") {
  const auto r = load(R"(defaults: { timeout: { connect: 1s, server: 1s } }
backends:
  - name: r
    health_check: { type: redis }
    servers: [ { name: s, address: /s.sock } ]
  - name: h
    health_check: { type: http }
    servers: [ { name: s, address: /s.sock } ]
  - name: c
    health_check: { type: connect }
    servers: [ { name: s, address: /s.sock } ]
)",
                      "t.yaml");
  CHECK(lines(r) == V{});
  CHECK(proxy(r, "r").probe.kind == HealthProbeConf::Kind::RedisCheck);
  CHECK(proxy(r, "h").probe.kind == HealthProbeConf::Kind::HttpCheck);
  CHECK(proxy(r, "c").probe.kind == HealthProbeConf::Kind::Connect);
  CHECK(
      diags(R"(backends:
  - name: b
    timeout: { connect: 1s, server: 1s }
    health_check:
      type: http
      steps: [ connect ]
      http: { uri: /x, expect: { negate: true } }
    servers: [ { name: s, address: /s.sock } ]
  - name: c
    timeout: { connect: 1s, server: 1s }
    health_check: { steps: [] }
    servers: [ { name: s, address: /s.sock } ]
)",
            "t.yaml") ==
      V{
          "t.yaml:6:14: error: 'steps' are for health checks of type tcp-check",
          "t.yaml:7:32: error: expect needs one of 'string', 'rstring', 'binary', 'status' or "
          "'rstatus'",
          "t.yaml:11:19: error: backend 'c': health_check needs a 'type': connect, tcp-check, http "
          "or redis",
      });
}

TEST_CASE("yaml: defaults apply only to the proxies of their own file") {
  const auto r = load(
      "defaults: { retries: 8, timeout: { connect: 1s, server: 1s } }\n"
      "backends: [ { name: b, servers: [ { name: s, address: /s.sock } ] } ]\n",
      "t.yaml");
  CHECK(lines(r) == V{});
  CHECK(proxy(r, "b").retries == 8);
}

}  // namespace
}  // namespace ferry::conf::test

namespace ferry::conf::test {
namespace {

TEST_CASE("yaml: ${VAR} in values expands as in the HAProxy format, unset ones warn") {
  ::setenv("FERRY_YAML_TEST_DIR", "/run/app", 1);
  ::unsetenv("FERRY_YAML_TEST_UNSET");
  const auto r = load(R"(defaults:
  timeout: { connect: 1s, client: 1s, server: 1s }
frontends:
  - { name: f, bind: ":8080", default_backend: b }
backends:
  - name: b
    servers:
      - { name: s1, address: "unix@${FERRY_YAML_TEST_DIR}/s1.sock" }
      - { name: s2, address: "/x${FERRY_YAML_TEST_UNSET}/s2.sock" }
)",
                      "t.yaml");
  REQUIRE(r.ok());
  const ProxyConf* b = r.config.find_proxy("b");
  REQUIRE(b != nullptr);
  CHECK(b->servers.at(0).addr.path == "/run/app/s1.sock");
  CHECK(b->servers.at(1).addr.path == "/x/s2.sock");
  CHECK(lines(r) == V{"t.yaml:9:30: warning: environment variable 'FERRY_YAML_TEST_UNSET' is not "
                      "set; it expands to an empty string"});
}

TEST_CASE("yaml: fcgi_apps use_fcgi_app and proto give the model of their HAProxy-format twin") {
  const auto cfg = load(R"(defaults
  mode http
  timeout connect 1s
  timeout client 1s
  timeout server 1s
fcgi-app php
  docroot /var/www/app
  index index.php
  path-info ^(/.+[.]php)(/.*)?$
  option keep-conn
  option get-values
  option max-reqs 2
  log-stderr global
  set-param REDIRECT_STATUS 200
  set-param HTTPS on
  pass-header Authorization
backend b
  use-fcgi-app php
  option httpchk GET /ping
  server a /a.sock proto fcgi check
)");
  const auto yaml =
      load(R"(defaults: { mode: http, timeout: { connect: 1s, client: 1s, server: 1s } }
fcgi_apps:
  - name: php
    docroot: /var/www/app
    index: index.php
    path_info: ^(/.+[.]php)(/.*)?$
    options: [keep-conn, get-values]
    max_reqs: 2
    log_stderr: global
    set_param: { REDIRECT_STATUS: "200", HTTPS: "on" }
    pass_header: Authorization
backends:
  - name: b
    use_fcgi_app: php
    health_check: { type: http, http: { method: GET, uri: /ping } }
    servers: [ { name: a, address: /a.sock, proto: fcgi, check: true } ]
)",
           "t.yaml");
  CHECK(lines(cfg) == V{});
  CHECK(lines(yaml) == V{});
  REQUIRE(yaml.config.fcgi_apps.size() == 1);
  CHECK(yaml.config.fcgi_apps[0].set_params.size() == 2);
  CHECK(without_positions(to_json(cfg.config)).dump(1) ==
        without_positions(to_json(yaml.config)).dump(1));
  CHECK(lines(load("fcgi_apps: [ { name: php, docroot: /x, doc_root: /y } ]\n", "t.yaml")) ==
        V{"t.yaml:1:40: error: unknown key 'doc_root' in fcgi-app 'php'; did you mean "
          "'docroot'?"});
}

}  // namespace
}  // namespace ferry::conf::test
