// http-request/http-response lines: what they parse into and the messages for mistakes.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/conf/conf_test.hpp"

namespace ferry::conf {
namespace {

using test::diags;
using test::kTimeouts;
using test::load;

const std::string kFront = kTimeouts +
                           "frontend f\n"
                           "  mode http\n"
                           "  bind :80\n"
                           "  default_backend b\n";

std::string first_error(const std::string& line) {
  const auto d = diags(kFront + "  " + line + "\nbackend b\n  mode http\n");
  return d.empty() ? "" : d.front();
}

TEST_CASE("http rules: actions conditions and values are parsed") {
  const LoadResult r =
      load(kFront +
           "  http-request set-header X-A \"v %[src] %[path,lower]\" if { path /a }\n"
           "  http-request redirect prefix /n code 307 drop-query\n"
           "  http-request return status 404 content-type text/plain string gone\n"
           "  http-response set-status 201 reason Made unless { path /b }\n"
           "backend b\n  mode http\n  http-request deny deny_status 401\n");
  REQUIRE_MESSAGE(r.ok(), test::lines(r).front());
  const ProxyConf& f = r.config.proxies.front();
  REQUIRE(f.http_request_rules.size() == 3);
  const HttpRule& set = f.http_request_rules[0];
  CHECK(set.action == HttpRule::Action::SetHeader);
  CHECK(set.name == "X-A");
  REQUIRE(set.value.size() == 4);
  CHECK(set.value[1].sample->text == "src");
  CHECK(set.value[3].sample->converters.size() == 1);
  CHECK(!set.cond.empty());
  CHECK(f.http_request_rules[1].status == 307);
  CHECK(f.http_request_rules[1].drop_query);
  CHECK(f.http_request_rules[2].body == "gone");
  REQUIRE(f.http_response_rules.size() == 1);
  CHECK(f.http_response_rules[0].reason == "Made");
  CHECK(f.http_response_rules[0].cond.unless);
  CHECK(r.config.proxies.back().http_request_rules.at(0).status == 401);
}

TEST_CASE("http rules: mistakes name the line and the closest name") {
  CHECK(first_error("http-request set-heder X 1") ==
        "t.cfg:9: error: frontend 'f': the action 'http-request set-heder' is not supported by "
        "ferry; did you mean 'set-header'? (ferry's http-request actions: set-header, "
        "add-header, del-header, replace-header, set-path, replace-path, set-query, set-method, "
        "set-uri, redirect, deny, return, allow)");
  CHECK(first_error("http-request set-header X %[pth]") ==
        "t.cfg:9: error: frontend 'f': 'http-request set-header': '%[pth]': the sample fetch "
        "'pth' is not supported by ferry; did you mean 'path'? (README.md, 'Rules and samples', "
        "lists those it supports); usage: http-request set-header <name> <fmt> [if|unless "
        "<condition>]");
  CHECK(first_error("http-request set-header X %[path,lowr]")
            .find("the converter 'lowr' is not supported by ferry; did you mean 'lower'?") !=
        std::string::npos);
  CHECK(first_error("http-request replace-path /a(b 1").find("invalid regular expression '/a(b'") !=
        std::string::npos);
  CHECK(first_error("http-request set-header X")
            .find("'http-request set-header': missing argument") != std::string::npos);
  CHECK(first_error("http-response set-status 99")
            .find("'99' is not a status code between 100 and 999") != std::string::npos);
  CHECK(
      first_error("http-request deny deny_status 418").find("deny_status 418 has no error page") !=
      std::string::npos);
  CHECK(first_error("http-request return content-type text/plain")
            .find("content-type without a body") != std::string::npos);
  CHECK(first_error("http-response redirect location /x")
            .find("the action 'http-response redirect' is not supported") != std::string::npos);
  CHECK(first_error("http-request set-header X %[path] if { nope }").find("nope") !=
        std::string::npos);
  CHECK(first_error("http-request set-header X %[src,regsub(a)]")
            .find("regsub(<regex>,<replacement>[,<flags>])") != std::string::npos);
  CHECK(first_error("http-response set-header X %[path]")
            .find("the sample 'path' reads the request, which http-response rules cannot") !=
        std::string::npos);
  CHECK(
      first_error("http-response set-header X 1 if { path /a }")
          .find("warning: frontend 'f': the condition of this http-response rule reads the request "
                "('path /a')") != std::string::npos);
  const auto d = diags(kTimeouts + "defaults\n  http-request deny\n");
  REQUIRE(!d.empty());
  CHECK(d.front().find("in a defaults section are not supported by ferry") != std::string::npos);
}

TEST_CASE("unique-id-format takes samples") {
  LogFormat p;
  REQUIRE_FALSE(parse_log_format("%ci-%[req.hdr(x-id,1),upper]-%[unique-id]", p).has_value());
  REQUIRE(p.size() == 5);
  CHECK(p[2].kind == LogFormatPiece::Kind::Sample);
  CHECK(p[2].sample->fetch.occurrence == 1);
  CHECK(p[4].sample->fetch.fetch == AclFetch::UniqueId);
  CHECK(parse_log_format("%[path", p).value() == "a '%[' without its ']'");
}

}  // namespace
}  // namespace ferry::conf
