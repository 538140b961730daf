#include <doctest/doctest.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

TEST_CASE("global: strict-limits is on unless written no strict-limits") {
  CHECK(load("global\n  maxconn 10\n").config.global.strict_limits);
  CHECK_FALSE(load("global\n  no strict-limits\n").config.global.strict_limits);
  CHECK(load("global\n  no strict-limits\n  strict-limits\n").config.global.strict_limits);
}

TEST_CASE("global: every keyword lands in its field") {
  const auto r = load(R"(global
  maxconn 4000
  daemon
  pidfile /run/ferry.pid
  nbthread 4
  ulimit-n 10000
  user root
  group root
  stats timeout 2m
  log stdout format raw local0
  log 127.0.0.1:514 len 2048 local1 notice err
  log /dev/log daemon
  hard-stop-after 30s
  master-worker no-exit-on-failure
)");
  CHECK(lines(r) == V{});
  const GlobalConf& g = r.config.global;
  CHECK(g.hard_stop_after == Millis(30000));
  CHECK(g.master_worker);
  CHECK_FALSE(g.exit_on_failure);
  CHECK(g.maxconn == 4000);
  CHECK(g.daemon);
  CHECK(g.pidfile == "/run/ferry.pid");
  CHECK(g.nbthread == 4);
  CHECK(g.ulimit_n == 10000);
  CHECK(g.user == "root");
  CHECK(g.uid == 0u);
  CHECK(g.group == "root");
  CHECK(g.gid == 0u);
  CHECK(g.stats_timeout == Millis(120000));
  REQUIRE(g.logs.size() == 3);
  CHECK(g.logs[0].target == "stdout");
  CHECK(g.logs[0].format == "raw");
  CHECK(g.logs[0].facility == "local0");
  CHECK(g.logs[0].level.empty());
  CHECK(g.logs[0].pos.line == 10);
  CHECK(g.logs[1].target == "127.0.0.1:514");
  CHECK(g.logs[1].length == 2048);
  CHECK(g.logs[1].facility == "local1");
  CHECK(g.logs[1].level == "notice");
  CHECK(g.logs[1].min_level == "err");
  CHECK(g.logs[2].facility == "daemon");
}

TEST_CASE("global: master-worker takes only no-exit-on-failure") {
  const auto r = load("global\n  master-worker exit-now\n");
  CHECK(lines(r) == V{"t.cfg:2: error: global section: 'master-worker' takes only "
                      "'no-exit-on-failure' (got "
                      "'exit-now')"});
}

TEST_CASE("global: numeric uid and gid") {
  const auto r = load("global\n  uid 123\n  gid 456\n");
  CHECK(lines(r) == V{});
  CHECK(r.config.global.uid == 123u);
  CHECK(r.config.global.gid == 456u);
}

TEST_CASE("global: value errors name the section and the keyword") {
  CHECK(diags(R"(global
  maxconn lots
  nbthread 65
  ulimit-n -1
  stats timeout 5q
  user nosuchuser-ferry
  group nosuchgroup-ferry
  uid x
)") == V{
           "t.cfg:2: error: global section: 'maxconn' expects a non-negative integer (got 'lots')",
           "t.cfg:3: error: global section: 'nbthread' expects an integer between 1 and 64 (got "
           "'65')",
           "t.cfg:4: error: global section: 'ulimit-n' expects a non-negative integer (got '-1')",
           "t.cfg:5: error: global section: unexpected character 'q' in 'stats timeout'; a time is "
           "a "
           "number with an optional unit: us, ms, s, m, h or d (e.g. 5s)",
           "t.cfg:6: error: global section: unknown user 'nosuchuser-ferry' (not in the password "
           "database); use an existing user name or a numeric 'uid'",
           "t.cfg:7: error: global section: unknown group 'nosuchgroup-ferry' (not in the group "
           "database); use an existing group name or a numeric 'gid'",
           "t.cfg:8: error: global section: 'uid' expects a non-negative integer (got 'x')",
       });
}

TEST_CASE("global: argument counts") {
  CHECK(
      diags("global\n  daemon now\n  maxconn\n  pidfile a b\n") ==
      V{
          "t.cfg:2: error: global section: unexpected argument 'now' after 'daemon'; usage: daemon",
          "t.cfg:3: error: global section: missing argument for 'maxconn'; usage: maxconn <number>",
          "t.cfg:4: error: global section: unexpected argument 'b' after 'pidfile'; usage: pidfile "
          "<path>",
      });
}

TEST_CASE("global: log errors") {
  CHECK(
      diags(R"(global
  log stdout local9
  log stdout
  log stdout local0 loud
  log stdout format json local0
  log stdout local0 info debug extra
  log global
  log stdout sample 1:2 local0
)") ==
      V{
          "t.cfg:2: error: global section: unknown log facility 'local9'; did you mean 'local0'? "
          "(facilities: kern user mail daemon auth syslog lpr news uucp cron auth2 ftp ntp audit "
          "alert cron2 local0-local7)",
          "t.cfg:3: error: global section: 'log stdout' needs a facility, e.g. 'log stdout local0'",
          "t.cfg:4: error: global section: unknown log level 'loud' (levels: emerg alert crit err "
          "warning notice info debug)",
          "t.cfg:5: error: global section: unknown log format 'json' (formats: local rfc3164 "
          "rfc5424 priority short timed iso raw)",
          "t.cfg:6: error: global section: unexpected argument 'extra' after the log levels",
          "t.cfg:7: error: global section: 'log global' belongs in a proxy or defaults section; in "
          "the global section give a target, e.g. 'log stdout local0'",
          "t.cfg:8: error: global section: 'log ... sample' is not supported by ferry; remove the "
          "sample option",
      });
}

TEST_CASE("global: log targets are stdout, stderr, a socket path, a numeric IP or file@/path") {
  const auto r = load(
      "global\n  log stderr local0\n  log 127.0.0.1 local0\n"
      "  log [::1]:1514 local0\n  log /dev/log local0\n  log file@/var/log/ferry.log local0\n");
  CHECK(lines(r) == V{});
  CHECK(r.config.global.logs.size() == 5);
  CHECK(r.config.global.logs[4].target == "file@/var/log/ferry.log");
  CHECK(diags("global\n  log syslog.example.com local0\n  log ring@buf local0\n"
              "  log file@ferry.log local0\n") ==
        V{
            "t.cfg:2: error: global section: log target 'syslog.example.com' is not stdout, "
            "stderr, a syslog socket path (e.g. /dev/log), a numeric IP[:port] or a file "
            "(file@/path)",
            "t.cfg:3: error: global section: log target 'ring@buf' is not stdout, stderr, a "
            "syslog socket path (e.g. /dev/log), a numeric IP[:port] or a file (file@/path)",
            "t.cfg:4: error: global section: log target 'file@ferry.log' needs an absolute path "
            "after 'file@', e.g. 'file@/var/log/ferry/ferry.log'",
        });
}

// As HAProxy 2.6 (observed): `len` (80..65535) comes before `format`, both before the facility.
TEST_CASE("global: log len and format, in HAProxy's order") {
  const auto r = load("global\n  log 127.0.0.1 len 80 format rfc5424 local3 notice err\n");
  CHECK(lines(r) == V{});
  REQUIRE(r.config.global.logs.size() == 1);
  const auto& l = r.config.global.logs[0];
  CHECK(l.length == 80);
  CHECK(l.format == "rfc5424");
  CHECK(l.facility == "local3");
  CHECK(l.level == "notice");
  CHECK(l.min_level == "err");
  CHECK(diags("global\n  log stdout format raw len 80 local0\n  log stdout len 79 local0\n"
              "  log stdout len 65536 local0\n") ==
        V{
            "t.cfg:2: error: global section: 'len' is out of place: write 'len' first, then "
            "'format', then the facility (log <target> [len <length>] [format <format>] "
            "<facility> ...)",
            "t.cfg:3: error: global section: 'log' expects an integer between 80 and 65535 (got "
            "'79')",
            "t.cfg:4: error: global section: 'log' expects an integer between 80 and 65535 (got "
            "'65536')",
        });
}

TEST_CASE("global and proxies: log-tag, inherited from defaults") {
  const auto r = load(
      "global\n  log-tag haproxy\ndefaults\n  log-tag shop\nlisten a\n  bind :1\n"
      "listen b\n  log-tag b\n  bind :2\n");
  CHECK(r.config.global.log_tag == "haproxy");
  REQUIRE(r.config.proxies.size() == 2);
  CHECK(r.config.proxies[0].log_tag == "shop");
  CHECK(r.config.proxies[1].log_tag == "b");
  CHECK(diags("global\n  log-tag \"\"\n  log-tag a b\n") ==
        V{
            "t.cfg:2: error: global section: 'log-tag' needs a non-empty tag",
            "t.cfg:3: error: global section: unexpected argument 'b' after 'log-tag'; usage: "
            "log-tag <tag>",
        });
}

TEST_CASE("global: unsupported keywords are errors that say what to do") {
  CHECK(diags(R"(global
  localpeer lb1
  tune.ssl.default-dh-param 2048
  ssl-default-bind-ciphers HIGH
  log-send-hostname
  nbproc 2
)") == V{
           "t.cfg:2: error: global section: 'localpeer' is not supported by ferry; remove the line",
           "t.cfg:3: error: global section: 'tune.ssl.default-dh-param' is not supported by ferry; "
           "ferry's only tunables are tune.bufsize, tune.maxrewrite and tune.http.maxhdr; "
           "remove it",
           "t.cfg:4: error: global section: 'ssl-default-bind-ciphers' is not supported by ferry; "
           "ferry has no TLS; remove it and terminate TLS elsewhere",
           "t.cfg:5: error: global section: 'log-send-hostname' is not supported by ferry; remove "
           "the line",
           "t.cfg:6: error: global section: 'nbproc' is not supported by ferry; remove it (use "
           "'nbthread')",
       });
}

TEST_CASE("global: chroot and the server state file (issue 11: they were refused)") {
  const auto r = load(R"(global
  chroot /var/lib/ferry
  server-state-file /var/lib/ferry/state
  server-state-base /var/lib/ferry/states
defaults
  load-server-state-from-file global
backend a
  server-state-file-name a.state
backend b
  load-server-state-from-file local
backend c
  load-server-state-from-file none
)");
  CHECK(r.ok());
  CHECK(r.config.global.chroot == "/var/lib/ferry");
  CHECK(r.config.global.chroot_pos.line == 2);
  CHECK(r.config.global.server_state_file == "/var/lib/ferry/state");
  CHECK(r.config.global.server_state_base == "/var/lib/ferry/states");
  CHECK(r.config.proxies[0].load_server_state == conf::LoadServerState::Global);
  CHECK(r.config.proxies[0].server_state_file_name == "a.state");
  CHECK(r.config.proxies[1].load_server_state == conf::LoadServerState::Local);
  CHECK(r.config.proxies[2].load_server_state == conf::LoadServerState::None);
  CHECK(diags("global\n  chroot var/empty\ndefaults\n  load-server-state-from-file all\n") ==
        V{"t.cfg:2: error: global section: 'chroot' needs an absolute directory (e.g. "
          "/var/lib/ferry)",
          "t.cfg:4: error: defaults section: 'load-server-state-from-file' expects 'global', "
          "'local' or 'none' (got 'all')"});
}

TEST_CASE("fd@ is for bind lines only") {
  V errors;
  for (const auto& d : diags("global\n  stats socket fd@3\nbackend b\n  server s1 fd@web\n"
                             "frontend f\n  bind fd@web\n  default_backend b\n"))
    if (d.find(": error: ") != std::string::npos) errors.push_back(d);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("t.cfg:2: error: stats socket: 'fd@3' is not supported for the stats "
                       "socket; give it a path") == 0);
  CHECK(errors[1].find("t.cfg:4: error: ") == 0);
  CHECK(errors[1].find("'fd@web' names an inherited listening socket; a server needs an address "
                       "to connect to") != std::string::npos);
}

TEST_CASE("global: cosmetic keywords load with a warning") {
  const auto r = load("global\n  description my load balancer\n  node lb1\n");
  CHECK(r.ok());
  CHECK(
      lines(r) ==
      V{
          "t.cfg:2: warning: global section: 'description' is ignored by ferry (it only labels "
          "HAProxy's HTTP statistics page)",
          "t.cfg:3: warning: global section: 'node' is ignored by ferry (it only labels HAProxy's "
          "HTTP statistics page)",
      });
}

TEST_CASE("global: unknown keywords suggest the closest one") {
  CHECK(
      diags("global\n  maxconns 10\n  deamon\n  frobnicate\n  timeout connect 5s\n") ==
      V{
          "t.cfg:2: error: unknown keyword 'maxconns' in 'global' section; did you mean 'maxconn'?",
          "t.cfg:3: error: unknown keyword 'deamon' in 'global' section; did you mean 'daemon'?",
          "t.cfg:4: error: unknown keyword 'frobnicate' in 'global' section",
          "t.cfg:5: error: 'timeout connect' is not allowed in global section (it belongs in "
          "defaults, backend and listen sections)",
      });
}

TEST_CASE("stats socket: accept-proxy is refused") {
  CHECK(diags("global\n  stats socket /run/ferry.sock level admin accept-proxy\n") ==
        V{"t.cfg:2: error: stats socket '/run/ferry.sock': 'accept-proxy' is not supported on a "
          "stats socket; remove it"});
}

TEST_CASE("stats socket: address, level and UNIX options") {
  const auto r = load(R"(global
  stats socket /run/ferry.sock mode 600 level admin user root group root name cli
  stats socket ipv4@127.0.0.1:9999 level user
  stats socket /run/op.sock
)");
  CHECK(lines(r) == V{});
  const auto& s = r.config.global.stats_sockets;
  REQUIRE(s.size() == 3);
  CHECK(s[0].pos.line == 2);
  CHECK(s[0].addrs.at(0).path == "/run/ferry.sock");
  CHECK(s[0].level == Level::Admin);
  CHECK(s[0].perms.mode == mode_t(0600));
  CHECK(s[0].perms.uid == 0u);
  CHECK(s[0].perms.gid == 0u);
  CHECK(s[0].name == "cli");
  CHECK(s[1].addrs.at(0).port == 9999);
  CHECK(s[1].level == Level::User);
  CHECK(s[2].level == Level::Operator);
  CHECK_FALSE(s[2].expose_fd_listeners);
}

TEST_CASE("stats socket: expose-fd listeners lets -x take the listeners over") {
  const auto r = load("global\n  stats socket /run/a.sock level admin expose-fd listeners\n");
  CHECK(lines(r) == V{});
  CHECK(r.config.global.stats_sockets.at(0).expose_fd_listeners);
}

TEST_CASE("stats socket: errors and warnings") {
  CHECK(
      diags(R"(global
  stats socket /run/a.sock level root
  stats socket /run/b.sock expose-fd listeners
  stats socket 127.0.0.1:9999 mode 600
  stats socket /run/c.sock levle admin
  stats socket /run/d.sock user nosuchuser-ferry
  stats socket /run/e.sock mode
)") ==
      V{
          "t.cfg:2: error: stats socket '/run/a.sock': 'level' expects 'user', 'operator' or "
          "'admin' (got 'root')",
          "t.cfg:4: warning: stats socket '127.0.0.1:9999': 'mode' only applies to UNIX socket "
          "files and is ignored on this address",
          "t.cfg:5: error: unknown keyword 'levle' on stats socket line '/run/c.sock'; did you "
          "mean "
          "'level'?",
          "t.cfg:6: error: stats socket '/run/d.sock': unknown user 'nosuchuser-ferry' (not in the "
          "password database); use an existing user name or a numeric 'uid'",
          "t.cfg:7: error: stats socket '/run/e.sock': 'mode' expects a value",
      });
}

TEST_CASE("global: tune.bufsize, tune.maxrewrite and tune.http.maxhdr as HAProxy checks them") {
  const auto r = load(
      "global\n  tune.bufsize 65536\n  tune.maxrewrite 2048\n"
      "  tune.http.maxhdr 200\n" +
      kMinimal);
  CHECK(lines(r) == V{});
  CHECK(r.config.global.tune_bufsize == 65536);
  CHECK(r.config.global.tune_maxrewrite == 2048);
  CHECK(r.config.global.tune_http_maxhdr == 200);
  CHECK(
      diags("global\n  tune.bufsize 0\n  tune.maxrewrite -1\n  tune.http.maxhdr 32768\n" + kMinimal)
          .size() == 3);
}

}  // namespace
}  // namespace ferry::conf::test
