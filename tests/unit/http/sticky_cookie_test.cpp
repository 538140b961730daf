// Cookie persistence of one transaction: which server a client's cookie names, the request's
// Cookie fields as the server gets them, the Set-Cookie fields the client gets, and the log's
// cookie characters, as HAProxy 2.6 produced them side by side on the same requests.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "http/head_writer.hpp"
#include "http/sticky_cookie.hpp"

namespace ferry::http {
namespace {

// 2026-12-03 14:47:06 UTC, when HAProxy wrote "axGA7" for the date.
constexpr int64_t kNow = 1796309226;

struct Farm {
  std::vector<std::unique_ptr<core::Server>> servers;
  explicit Farm(std::vector<std::string> cookies) {
    for (auto& c : cookies) {
      servers.push_back(std::make_unique<core::Server>());
      servers.back()->name = "s" + std::to_string(servers.size());
      servers.back()->cookie = c;
    }
  }
  core::Server& operator[](size_t i) { return *servers[i]; }
};

conf::CookieConf cookie(conf::CookieConf::Mode mode) {
  conf::CookieConf c;
  c.name = "SRV";
  c.mode = mode;
  return c;
}

// One transaction through `sticky`: the request as the server gets it, the response's head as
// the client gets it, and the server the cookie named.
struct Exchange {
  std::string to_server, to_client;
  core::Server* named = nullptr;
};
Exchange run(StickyCookie& sticky, Farm& farm, const std::string& request,
             const std::string& response, size_t server, bool direct, int64_t now = kNow) {
  Exchange ex;
  HeadParser p;
  RequestHead req;
  // Every request of these tests is HTTP/1.1 and needs its Host.
  const std::string text = request.substr(0, request.find("\r\n") + 2) + "Host: x\r\n" +
                           request.substr(request.find("\r\n") + 2);
  REQUIRE(p.parse_request(text, req) == ParseResult::Done);
  ex.named = sticky.on_request(req, farm.servers, now);
  write_request_head(req, {}, ex.to_server);
  sticky.server_chosen(direct);
  HeadParser q;
  ResponseHead resp;
  REQUIRE(q.parse_response(response, resp, false) == ParseResult::Done);
  sticky.on_response(resp, farm[server], direct, now);
  write_response_head(resp, req, {}, ex.to_client);
  return ex;
}

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

std::string flags(const StickyCookie& s) {
  return {s.request_flag(), s.response_flag()};
}

TEST_CASE("cookie dates are HAProxy's: seconds over 4 rounded up in 5 base64 characters") {
  CHECK(encode_cookie_date(kNow) == "axGA7");
  CHECK(encode_cookie_date(1796309243) == "axGA/");
  CHECK(decode_cookie_date("axGA7") == 1796309228);
  CHECK(decode_cookie_date("AAAAA") == 0);
  CHECK_FALSE(decode_cookie_date("axGA").has_value());
  CHECK_FALSE(decode_cookie_date("ax-A7").has_value());
}

TEST_CASE("insert: a new client gets its server's cookie and a holder goes back to it") {
  Farm farm({"a1", "b2"});
  const conf::CookieConf c = cookie(conf::CookieConf::Mode::Insert);
  StickyCookie sticky(c);
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", kOk, 0, false);
  CHECK(ex.named == nullptr);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1; path=/\r\n") != std::string::npos);
  CHECK(flags(sticky) == "NI");
  // Without indirect the cookie goes on to the server, and a valid one is not set again.
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: x=1; SRV=b2; y=2\r\n\r\n", kOk, 1, true);
  CHECK(ex.named == &farm[1]);
  CHECK(ex.to_server.find("Cookie: x=1; SRV=b2; y=2\r\n") != std::string::npos);
  CHECK(ex.to_client.find("Set-Cookie") == std::string::npos);
  CHECK(flags(sticky) == "VN");
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=zz\r\n\r\n", kOk, 1, false);
  CHECK(ex.named == nullptr);
  CHECK(flags(sticky) == "II");
}

TEST_CASE("insert indirect with every attribute and both dates") {
  Farm farm({"a1", "b2"});
  conf::CookieConf c = cookie(conf::CookieConf::Mode::Insert);
  c.indirect = c.httponly = c.secure = true;
  c.domains = {".example.com"};
  c.maxidle = std::chrono::minutes(30);
  c.maxlife = std::chrono::hours(8);
  StickyCookie sticky(c);
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", kOk, 0, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1|axGA7|axGA7; path=/; domain=.example.com; "
                          "HttpOnly; Secure\r\n") != std::string::npos);
  // indirect: the cookie is taken out of the request; a date from the past is refreshed (U).
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: x=1; SRV=b2|axGA5|axGA5; y=2\r\n\r\n", kOk, 1,
           true);
  CHECK(ex.named == &farm[1]);
  CHECK(ex.to_server.find("Cookie: x=1; y=2\r\n") != std::string::npos);
  CHECK(ex.to_client.find("Set-Cookie: SRV=b2|axGA7|axGA5;") != std::string::npos);
  CHECK(flags(sticky) == "VU");
  // A date still ahead of now needs no refresh; the only cookie gone, the field goes too.
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=b2|axGA7|axGA5\r\n\r\n", kOk, 1, true);
  CHECK(ex.to_server.find("Cookie") == std::string::npos);
  CHECK(flags(sticky) == "VN");
  // A first date a day in the future is too old (O) before the last one is looked at.
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=b2|abcde|fghij\r\n\r\n", kOk, 1, false);
  CHECK(ex.named == nullptr);
  CHECK(flags(sticky) == "OI");
}

TEST_CASE("maxidle: an idle cookie is expired and its holder balanced") {
  Farm farm({"a1", "b2"});
  conf::CookieConf c = cookie(conf::CookieConf::Mode::Insert);
  c.maxidle = std::chrono::minutes(30);
  StickyCookie sticky(c);
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", kOk, 0, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1|axGA7; path=/\r\n") != std::string::npos);
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=b2|axGA7\r\n\r\n", kOk, 1, false,
           kNow + 1900);
  CHECK(ex.named == nullptr);
  CHECK(flags(sticky) == "EI");
  // No date at all while maxidle asks for one: valid, and updated with a date.
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=b2\r\n\r\n", kOk, 1, true);
  CHECK(ex.named == &farm[1]);
  CHECK(flags(sticky) == "VU");
}

TEST_CASE("the server's own cookie: deleted in insert mode unless preserve") {
  Farm farm({"a1", "b2"});
  conf::CookieConf c = cookie(conf::CookieConf::Mode::Insert);
  c.indirect = true;
  StickyCookie sticky(c);
  const std::string mine = "HTTP/1.1 200 OK\r\nSet-Cookie: SRV=mine\r\nContent-Length: 0\r\n\r\n";
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=b2\r\n\r\n", mine, 1, true);
  CHECK(ex.to_client.find("Set-Cookie") == std::string::npos);
  CHECK(flags(sticky) == "VD");
  ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", mine, 0, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1; path=/\r\n") != std::string::npos);
  CHECK(ex.to_client.find("mine") == std::string::npos);
  CHECK(flags(sticky) == "NI");
  c.preserve = true;
  ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", mine, 0, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=mine\r\n") != std::string::npos);
  CHECK(ex.to_client.find("a1") == std::string::npos);
  CHECK(flags(sticky) == "NP");
}

TEST_CASE("a server without a cookie value gets the cookie cleared") {
  Farm farm({"a1", ""});
  conf::CookieConf c = cookie(conf::CookieConf::Mode::Insert);
  c.domains = {"a.com", "b.com"};
  StickyCookie sticky(c);
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", kOk, 1, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; "
                          "domain=a.com; domain=b.com\r\n") != std::string::npos);
}

TEST_CASE("a cookie whose server failed is reset: D then I") {
  Farm farm({"a1", "b2"});
  const conf::CookieConf c = cookie(conf::CookieConf::Mode::Insert);
  StickyCookie sticky(c);
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=b2\r\n\r\n", kOk, 0, false);
  CHECK(ex.named == &farm[1]);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1; path=/\r\n") != std::string::npos);
  CHECK(flags(sticky) == "DI");
}

TEST_CASE("nocache makes a cacheable response private, postonly inserts for POST only") {
  Farm farm({"a1", "b2"});
  conf::CookieConf c = cookie(conf::CookieConf::Mode::Insert);
  c.nocache = true;
  StickyCookie sticky(c);
  const std::string fresh =
      "HTTP/1.1 200 OK\r\nCache-Control: max-age=10\r\nContent-Length: 0\r\n\r\n";
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", fresh, 0, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1; path=/\r\nCache-Control: private\r\n") !=
        std::string::npos);
  const std::string pub = "HTTP/1.1 200 OK\r\nCache-Control: public\r\nContent-Length: 0\r\n\r\n";
  ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", pub, 0, false);
  CHECK(ex.to_client.find("private") == std::string::npos);
  c.postonly = true;
  ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", kOk, 0, false);
  CHECK(flags(sticky) == "NN");
  ex = run(sticky, farm, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", kOk, 0, false);
  CHECK(flags(sticky) == "NI");
}

TEST_CASE("prefix: the server's cookie is prefixed and the prefix stripped for it") {
  Farm farm({"a1", "b2"});
  const conf::CookieConf c = cookie(conf::CookieConf::Mode::Prefix);
  StickyCookie sticky(c);
  const std::string sets =
      "HTTP/1.1 200 OK\r\nSet-Cookie: SRV=abc; Path=/app\r\nContent-Length: 0\r\n\r\n";
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", sets, 0, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1~abc; Path=/app\r\n") != std::string::npos);
  CHECK(flags(sticky) == "NR");
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=a1~x~y; SRV=b2~q\r\n\r\n", kOk, 0, true);
  CHECK(ex.named == &farm[0]);
  CHECK(ex.to_server.find("Cookie: SRV=x~y; SRV=q\r\n") != std::string::npos);
  CHECK(flags(sticky) == "VN");
}

TEST_CASE("rewrite: the server's cookie gets the server's value") {
  Farm farm({"a1", "b2"});
  const conf::CookieConf c = cookie(conf::CookieConf::Mode::Rewrite);
  StickyCookie sticky(c);
  const std::string sets =
      "HTTP/1.1 200 OK\r\nSet-Cookie: SRV=abc; Path=/app\r\nContent-Length: 0\r\n\r\n";
  Exchange ex = run(sticky, farm, "GET / HTTP/1.1\r\n\r\n", sets, 0, false);
  CHECK(ex.to_client.find("Set-Cookie: SRV=a1; Path=/app\r\n") != std::string::npos);
  CHECK(flags(sticky) == "NR");
  ex = run(sticky, farm, "GET / HTTP/1.1\r\nCookie: SRV=b2\r\n\r\n", kOk, 1, true);
  CHECK(ex.named == &farm[1]);
  CHECK(ex.to_server.find("Cookie: SRV=b2\r\n") != std::string::npos);
  CHECK(flags(sticky) == "VN");
}

}  // namespace
}  // namespace ferry::http
