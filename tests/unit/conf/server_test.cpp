#include <doctest/doctest.h>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

const ServerConf& server(const LoadResult& r, const std::string& px, size_t i) {
  const auto& servers = proxy(r, px).servers;
  REQUIRE(i < servers.size());
  return servers[i];
}

TEST_CASE("server: every option lands in its field") {
  const auto r = load(kMinimal +
                      "  server s2 /run/b1.sock check inter 2s fastinter 500 downinter 10s rise 3 "
                      "fall 2 maxconn 10 maxqueue 4 weight 7 backup disabled id 9 "
                      "on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions "
                      "error-limit 5 observe layer4 on-error mark-down slowstart 30s\n");
  CHECK(lines(r) == V{});
  const ServerConf& s = server(r, "b", 1);
  CHECK(s.name == "s2");
  CHECK(s.pos.line == 10);
  CHECK(s.addr.path == "/run/b1.sock");
  CHECK(s.check);
  CHECK(s.inter == Millis(2000));
  CHECK(s.fastinter == Millis(500));
  CHECK(s.downinter == Millis(10000));
  CHECK(s.rise == 3);
  CHECK(s.fall == 2);
  CHECK(s.maxconn == 10);
  CHECK(s.maxqueue == 4);
  CHECK(s.weight == 7);
  CHECK(s.backup);
  CHECK(s.disabled);
  CHECK(s.id == 9);
  CHECK(s.on_marked_down_shutdown_sessions);
  CHECK(s.on_marked_up_shutdown_backup_sessions);
  CHECK(s.error_limit == 5);
  CHECK(s.observe == Observe::Layer4);
  CHECK(s.on_error == OnError::MarkDown);
  CHECK(s.slowstart == Millis(30000));
}

TEST_CASE("server: defaults of an unconfigured server are HAProxy's") {
  const auto r = load(kMinimal);
  const ServerConf& s = server(r, "b", 0);
  CHECK(s.weight == 1);
  CHECK_FALSE(s.check);
  CHECK(s.inter == Millis(2000));
  CHECK_FALSE(s.fastinter);
  CHECK_FALSE(s.downinter);
  CHECK(s.rise == 2);
  CHECK(s.fall == 3);
  CHECK(s.error_limit == 10);
  CHECK(s.on_error == OnError::FailCheck);
  CHECK(s.observe == Observe::None);
  CHECK(s.id == 1);
}

TEST_CASE("server: every on-error action") {
  for (const auto& [word, value] :
       std::vector<std::pair<std::string, OnError>>{{"fastinter", OnError::FastInter},
                                                    {"fail-check", OnError::FailCheck},
                                                    {"sudden-death", OnError::SuddenDeath},
                                                    {"mark-down", OnError::MarkDown}}) {
    const auto r = load(kMinimal + "  server s2 /b.sock on-error " + word + "\n");
    CHECK(lines(r) == V{});
    CHECK(server(r, "b", 1).on_error == value);
  }
}

TEST_CASE("server: value errors, all reported") {
  CHECK(
      diags(kMinimal + R"(  server w /w.sock weight 300 rise 0 fall 0 inter 0
  server x /x.sock maxconn lots fastinter 1q error-limit 0 id 0
  server y /y.sock observe layer7 on-error die on-marked-down now on-marked-up now
  server z /z.sock observe nothing slowstart x
  server q /q.sock weight
)") ==
      V{
          "t.cfg:10: error: server 'b/w': weight of server 'b/w' is not within 0 and 256 (300)",
          "t.cfg:10: error: server 'b/w': 'rise' has to be > 0.",
          "t.cfg:10: error: server 'b/w': 'fall' has to be > 0.",
          "t.cfg:10: error: server 'b/w': invalid value 0 for argument 'inter'; use a positive "
          "time "
          "such as 2s",
          "t.cfg:11: error: server 'b/x': 'maxconn' expects a non-negative integer (got 'lots')",
          "t.cfg:11: error: server 'b/x': unexpected character 'q' in 'fastinter'; a time is a "
          "number with an optional unit: us, ms, s, m, h or d (e.g. 5s)",
          "t.cfg:11: error: server 'b/x': 'error-limit' has to be > 0.",
          "t.cfg:11: error: server 'b/x': 'id' expects a positive integer (got '0')",
          "t.cfg:12: error: server 'b/y': 'observe layer7' is not supported by ferry yet; use "
          "'observe layer4'",
          "t.cfg:12: error: server 'b/y': 'on-error' expects one of 'fastinter', 'fail-check', "
          "'sudden-death' or 'mark-down' but got 'die'",
          "t.cfg:12: error: server 'b/y': 'on-marked-down' expects 'shutdown-sessions' (got 'now')",
          "t.cfg:12: error: server 'b/y': 'on-marked-up' expects 'shutdown-backup-sessions' (got "
          "'now')",
          "t.cfg:13: error: server 'b/z': 'observe' expects 'layer4' or 'none' (got 'nothing')",
          "t.cfg:13: error: server 'b/z': unexpected character 'x' in 'slowstart'; a time is a "
          "number with an optional unit: us, ms, s, m, h or d (e.g. 5s)",
          "t.cfg:14: error: server 'b/q': 'weight' expects a value",
      });
}

TEST_CASE("server: weight bounds") {
  CHECK(diags(kMinimal + "  server a /a.sock weight 0\n  server c /c.sock weight 256\n") == V{});
  CHECK(diags(kMinimal + "  server a /a.sock weight -1\n") ==
        V{"t.cfg:10: error: server 'b/a': weight of server 'b/a' is not within 0 and 256 (-1)"});
}

TEST_CASE("server: addresses") {
  const auto r = load(kMinimal + R"(  server t 127.0.0.1:9000
  server u unix@/run/u.sock
  server a abns@name
  server six [::1]:9001
)");
  CHECK(lines(r) == V{});
  CHECK(server(r, "b", 1).addr.port == 9000);
  CHECK(server(r, "b", 2).addr.kind == AddressKind::Unix);
  CHECK(server(r, "b", 3).addr.kind == AddressKind::Abns);
  CHECK(server(r, "b", 4).addr.host == "::1");
  CHECK(diags(kMinimal + R"(  server a *:80
  server c 127.0.0.1:0
  server d app.internal:80
  server e 10.0.0.1
  server f
  server b%d /x.sock
)") == V{
           "t.cfg:10: error: server 'b/a': address '*:80' has no host; a server needs the IP to "
           "connect to (e.g. 127.0.0.1:80)",
           "t.cfg:11: error: server 'b/c': address '127.0.0.1:0' needs a port other than 0 to "
           "connect to",
           "t.cfg:12: error: server 'b/d': 'app.internal' in address 'app.internal:80' is not a "
           "numeric IP address; ferry does not resolve host names, write the IP (e.g. "
           "127.0.0.1:8080)",
           "t.cfg:13: error: server 'b/e': address '10.0.0.1' has no port; write it as HOST:PORT "
           "(e.g. 127.0.0.1:8080), or give an absolute path for a UNIX socket",
           "t.cfg:14: error: backend 'b': missing argument for 'server'; usage: server <name> "
           "<address> [options]",
           "t.cfg:15: error: invalid character '%' in server name 'b%d'; use letters, digits, '-', "
           "'_', '.' and ':'",
       });
}

TEST_CASE("server: unknown and unsupported options") {
  CHECK(diags(kMinimal + R"(  server a /a.sock wieght 3 check
  server c /c.sock chekc
  server d /d.sock ssl verify none
  server e /e.sock frobnicate
  server f /f.sock send-proxy-v2-ssl
)") == V{
           "t.cfg:10: error: unknown keyword 'wieght' on server line 'a'; did you mean 'weight'?",
           "t.cfg:11: error: unknown keyword 'chekc' on server line 'c'; did you mean 'check'?",
           "t.cfg:12: error: server 'b/d': 'ssl' is not supported by ferry; TLS is not supported; "
           "remove it",
           "t.cfg:13: error: unknown keyword 'frobnicate' on server line 'e'",
           "t.cfg:14: error: server 'b/f': 'send-proxy-v2-ssl' is not supported by ferry; TLS is "
           "not supported; remove it",
       });
}

TEST_CASE("server: PROXY protocol options from default-server and the server line") {
  const auto r = load(kMinimal + R"(  default-server send-proxy-v2 proxy-v2-options crc32c
  server a /a.sock proxy-v2-options peer-creds check-send-proxy
  server b /b.sock send-proxy
  server c /c.sock no-send-proxy-v2
)");
  CHECK(lines(r) == V{});
  const auto& a = server(r, "b", 1).proxy_protocol;
  CHECK(a.version == 2);
  CHECK(a.crc32c);
  CHECK(a.peer_creds);
  CHECK(a.check);
  CHECK(server(r, "b", 2).proxy_protocol.version == 1);
  CHECK(server(r, "b", 3).proxy_protocol.version == 0);
  CHECK(server(r, "b", 3).proxy_protocol.crc32c);
}

TEST_CASE("server: proxy-v2-options that need TLS are refused and unique-id is taken") {
  CHECK(diags(kMinimal + R"(  server a /a.sock send-proxy-v2 proxy-v2-options crc32c,authority
  server d /d.sock send-proxy-v2 proxy-v2-options crc32
)") == V{
           "t.cfg:10: error: server 'b/a': proxy-v2-options 'authority' describes a TLS "
           "connection, which ferry does not terminate; remove it",
           "t.cfg:11: error: server 'b/d': unknown proxy-v2-options 'crc32'; ferry takes "
           "'crc32c', 'unique-id' and 'peer-creds'; did you mean 'crc32c'?",
       });
  const auto r = load(kMinimal + "  server c /c.sock send-proxy-v2 proxy-v2-options unique-id\n");
  CHECK(lines(r) == V{});
  CHECK(server(r, "b", 1).proxy_protocol.unique_id);
}

TEST_CASE("as people write them: uid, gid and mode on a server line are ignored with a warning") {
  const auto r = load(kMinimal + "  server a /a.sock uid 100 gid 100 mode 600 check\n");
  CHECK(r.ok());
  CHECK(lines(r) ==
        V{
            "t.cfg:10: warning: server 'b/a': 'uid' is ignored on a server line; socket ownership "
            "and permissions belong on the 'bind' line of the listening side",
            "t.cfg:10: warning: server 'b/a': 'gid' is ignored on a server line; socket ownership "
            "and permissions belong on the 'bind' line of the listening side",
            "t.cfg:10: warning: server 'b/a': 'mode' is ignored on a server line; socket ownership "
            "and permissions belong on the 'bind' line of the listening side",
        });
  CHECK(server(r, "b", 1).check);
}

TEST_CASE("as people write them: option lines continue the server line above") {
  const auto r = load(kMinimal + R"(  server a /a.sock
      check inter 5s
      rise 4 fall 1
      maxconn 30
  server c /c.sock
  retries 2
)");
  CHECK(r.ok());
  CHECK(
      lines(r) ==
      V{
          "t.cfg:11: warning: line starting with 'check' is taken as more options of server 'a' "
          "(line 10); HAProxy rejects such lines, so move these options onto line 10",
          "t.cfg:12: warning: line starting with 'rise' is taken as more options of server 'a' "
          "(line 10); HAProxy rejects such lines, so move these options onto line 10",
          "t.cfg:13: warning: line starting with 'maxconn' is taken as more options of server 'a' "
          "(line 10); HAProxy rejects such lines, so move these options onto line 10",
      });
  const ServerConf& a = server(r, "b", 1);
  CHECK(a.check);
  CHECK(a.inter == Millis(5000));
  CHECK(a.rise == 4);
  CHECK(a.fall == 1);
  CHECK(a.maxconn == 30);
  CHECK(proxy(r, "b").retries == 2);
}

TEST_CASE("as people write them: a proxy keyword is never taken as a continuation") {
  // In a listen section `maxconn` is the proxy's own setting, as in HAProxy.
  const auto r = load(kTimeouts + R"(listen l
  bind :1
  server a /a.sock
  weight 3
  maxconn 40
  check
)");
  CHECK(lines(r) ==
        V{
            "t.cfg:8: warning: line starting with 'weight' is taken as more options of server 'a' "
            "(line 7); HAProxy rejects such lines, so move these options onto line 7",
            "t.cfg:10: error: unknown keyword 'check' in 'listen' section",
        });
  CHECK(proxy(r, "l").maxconn == 40);
  CHECK(proxy(r, "l").servers[0].maxconn == 0);
  CHECK(proxy(r, "l").servers[0].weight == 3);
}

TEST_CASE("as people write them: continuation of a default-server line") {
  const auto r = load(kTimeouts + R"(backend b
  default-server check
    inter 3s
  server a /a.sock
)");
  CHECK(lines(r) ==
        V{
            "t.cfg:7: warning: line starting with 'inter' is taken as more options of the "
            "default-server line (line 6); HAProxy rejects such lines, so move these options onto "
            "line 6",
        });
  CHECK(server(r, "b", 0).inter == Millis(3000));
  CHECK(server(r, "b", 0).check);
}

TEST_CASE("as people write them: option lines with no server above are unknown keywords") {
  CHECK(diags(kMinimal + "  retries 3\n  check\n") ==
        V{"t.cfg:11: error: unknown keyword 'check' in 'backend' section"});
}

TEST_CASE("default-server: sets defaults for later servers of the section") {
  const auto r = load(kTimeouts + R"(backend b
  server early /e.sock
  default-server check inter 1s weight 5 backup
  server a /a.sock
  server c /c.sock no-check no-backup weight 2
)");
  CHECK(lines(r) == V{});
  CHECK_FALSE(server(r, "b", 0).check);
  CHECK(server(r, "b", 0).weight == 1);
  CHECK(server(r, "b", 1).check);
  CHECK(server(r, "b", 1).inter == Millis(1000));
  CHECK(server(r, "b", 1).weight == 5);
  CHECK(server(r, "b", 1).backup);
  CHECK_FALSE(server(r, "b", 2).check);
  CHECK_FALSE(server(r, "b", 2).backup);
  CHECK(server(r, "b", 2).weight == 2);
}

TEST_CASE("default-server: errors") {
  CHECK(
      diags(kTimeouts + R"(backend b
  default-server id 4 wieght 2
  default-server weight 999
  server a /a.sock
)") ==
      V{
          "t.cfg:6: error: default-server in backend 'b': 'id' cannot be used on a default-server "
          "line; give each server its own id",
          "t.cfg:6: error: unknown keyword 'wieght' on default-server line; did you mean 'weight'?",
          "t.cfg:7: error: default-server in backend 'b': weight of default-server in backend 'b' "
          "is not within 0 and 256 (999)",
      });
}

TEST_CASE("server: idle connection options of mode http") {
  const auto r = load(kMinimal +
                      "  server s2 /run/b1.sock pool-max-conn 8 pool-purge-delay 2s max-reuse 0\n"
                      "  server s3 /run/b2.sock pool-low-conn 4\n");
  CHECK(lines(r) == V{"t.cfg:11: warning: server 'b/s3': 'pool-low-conn' is ignored: "
                      "each ferry thread keeps its own idle connections and never takes another "
                      "thread's; remove it"});
  const ServerConf& s = server(r, "b", 1);
  CHECK(s.pool_max_conn == 8);
  CHECK(s.pool_purge_delay == Millis(2000));
  CHECK(s.max_reuse == 0);
  const ServerConf& d = server(r, "b", 0);  // HAProxy's defaults
  CHECK(d.pool_max_conn == -1);
  CHECK(d.pool_purge_delay == Millis(5000));
  CHECK(d.max_reuse == -1);
  CHECK(diags(kMinimal + "  server s2 /run/b1.sock pool-max-conn -2 max-reuse -3\n") ==
        V{"t.cfg:10: error: server 'b/s2': 'pool-max-conn' must be >= -1",
          "t.cfg:10: error: server 'b/s2': 'max-reuse' must be >= -1"});
}

}  // namespace
}  // namespace ferry::conf::test
