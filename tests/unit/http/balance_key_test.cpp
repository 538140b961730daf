// What `balance uri|url_param|hdr(name)` hashes in a request.
#include <doctest/doctest.h>

#include <string>

#include "http/balance_key.hpp"

namespace ferry::http {
namespace {

std::optional<std::string> key(conf::Balance algo, const conf::HashConf& conf,
                               const std::string& text) {
  HeadParser p;
  RequestHead head;
  REQUIRE(p.parse_request(text, head) == ParseResult::Done);
  const auto k = balance_key(algo, conf, head);
  return k ? std::optional<std::string>(std::string(*k)) : std::nullopt;
}

std::string get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: www.haproxy.org\r\n\r\n";
}

TEST_CASE("balance uri: the path, or all with whole, within depth and len") {
  conf::HashConf c;
  CHECK(key(conf::Balance::Uri, c, get("/a/b/c?x=1")) == "/a/b/c");
  c.uri_whole = true;
  CHECK(key(conf::Balance::Uri, c, get("/a/b/c?x=1")) == "/a/b/c?x=1");
  c.uri_whole = false;
  c.uri_depth = 2;
  CHECK(key(conf::Balance::Uri, c, get("/a/b/c/d")) == "/a/b");
  CHECK(key(conf::Balance::Uri, c, get("/a")) == "/a");
  c.uri_depth = 0;
  c.uri_len = 3;
  CHECK(key(conf::Balance::Uri, c, get("/abcdef")) == "/ab");
}

TEST_CASE("balance url_param: the first value of the parameter, none without it") {
  conf::HashConf c;
  c.name = "id";
  CHECK(key(conf::Balance::UrlParam, c, get("/x?a=1&id=42&id=7")) == "42");
  CHECK(key(conf::Balance::UrlParam, c, get("/x?id=")) == "");
  CHECK_FALSE(key(conf::Balance::UrlParam, c, get("/x?ids=1")).has_value());
  CHECK_FALSE(key(conf::Balance::UrlParam, c, get("/x")).has_value());
}

TEST_CASE("balance hdr: the field's value, or its main domain with use_domain_only") {
  conf::HashConf c;
  c.name = "host";
  CHECK(key(conf::Balance::Hdr, c, get("/")) == "www.haproxy.org");
  c.use_domain_only = true;
  CHECK(key(conf::Balance::Hdr, c, get("/")) == "haproxy");
  CHECK(key(conf::Balance::Hdr, c, "GET / HTTP/1.1\r\nHost: haproxy.org\r\n\r\n") == "haproxy");
  CHECK(key(conf::Balance::Hdr, c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n") == "localhost");
  c.name = "x-user";
  CHECK_FALSE(key(conf::Balance::Hdr, c, get("/")).has_value());
}

}  // namespace
}  // namespace ferry::http
