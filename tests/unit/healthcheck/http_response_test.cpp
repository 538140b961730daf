// The HTTP/1 response parser used by httpchk.
#include <doctest/doctest.h>

#include "healthcheck/http_response.hpp"

namespace ferry::healthcheck::test {

using F = HttpResponseHead::Framing;

namespace {

HttpResponseHead head_of(std::string_view data, bool head_request = false) {
  HttpResponseHead h;
  REQUIRE(parse_http_head(data, head_request, h) == HttpParse::Complete);
  return h;
}

}  // namespace

TEST_CASE("status line and framing") {
  const auto h = head_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  CHECK(h.code == 200);
  CHECK(h.code_text == "200");
  CHECK(h.reason == "OK");
  CHECK(h.framing == F::Length);
  CHECK(h.content_length == 5);
  CHECK(h.length == 38);
  CHECK(head_of("HTTP/1.0 200 OK\r\n\r\n").framing == F::UntilClose);
  CHECK(head_of("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n").framing ==
        F::Chunked);
  CHECK(head_of("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n").framing == F::None);
  CHECK(head_of("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true).framing == F::None);
}

TEST_CASE("bare LF line ends are accepted") {
  const auto h = head_of("HTTP/1.0 404 Not Found\nServer: x\n\n");
  CHECK(h.code == 404);
  CHECK(h.reason == "Not Found");
}

TEST_CASE("malformed heads") {
  HttpResponseHead h;
  CHECK(parse_http_head("HTTP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false,
                        h) == HttpParse::Invalid);
  CHECK(parse_http_head("HTTP/1.0 200 OK\r\nContent-Length: x\r\n\r\n", false, h) ==
        HttpParse::Invalid);
  CHECK(parse_http_head("HTTP/1.0 200OK\r\n\r\n", false, h) == HttpParse::Invalid);
  CHECK(parse_http_head("HTTP/1.0 200 OK\r\n folded\r\n\r\n", false, h) == HttpParse::Invalid);
  CHECK(parse_http_head("HTTP/1.0 200 OK\r\n", false, h) == HttpParse::Incomplete);
}

TEST_CASE("bodies: length, until close, chunked") {
  const auto len = head_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
  const std::string base = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  HttpBody b = http_body(base + "hel", len, false);
  CHECK(b.data == "hel");
  CHECK(!b.complete);
  b = http_body(base + "hello!!", len, false);
  CHECK(b.data == "hello");
  CHECK(b.complete);
  CHECK(http_body(base + "hel", len, true).complete);

  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const auto ch = head_of(chunked);
  b = http_body(chunked + "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n", ch, false);
  CHECK(b.data == "abc0123456789");
  CHECK(b.complete);
  b = http_body(chunked + "3\r\nabcX", ch, false);
  CHECK(b.invalid);
}

}  // namespace ferry::healthcheck::test
