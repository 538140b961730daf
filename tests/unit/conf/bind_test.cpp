#include <doctest/doctest.h>
#include <sys/socket.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

const std::string kBackend = "backend b\n  server s1 /s.sock\n";

TEST_CASE("bind: comma lists give several addresses") {
  const auto r = load(kTimeouts +
                      "frontend f\n  bind 127.0.0.1:1,[::1]:2,/run/f.sock\n"
                      "  default_backend b\n" +
                      kBackend);
  CHECK(lines(r) == V{});
  const auto& binds = proxy(r, "f").binds;
  REQUIRE(binds.size() == 1);
  CHECK(binds[0].pos.line == 6);
  REQUIRE(binds[0].addrs.size() == 3);
  CHECK(binds[0].addrs[0].port == 1);
  CHECK(binds[0].addrs[1].family == AF_INET6);
  CHECK(binds[0].addrs[2].path == "/run/f.sock");
}

TEST_CASE("bind: options land in their fields") {
  const auto r = load(kTimeouts + R"(frontend f
  bind 127.0.0.1:1 name web backlog 128 maxconn 50
  bind /run/f.sock mode 0660 uid 10 gid 20
  bind unix@/run/g.sock mode 600 user root group root accept-proxy
  default_backend b
)" + kBackend);
  CHECK(lines(r) == V{});
  const auto& b = proxy(r, "f").binds;
  REQUIRE(b.size() == 3);
  CHECK_FALSE(b[0].accept_proxy);
  CHECK(b[2].accept_proxy);
  CHECK(b[0].name == "web");
  CHECK(b[0].backlog == 128);
  CHECK(b[0].maxconn == 50);
  CHECK(b[1].perms.mode == mode_t(0660));
  CHECK(b[1].perms.uid == 10u);
  CHECK(b[1].perms.gid == 20u);
  CHECK(b[2].perms.mode == mode_t(0600));
  CHECK(b[2].perms.user == "root");
  CHECK(b[2].perms.uid == 0u);
  CHECK(b[2].perms.group == "root");
  CHECK(b[2].perms.gid == 0u);
}

TEST_CASE("bind: UNIX options on a TCP address are ignored with a warning") {
  const auto r = load(kTimeouts + R"(frontend f
  bind 127.0.0.1:1 mode 600 user root
  bind 127.0.0.1:2,/run/x.sock mode 600
  bind abns@name mode 600
  default_backend b
)" + kBackend);
  CHECK(r.ok());
  CHECK(
      lines(r) ==
      V{
          "t.cfg:6: warning: bind '127.0.0.1:1' in frontend 'f': 'mode', 'user' only apply to UNIX "
          "socket files and are ignored on this address",
          "t.cfg:8: warning: bind 'abns@name' in frontend 'f': 'mode' only applies to UNIX socket "
          "files and is ignored on this address",
      });
}

TEST_CASE("bind: errors") {
  CHECK(
      diags(kTimeouts + R"(frontend f
  bind 127.0.0.1:99999
  bind /run/a.sock mode rw
  bind /run/b.sock uid www
  bind /run/c.sock gid www
  bind /run/d.sock user nosuchuser-ferry group nosuchgroup-ferry
  bind :1 backlgo 10
  bind :2 level admin
  bind :3 ssl crt /etc/cert.pem
  bind :4 backlog 0
  bind
  default_backend b
)" + kBackend) ==
      V{
          "t.cfg:6: error: bind in frontend 'f': invalid port '99999' in address "
          "'127.0.0.1:99999'; "
          "a port is a number from 0 to 65535",
          "t.cfg:7: error: bind '/run/a.sock' in frontend 'f': 'mode' expects an octal permission "
          "such as 660 or 0600 (got 'rw')",
          "t.cfg:8: error: bind '/run/b.sock' in frontend 'f': 'uid' expects a numeric user id "
          "(got "
          "'www'); use 'user www' for a user name",
          "t.cfg:9: error: bind '/run/c.sock' in frontend 'f': 'gid' expects a numeric group id "
          "(got 'www'); use 'group www' for a group name",
          "t.cfg:10: error: bind '/run/d.sock' in frontend 'f': unknown user 'nosuchuser-ferry' "
          "(not in the password database); use an existing user name or a numeric 'uid'",
          "t.cfg:10: error: bind '/run/d.sock' in frontend 'f': unknown group 'nosuchgroup-ferry' "
          "(not in the group database); use an existing group name or a numeric 'gid'",
          "t.cfg:11: error: unknown keyword 'backlgo' on bind line ':1'; did you mean 'backlog'?",
          "t.cfg:12: error: unknown keyword 'level' on bind line ':2' ('level' is only for 'stats "
          "socket')",
          "t.cfg:13: error: bind ':3' in frontend 'f': 'ssl' is not supported on a bind; ferry "
          "speaks TLS on a TCP 'stats socket' only; terminate TLS in front of ferry",
          "t.cfg:14: error: bind ':4' in frontend 'f': 'backlog' expects a positive integer (got "
          "'0')",
          "t.cfg:15: error: frontend 'f': missing argument for 'bind'; usage: bind "
          "<address>[,<address>...] [options]",
      });
}

TEST_CASE("bind: mode must be octal and at most 07777") {
  CHECK(
      diags(kTimeouts +
            "frontend f\n  bind /a.sock mode 8\n  bind /b.sock mode 17777\n"
            "  default_backend b\n" +
            kBackend) ==
      V{
          "t.cfg:6: error: bind '/a.sock' in frontend 'f': 'mode' expects an octal permission such "
          "as 660 or 0600 (got '8')",
          "t.cfg:7: error: bind '/b.sock' in frontend 'f': 'mode' expects an octal permission such "
          "as 660 or 0600 (got '17777')",
      });
}

}  // namespace
}  // namespace ferry::conf::test
