#include "conf/validate.hpp"

#include <doctest/doctest.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

TEST_CASE("ids: declaration order from 1 without a stats socket") {
  const auto r = load(kMinimal + "listen l\n  bind :2\n  server a /a.sock\n");
  CHECK(proxy(r, "f").id == 1);
  CHECK(proxy(r, "b").id == 2);
  CHECK(proxy(r, "l").id == 3);
}

TEST_CASE("ids: a stats socket takes slot 1, explicit ids are kept and skipped") {
  // The same config as observed on HAProxy 2.6: f=2, b=3 (explicit), c=4; servers 1,3,2.
  const auto r = load(R"(global
  stats socket /tmp/e.sock level admin
defaults
  timeout connect 1s
  timeout client 1s
  timeout server 1s
frontend f
  bind 127.0.0.1:18090
  default_backend c
backend b
  id 3
  server s1 /tmp/x.sock id 1
  server s2 /tmp/x.sock
  server s3 /tmp/x.sock id 2
backend c
  server s1 /tmp/c1.sock
  server s2 /tmp/c2.sock
)");
  CHECK(lines(r) == V{});
  CHECK(proxy(r, "f").id == 2);
  CHECK(proxy(r, "b").id == 3);
  CHECK(proxy(r, "c").id == 4);
  const auto& b = proxy(r, "b").servers;
  CHECK(b[0].id == 1);
  CHECK(b[1].id == 3);
  CHECK(b[2].id == 2);
  CHECK(proxy(r, "c").servers[1].id == 2);
}

TEST_CASE("ids: duplicates are errors") {
  CHECK(diags(kMinimal + R"(  id 1
  server s2 /s2.sock id 4
  server s3 /s3.sock id 4
listen l
  id 1
  bind :2
  server a /a.sock
)") == V{
           "t.cfg:12: error: server 'b/s3': id 4 is already used by server 'b/s2' (t.cfg:11); give "
           "each one a different id",
           "t.cfg:13: error: listen 'l': id 1 is already used by backend 'b' (t.cfg:8); give each "
           "one a different id",
       });
}

TEST_CASE("validate: duplicate names follow HAProxy (frontend and backend may share one)") {
  CHECK(diags(kTimeouts + R"(frontend app
  bind :1
  default_backend app
backend app
  server s /s.sock
  server s /t.sock
backend app
  server s /s.sock
listen app
  bind :2
  server s /s.sock
)") == V{
           "t.cfg:10: error: server 'app/s' has the same name as the server declared at t.cfg:9; "
           "server names must be unique within a backend",
           "t.cfg:11: error: backend 'app' has the same name as backend 'app' declared at t.cfg:8; "
           "rename one of them",
           "t.cfg:13: error: listen 'app' has the same name as frontend 'app' declared at t.cfg:5; "
           "rename one of them",
       });
}

TEST_CASE("validate: frontends need a bind and an existing default_backend") {
  CHECK(diags(kTimeouts + R"(frontend nobind
  default_backend app
frontend noback
  bind :1
frontend typo
  bind :2
  default_backend ap
frontend tofront
  bind :3
  default_backend noback
listen usedasbackend
  server s /s.sock
backend app
  server s /s.sock
)") == V{
           "t.cfg:5: error: frontend 'nobind' has no 'bind' line; add one, e.g. 'bind :8080' or "
           "'bind /run/nobind.sock'",
           "t.cfg:7: error: frontend 'noback' has no 'default_backend' and no 'use_backend'; add "
           "'default_backend <backend>'",
           "t.cfg:11: error: frontend 'typo': default_backend: there is no backend or listen "
           "section "
           "named 'ap'; did you mean 'app'?",
           "t.cfg:14: error: frontend 'tofront': default_backend: 'noback' is a frontend, not a "
           "backend",
       });
}

TEST_CASE("validate: warnings that do not stop the load") {
  const auto r = load(R"(frontend f
  bind :1
  default_backend empty
backend empty
listen l
  bind :2
  timeout client 1s
  timeout connect 1s
  server s /s.sock
)");
  CHECK(r.ok());
  CHECK(
      lines(r) ==
      V{
          "t.cfg:1: warning: missing timeouts for frontend 'f': set 'timeout client' (here or in "
          "defaults), or stalled connections stay open forever",
          "t.cfg:4: warning: backend 'empty' has no server; connections sent to it will fail",
          "t.cfg:4: warning: missing timeouts for backend 'empty': set 'timeout connect', 'timeout "
          "server' (here or in defaults), or stalled connections stay open forever",
          "t.cfg:5: warning: missing timeouts for listen 'l': set 'timeout server' (here or in "
          "defaults), or stalled connections stay open forever",
      });
}

TEST_CASE("validate: timeout queue defaults to timeout connect") {
  const auto r = load(kMinimal + "backend q\n  timeout queue 7s\n  server s /s.sock\n");
  CHECK(proxy(r, "b").timeouts.queue == Millis(1000));
  CHECK(proxy(r, "q").timeouts.queue == Millis(7000));
}

TEST_CASE("validate: every error of a run is reported, parse and validation alike") {
  const auto r = load(R"(global
  maxconn x
frontend f
  bind :99999
  default_backend nowhere
  balanse x
backend b
  server s1 /s.sock weight 1000
  server s1 /t.sock
)");
  CHECK_FALSE(r.ok());
  CHECK(
      lines(r) ==
      V{
          "t.cfg:2: error: global section: 'maxconn' expects a non-negative integer (got 'x')",
          "t.cfg:3: warning: missing timeouts for frontend 'f': set 'timeout client' (here or in "
          "defaults), or stalled connections stay open forever",
          "t.cfg:4: error: bind in frontend 'f': invalid port '99999' in address ':99999'; a port "
          "is a number from 0 to 65535",
          "t.cfg:5: error: frontend 'f': default_backend: there is no backend or listen section "
          "named 'nowhere'",
          "t.cfg:6: error: unknown keyword 'balanse' in 'frontend' section; did you mean "
          "'balance'?",
          "t.cfg:7: warning: missing timeouts for backend 'b': set 'timeout connect', 'timeout "
          "server' (here or in defaults), or stalled connections stay open forever",
          "t.cfg:8: error: server 'b/s1': weight of server 'b/s1' is not within 0 and 256 (1000)",
          "t.cfg:9: error: server 'b/s1' has the same name as the server declared at t.cfg:8; "
          "server names must be unique within a backend",
      });
}

TEST_CASE("validate: describe helpers") {
  BindConf b;
  b.addrs.resize(2);
  b.addrs[0].text = "127.0.0.1:1";
  b.addrs[1].text = "/x.sock";
  ProxyConf p;
  p.kind = ProxyKind::Frontend;
  p.name = "web";
  CHECK(describe_bind(b, &p) == "bind '127.0.0.1:1,/x.sock' in frontend 'web'");
  CHECK(describe_bind(b, nullptr) == "stats socket '127.0.0.1:1,/x.sock'");
  p.kind = ProxyKind::Listen;
  CHECK(describe_proxy(p) == "listen 'web'");
}

}  // namespace
}  // namespace ferry::conf::test
