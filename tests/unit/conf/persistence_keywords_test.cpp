// `cookie`, `balance uri|url_param|hdr`, `hash-type`, `unique-id-format`: what they parse into
// and the messages for what ferry refuses.
#include <algorithm>

#include "conf/log_format.hpp"
#include "tests/unit/conf/conf_test.hpp"

namespace ferry::conf::test {
namespace {

std::string http_backend(const std::string& lines) {
  return kTimeouts + "backend b\n  mode http\n" + lines + "  server s1 /run/s1.sock cookie a1\n";
}

TEST_CASE("cookie: mode, options and the server's value") {
  const LoadResult r = load(http_backend(
      "  cookie SRV insert indirect nocache postonly preserve httponly secure domain .a.com "
      "domain b.com maxidle 30m maxlife 8h\n"));
  REQUIRE_MESSAGE(r.ok(), lines(r).front());
  const ProxyConf& b = proxy(r, "b");
  REQUIRE(b.cookie.has_value());
  const CookieConf& c = *b.cookie;
  CHECK(c.name == "SRV");
  CHECK(c.mode == CookieConf::Mode::Insert);
  CHECK((c.indirect && c.nocache && c.postonly && c.preserve && c.httponly && c.secure));
  CHECK(c.domains == std::vector<std::string>{".a.com", "b.com"});
  CHECK(c.maxidle == std::chrono::minutes(30));
  CHECK(c.maxlife == std::chrono::hours(8));
  CHECK(b.servers.at(0).cookie == "a1");
  CHECK(proxy(load(http_backend("  cookie J prefix\n")), "b").cookie->mode ==
        CookieConf::Mode::Prefix);
}

TEST_CASE("cookie: what ferry refuses names the line") {
  CHECK(diags(http_backend("  cookie SRV\n")).at(0).starts_with("t.cfg:7: error:"));
  CHECK(diags(http_backend("  cookie SRV insert dynamic\n")).at(0).find("not supported") !=
        std::string::npos);
  CHECK(diags(http_backend("  cookie SRV insert rewrite\n")).at(0).find("exclusive") !=
        std::string::npos);
  CHECK(diags(http_backend("  cookie SRV prefix maxidle 1m\n")).at(0).find("'insert' mode") !=
        std::string::npos);
  CHECK(diags(http_backend("  cookie SRV insert maxidle\n")).at(0).find("needs a value") !=
        std::string::npos);
  CHECK(diags(http_backend("  stick-table type ip size 1m\n")).at(0).find("cookie NAME insert") !=
        std::string::npos);
}

TEST_CASE("balance uri, url_param, hdr and hash-type") {
  LoadResult r = load(
      http_backend("  balance uri len 10 depth 2 whole\n  hash-type consistent djb2 avalanche\n"));
  REQUIRE_MESSAGE(r.ok(), lines(r).front());
  const ProxyConf& b = proxy(r, "b");
  CHECK(b.balance == Balance::Uri);
  CHECK((b.hash.uri_len == 10 && b.hash.uri_depth == 2 && b.hash.uri_whole));
  CHECK((b.hash.consistent && b.hash.avalanche));
  CHECK(b.hash.function == HashConf::Function::Djb2);
  r = load(http_backend("  balance hdr(Host) use_domain_only\n"));
  CHECK(proxy(r, "b").balance == Balance::Hdr);
  CHECK(proxy(r, "b").hash.name == "Host");
  CHECK(proxy(r, "b").hash.use_domain_only);
  r = load(http_backend("  balance url_param id\n"));
  CHECK(proxy(r, "b").hash.name == "id");
  CHECK(diags(http_backend("  balance url_param id check_post\n")).at(0).find("check_post") !=
        std::string::npos);
  CHECK(diags(http_backend("  hash-type consistent wt6\n")).at(0).find("wt6") != std::string::npos);
  CHECK(diags(http_backend("  balance rdp-cookie\n")).at(0).find("not supported") !=
        std::string::npos);
}

TEST_CASE("unique-id-format: HAProxy's usual format and the refusals") {
  std::vector<LogFormatPiece> p;
  REQUIRE_FALSE(parse_log_format("%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid", p).has_value());
  REQUIRE(p.size() == 13);  // the space after the option is not part of the id
  CHECK(p[0].kind == LogFormatPiece::Kind::ClientIp);
  CHECK(p[0].hex);
  CHECK(p[1].text == ":");
  CHECK(p[12].kind == LogFormatPiece::Kind::Pid);
  REQUIRE_FALSE(parse_log_format("%f-%H-100%%", p).has_value());
  CHECK(p.back().text == "-100%");
  CHECK(parse_log_format("%[srcx]", p).value().find("did you mean 'src'") != std::string::npos);
  CHECK(parse_log_format("%ci_%Tq", p).value().find("'%Tq'") != std::string::npos);
  const std::vector<std::string> d =
      diags(kTimeouts + "frontend f\n  mode http\n  bind :80\n  unique-id-format %ci_%zz\n");
  CHECK(std::find(d.begin(), d.end(),
                  "t.cfg:8: error: frontend 'f': unique-id-format '%ci_%zz': '%zz' is not "
                  "supported by ferry in a log-format; use %ci, %cp, %fi, %fp, %Ts, %rt, %pid, "
                  "%f, %H, %[sample] and %{+X}o") != d.end());
}

TEST_CASE("yaml: cookie balance hash_type and unique_id keys give the HAProxy format's model") {
  const LoadResult y = load(R"(defaults:
  mode: http
  timeout: { connect: 1s, client: 1s, server: 1s }
listens:
  - name: l
    bind: "127.0.0.1:8080"
    balance: uri depth 2 whole
    hash_type: consistent crc32
    cookie: SRV insert indirect maxidle 30m
    unique_id_format: "%{+X}o %ci:%cp"
    unique_id_header: X-Unique-ID
    servers: [ { name: s1, address: /s1.sock, cookie: a1 } ]
)",
                            "t.yaml");
  REQUIRE_MESSAGE(y.ok(), lines(y).front());
  const ProxyConf& l = proxy(y, "l");
  CHECK(l.balance == Balance::Uri);
  CHECK((l.hash.uri_depth == 2 && l.hash.uri_whole && l.hash.consistent));
  CHECK(l.hash.function == HashConf::Function::Crc32);
  REQUIRE(l.cookie.has_value());
  CHECK((l.cookie->name == "SRV" && l.cookie->indirect));
  CHECK(l.cookie->maxidle == std::chrono::minutes(30));
  CHECK(l.servers.at(0).cookie == "a1");
  CHECK(l.unique_id_format.size() == 3);
  CHECK(l.unique_id_header == "X-Unique-ID");
}

}  // namespace
}  // namespace ferry::conf::test
