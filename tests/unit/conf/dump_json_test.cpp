#include "conf/dump_json.hpp"

#include <doctest/doctest.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using nlohmann::json;

TEST_CASE("dump_json: the whole model with positions") {
  const auto r = load(R"(global
  stats socket /run/s.sock level admin mode 600
defaults
  timeout connect 1s
  timeout client 1s
  timeout server 1s
frontend f
  bind 127.0.0.1:80,[::1]:81
  default_backend b
backend b
  balance first
  option tcp-check
  tcp-check send hi
  server s1 abns@x check fastinter 500 observe layer4 on-error sudden-death
)");
  REQUIRE(r.ok());
  const json j = to_json(r.config);
  CHECK(j["global"]["stats_sockets"][0]["level"] == "admin");
  CHECK(j["global"]["stats_sockets"][0]["perms"]["mode"] == 0600);
  CHECK(j["global"]["stats_sockets"][0]["pos"] == json{{"file", "t.cfg"}, {"line", 2}});
  CHECK(j["global"]["stats_timeout"] == 10000);
  CHECK(j["global"]["uid"].is_null());
  const json& f = j["proxies"][0];
  CHECK(f["kind"] == "frontend");
  CHECK(f["id"] == 2);
  CHECK(f["pos"]["line"] == 7);
  CHECK(f["default_backend_pos"]["line"] == 9);
  CHECK(f["binds"][0]["addresses"][1] ==
        json{{"kind", "ipv6"}, {"text", "[::1]:81"}, {"host", "::1"}, {"port", 81}});
  CHECK(f["timeouts"]["client"] == 1000);
  CHECK(f["timeouts"]["check"].is_null());
  const json& b = j["proxies"][1];
  CHECK(b["balance"] == "first");
  CHECK(b["timeouts"]["queue"] == 1000);
  CHECK(b["probe"]["kind"] == "tcp-check");
  CHECK(b["probe"]["tcp_steps"][0]["kind"] == "send");
  CHECK(b["probe"]["tcp_steps"][0]["arg"] == "hi");
  const json& s = b["servers"][0];
  CHECK(s["address"] == json{{"kind", "abns"}, {"text", "abns@x"}, {"path", "x"}});
  CHECK(s["fastinter"] == 500);
  CHECK(s["downinter"].is_null());
  CHECK(s["observe"] == "layer4");
  CHECK(s["on_error"] == "sudden-death");
  CHECK(s["id"] == 1);
}

TEST_CASE("dump_json: YAML positions have columns") {
  const auto r =
      load("backends:\n  - name: b\n    servers: [ { name: s, address: /s.sock } ]\n", "t.yaml");
  const json j = to_json(r.config);
  CHECK(j["proxies"][0]["pos"] == json{{"file", "t.yaml"}, {"line", 2}, {"column", 5}});
}

TEST_CASE("dump_json: a string that is not UTF-8 becomes {\"hex\": ...} with every byte") {
  const auto r =
      load(kTimeouts +
           "backend b\n  option tcp-check\n"
           "  tcp-check send \"PING\\xff\\r\\n\"\n"
           "  tcp-check send \"caf\\xc3\\xa9\"\n"
           "  tcp-check send \"\\xc3\\x28 \\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80 \\xc0\\xaf\"\n"
           "  server s1 /tmp/caf\\xe9.sock\n");
  REQUIRE(r.ok());
  const json j = to_json(r.config);
  const json& steps = j["proxies"][0]["probe"]["tcp_steps"];
  CHECK(steps[0]["arg"] == json{{"hex", "50494e47ff0d0a"}});
  CHECK(steps[1]["arg"] == "caf\xc3\xa9");  // valid UTF-8 stays a string
  // Truncated sequence, surrogate, above U+10FFFF, overlong: all four are not UTF-8.
  CHECK(steps[2]["arg"] == json{{"hex", "c32820eda08020f490808020c0af"}});
  const json& addr = j["proxies"][0]["servers"][0]["address"];
  CHECK(addr["path"] == json{{"hex", "2f746d702f636166e92e736f636b"}});
  CHECK(to_json(r.config.proxies[0].servers[0].addr)["text"] == addr["text"]);
  const std::string dumped = j.dump(2);  // threw type_error 316 before
  CHECK(json::parse(dumped) == j);
}

TEST_CASE("positions and diagnostics print as file:line[:col]") {
  CHECK(to_string(SourcePos{"a.cfg", 3, 0}) == "a.cfg:3");
  CHECK(to_string(SourcePos{"a.yaml", 3, 7}) == "a.yaml:3:7");
  CHECK(to_string(SourcePos{"a.cfg", 0, 0}) == "a.cfg");
  Diagnostic d{Diagnostic::Severity::Warning, {"a.cfg", 3, 0}, "careful"};
  CHECK(d.to_string() == "a.cfg:3: warning: careful");
  d = {Diagnostic::Severity::Error, {"a.yaml", 3, 7}, "wrong"};
  CHECK(d.to_string() == "a.yaml:3:7: error: wrong");
  d = {Diagnostic::Severity::Error, {}, "nothing to load"};
  CHECK(d.to_string() == "error: nothing to load");
}

TEST_CASE("find_proxy and find_backend tell a frontend from a backend of the same name") {
  const auto r = load(kTimeouts +
                      "frontend app\n  bind :1\n  default_backend app\n"
                      "backend app\n  server s /s.sock\n");
  REQUIRE(r.ok());
  CHECK(r.config.find_proxy("app")->kind == ProxyKind::Frontend);
  CHECK(r.config.find_backend("app")->kind == ProxyKind::Backend);
  CHECK(r.config.find_proxy("nope") == nullptr);
  CHECK(r.config.find_backend("nope") == nullptr);
}

}  // namespace
}  // namespace ferry::conf::test
