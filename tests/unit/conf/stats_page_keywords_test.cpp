#include <doctest/doctest.h>

#include "conf/dump_json.hpp"
#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

TEST_CASE("stats page: every keyword lands in its field") {
  const auto r = load(kTimeouts + R"(frontend stats
  mode http
  bind 127.0.0.1:8404
  stats uri /
  stats realm Our Stats
  stats auth admin:secret
  stats auth ops:other
  stats refresh 5s
  stats hide-version
  stats show-legends
  stats show-node edge-1
frontend metrics
  mode http
  bind 127.0.0.1:8405
  http-request use-service prometheus-exporter
)");
  CHECK(lines(r) == V{});
  const StatsPageConf& s = proxy(r, "stats").stats;
  CHECK(s.enabled);
  CHECK(s.uri == "/");
  CHECK(s.realm == "Our Stats");
  CHECK(s.auth == V{"admin:secret", "ops:other"});
  CHECK(s.refresh == Millis(5000));
  CHECK(s.hide_version);
  CHECK(s.show_legends);
  CHECK(s.show_node == std::optional<std::string>("edge-1"));
  CHECK(!proxy(r, "stats").prometheus.enabled);
  CHECK(proxy(r, "metrics").prometheus.enabled);
  CHECK(!proxy(r, "metrics").stats.enabled);
}

TEST_CASE("stats page: defaults as HAProxy's and stats enable alone") {
  const auto r = load(kTimeouts + R"(listen l
  mode http
  bind :8080
  stats enable
  server s1 /run/s1.sock
)");
  CHECK(lines(r) == V{});
  const StatsPageConf& s = proxy(r, "l").stats;
  CHECK(s.enabled);
  CHECK(s.uri == "/haproxy?stats");
  CHECK(s.realm == "HAProxy Statistics");
  CHECK(!s.refresh);
}

TEST_CASE("stats page: mistakes are named with their line and the fix") {
  CHECK(diags(kTimeouts + R"(frontend f
  mode http
  bind :8080
  stats uri metrics
  stats auth admin
  stats refresh soon
  stats admin
  stats scope app
  http-request use-service lua.hello
backend b
  stats enable
listen t
  bind :8081
  stats enable
  http-request use-service prometheus-exporter
  server s1 /run/s1.sock
)") == V{
           "t.cfg:8: error: frontend 'f': 'stats uri metrics': the URI must begin with '/'",
           "t.cfg:9: error: frontend 'f': 'stats auth admin': write it as <user>:<password>",
           "t.cfg:10: error: frontend 'f': unexpected character 's' in 'stats refresh'; a "
           "time is a number with an optional unit: us, ms, s, m, h or d (e.g. 5s)",
           "t.cfg:11: error: frontend 'f': 'stats admin' takes a condition: 'stats admin if "
           "<condition>'",
           "t.cfg:12: error: frontend 'f': 'stats' is not supported by ferry; ferry's "
           "stats keywords are 'stats enable', 'uri', 'realm', 'auth', 'refresh', "
           "'hide-version', 'show-legends', 'show-node' and 'admin'; remove it",
           "t.cfg:13: error: frontend 'f': unknown service 'lua.hello'; ferry's only service "
           "is 'prometheus-exporter'",
           "t.cfg:14: warning: backend 'b' has no server; connections sent to it will fail",
           "t.cfg:15: error: 'stats enable' is not allowed in backend 'b' (it belongs in "
           "defaults, frontend and listen sections)",
           "t.cfg:18: error: the stats page of listen 't' needs 'mode http'; add it to the "
           "section",
           "t.cfg:19: error: 'http-request use-service prometheus-exporter' in listen 't' "
           "needs 'mode http'; add it to the section",
       });
}

TEST_CASE("stats page: stats admin and use-service take conditions") {
  const auto r = load(kTimeouts + R"(frontend f
  mode http
  bind :8080
  acl local src 127.0.0.0/8
  stats admin if local
  http-request use-service prometheus-exporter if { path /metrics }
)");
  CHECK(lines(r) == V{});
  const ProxyConf& f = proxy(r, "f");
  CHECK(f.stats.admin);
  CHECK(!f.stats.admin_if.empty());
  CHECK(f.prometheus.enabled);
  CHECK(!f.prometheus.when.empty());
  CHECK(diags(kTimeouts + R"(frontend f
  mode http
  bind :8080
  stats admin if nosuchacl
)")
            .size() == 1);
}

TEST_CASE("stats page: the YAML keys give the model of the HAProxy format's lines") {
  const auto cfg = load(kTimeouts + R"(frontend stats
  mode http
  bind 127.0.0.1:8404
  stats enable
  stats uri /
  stats realm Our Stats
  stats auth admin:secret
  stats auth ops:other
  stats refresh 5s
  stats hide-version
  stats show-legends
  stats show-node edge-1
  stats admin if { src 127.0.0.0/8 } || LOCALHOST
  http-request use-service prometheus-exporter if { path /metrics }
listen plain
  mode http
  bind 127.0.0.1:8405
  stats show-node
  http-request use-service prometheus-exporter
  server s1 /run/s1.sock
)");
  const auto yaml = load(R"(defaults:
  timeout: { connect: 1s, client: 1s, server: 1s }
frontends:
  - name: stats
    mode: http
    bind: "127.0.0.1:8404"
    stats:
      enable: true
      uri: /
      realm: Our Stats
      auth: ["admin:secret", "ops:other"]
      refresh: 5s
      hide_version: true
      show_legends: true
      show_node: edge-1
      admin: "if { src 127.0.0.0/8 } || LOCALHOST"
    use_service: "prometheus-exporter if { path /metrics }"
listens:
  - name: plain
    mode: http
    bind: "127.0.0.1:8405"
    stats: { show_node: true }
    use_service: prometheus-exporter
    servers: [ { name: s1, address: /run/s1.sock } ]
)",
                         "t.yaml");
  CHECK(lines(cfg) == V{});
  CHECK(lines(yaml) == V{});
  for (const char* name : {"stats", "plain"}) {
    CAPTURE(name);
    for (const char* key : {"stats", "prometheus_exporter"}) {
      auto c = to_json(proxy(cfg, name))[key];
      auto y = to_json(proxy(yaml, name))[key];
      if (c.is_object()) c.erase("pos");
      if (y.is_object()) y.erase("pos");
      CHECK(c.dump() == y.dump());
    }
  }
  const auto dump = to_json(proxy(yaml, "stats"));
  CHECK(dump["stats"]["auth_users"].dump() == R"(["admin","ops"])");  // no passwords
  CHECK(dump["stats"]["admin"] == "if { src 127.0.0.0/8 } || LOCALHOST");
  CHECK(dump["prometheus_exporter"]["when"] == "if { path /metrics }");
  CHECK(to_json(proxy(yaml, "plain"))["stats"]["show_node"] == "");
  CHECK(diags(R"(defaults:
  timeout: { connect: 1s, client: 1s, server: 1s }
frontends:
  - name: f
    mode: http
    bind: ":8080"
    stats: { urii: /, auth: admin }
backends:
  - name: b
    stats: { enable: true }
    servers: [ { name: s1, address: /run/s1.sock } ]
)",
              "t.yaml") ==
        V{
            // the stats page is not on: the errors above dropped its lines
            "t.yaml:4:5: error: frontend 'f' has no 'default_backend' and no 'use_backend'; add "
            "'default_backend <backend>'",
            "t.yaml:7:14: error: unknown key 'urii' in stats; did you mean 'uri'?",
            "t.yaml:7:29: error: frontend 'f': 'stats auth admin': write it as "
            "<user>:<password>",
            "t.yaml:10:22: error: 'stats enable' is not allowed in backend 'b' (it belongs in "
            "defaults, frontend and listen sections)",
        });
}

}  // namespace
}  // namespace ferry::conf::test
