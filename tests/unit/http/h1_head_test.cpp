// The strict HTTP/1 head parser: what it accepts, the views it gives, and the exact reason for
// each message a proxy must refuse (request smuggling and malformed heads).
#include <doctest/doctest.h>

#include <string>

#include "http/h1_head.hpp"

namespace ferry::http {
namespace {

struct Parsed {
  ParseResult result;
  std::string error;
  RequestHead head;
};

Parsed parse(const std::string& text, Limits limits = {}) {
  HeadParser p(limits);
  Parsed out;
  out.result = p.parse_request(text, out.head);
  out.error = p.error();
  return out;
}

// The reason a request is refused; "" when it is not.
std::string refusal(const std::string& text, Limits limits = {}) {
  Parsed p = parse(text, limits);
  return p.result == ParseResult::Error ? p.error : "";
}

ParseResult parse_response(const std::string& text, ResponseHead& head, bool head_req = false,
                           std::string* error = nullptr) {
  HeadParser p;
  const ParseResult r = p.parse_response(text, head, head_req);
  if (error) *error = p.error();
  return r;
}

const std::string kGet = "GET /a?b=c HTTP/1.1\r\nHost: x\r\nUser-Agent:  t  \r\n\r\n";

TEST_CASE("a request head: views into the buffer, size through the empty line") {
  const std::string text = kGet + "NEXT";
  Parsed p = parse(text);
  REQUIRE(p.result == ParseResult::Done);
  CHECK(p.head.method == "GET");
  CHECK(p.head.target == "/a?b=c");
  CHECK(p.head.version == Version::Http11);
  REQUIRE(p.head.headers.size() == 2);
  CHECK(p.head.headers[1].name == "User-Agent");
  CHECK(p.head.headers[1].value == "t");  // surrounding whitespace is not part of the value
  CHECK(p.head.headers[0].value.data() == text.data() + text.find("x\r\n"));  // a view, no copy
  CHECK(p.head.size == kGet.size());
  CHECK(p.head.framing == Framing::None);
  CHECK(p.head.keep_alive());
}

TEST_CASE("incremental: need more until the last byte of the head, then the same result") {
  const std::string text = "POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n";
  HeadParser p;
  RequestHead head;
  for (size_t n = 1; n < text.size(); ++n) {
    CAPTURE(n);
    REQUIRE(p.parse_request(std::string_view(text).substr(0, n), head) == ParseResult::NeedMore);
  }
  REQUIRE(p.parse_request(text, head) == ParseResult::Done);
  CHECK(head.framing == Framing::Length);
  CHECK(head.content_length == 12);
  p.reset();
  REQUIRE(p.parse_request(kGet, head) == ParseResult::Done);  // the next message reuses it
  CHECK(head.method == "GET");
  CHECK(head.framing == Framing::None);
}

TEST_CASE("empty lines before a request line are skipped - none may precede a status line") {
  const std::string text = "\r\n\r\n" + kGet;
  Parsed p = parse(text);
  REQUIRE(p.result == ParseResult::Done);
  CHECK(p.head.method == "GET");
  CHECK(p.head.size == kGet.size() + 4);
  ResponseHead r;
  std::string why;
  CHECK(parse_response("\r\nHTTP/1.1 200 OK\r\n\r\n", r, false, &why) == ParseResult::Error);
  CHECK(why == "empty start line");
}

TEST_CASE("smuggling: framing conflicts are refused with their reason") {
  const std::string h = "POST / HTTP/1.1\r\nHost: x\r\n";
  CHECK(refusal(h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        "both Content-Length and Transfer-Encoding");
  CHECK(refusal(h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") ==
        "both Content-Length and Transfer-Encoding");
  CHECK(refusal(h + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n") ==
        "differing Content-Length values");
  CHECK(refusal(h + "Content-Length: 5, 6\r\n\r\n") == "differing Content-Length values");
  CHECK(refusal(h + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n").empty());
  CHECK(refusal(h + "Content-Length: 5, 5\r\n\r\n").empty());
  CHECK(refusal(h + "Content-Length: +5\r\n\r\n") == "invalid Content-Length '+5'");
  CHECK(refusal(h + "Content-Length: 0x5\r\n\r\n") == "invalid Content-Length '0x5'");
  CHECK(refusal(h + "Content-Length: 99999999999999999999\r\n\r\n") ==
        "invalid Content-Length '99999999999999999999'");
  CHECK(refusal(h + "Content-Length:\r\n\r\n") == "empty Content-Length");
  const std::string te = "Transfer-Encoding other than a final 'chunked'";
  CHECK(refusal(h + "Transfer-Encoding: gzip\r\n\r\n") == te);
  CHECK(refusal(h + "Transfer-Encoding: chunked, gzip\r\n\r\n") == te);
  CHECK(refusal(h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n") == te);
  CHECK(refusal(h + "Transfer-Encoding: chunked, chunked\r\n\r\n") == te);
  CHECK(refusal(h + "Transfer-Encoding: xchunked\r\n\r\n") == te);
  CHECK(refusal(h + "Transfer-Encoding: gzip, chunked\r\n\r\n").empty());
  CHECK(refusal(h + "Transfer-Encoding: CHUNKED\r\n\r\n").empty());
  CHECK(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        "Transfer-Encoding in an HTTP/1.0 request");
}

TEST_CASE("smuggling: line syntax is refused with its reason") {
  const std::string h = "GET / HTTP/1.1\r\nHost: x\r\n";
  CHECK(refusal(h + "X-A: a\r\n b\r\n\r\n") == "obs-fold (a header line starting with whitespace)");
  CHECK(refusal(h + "X-A: a\r\n\tb\r\n\r\n") ==
        "obs-fold (a header line starting with whitespace)");
  CHECK(refusal(h + "X-A: a\nX-B: b\r\n\r\n") == "bare LF (a line not ended by CRLF)");
  CHECK(refusal("GET / HTTP/1.1\nHost: x\r\n\r\n") == "bare LF (a line not ended by CRLF)");
  CHECK(refusal(h + "\n") == "bare LF (a line not ended by CRLF)");
  CHECK(refusal(h + "X-A: a\rb\r\n\r\n") == "bare CR in the value of header 'X-A'");
  CHECK(refusal(h + "X\rA: a\r\n\r\n") == "bare CR in a header name");
  CHECK(refusal("GET / HTTP/1.1\r\r\nHost: x\r\n\r\n") == "bare CR in the request line");
  CHECK(refusal(h + "X-A : a\r\n\r\n") == "whitespace before ':' in header 'X-A'");
  CHECK(refusal(h + "X@A: a\r\n\r\n") == "invalid character 0x40 in a header name");
  CHECK(refusal(h + ": a\r\n\r\n") == "empty header name");
  CHECK(refusal(h + "X-A a\r\n\r\n") == "header line without ':'");
  CHECK(refusal(h + std::string("X-A: a\0b\r\n\r\n", 12)) ==
        "invalid character 0x00 in the value of header 'X-A'");
  CHECK(refusal(h + "X-A: a\x7f\r\n\r\n") == "invalid character 0x7f in the value of header 'X-A'");
  CHECK(refusal(h + "X-A: caf\xc3\xa9\r\n\r\n").empty());  // obs-text is allowed in values
  CHECK(refusal("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n") ==
        "unsupported or malformed HTTP version 'b HTTP/1.1'");
  CHECK(refusal("GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n") ==
        "invalid character 0x01 in the request target");
  CHECK(refusal("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") ==
        "invalid character 0x20 in the request target");
  CHECK(refusal("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") == "malformed method in the request line");
  CHECK(refusal("GET / HTTP/2.0\r\nHost: x\r\n\r\n") ==
        "unsupported or malformed HTTP version 'HTTP/2.0'");
  CHECK(refusal("GET /\r\n\r\n") == "request line without an HTTP version");
}

TEST_CASE("Host: required once in HTTP/1.1, at most once in HTTP/1.0") {
  CHECK(refusal("GET / HTTP/1.1\r\n\r\n") == "HTTP/1.1 request without Host");
  CHECK(refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == "more than one Host header");
  CHECK(refusal("GET / HTTP/1.0\r\n\r\n").empty());
}

TEST_CASE("limits: the head size (tune.bufsize) and the field count (tune.http.maxhdr)") {
  const Limits small{.max_head = 64, .max_headers = 3};
  CHECK(refusal("GET /" + std::string(80, 'a'), small) == "start line longer than 64 bytes");
  CHECK(refusal("GET /" + std::string(80, 'a') + " HTTP/1.1\r\n\r\n", small) ==
        "start line longer than 64 bytes");
  const std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(60, 'a');
  CHECK(refusal(big, small) == "head larger than 64 bytes");
  std::string exact = "GET / HTTP/1.1\r\nHost: x\r\nX: ";
  exact += std::string(64 - exact.size() - 4, 'v') + "\r\n\r\n";
  REQUIRE(exact.size() == 64);
  CHECK(refusal(exact, small).empty());
  CHECK(parse(exact.substr(0, 63), small).result == ParseResult::NeedMore);
  std::string four = "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  CHECK(refusal(four, {.max_head = 1000, .max_headers = 3}) == "more than 3 header fields");
  CHECK(refusal(four, {.max_head = 1000, .max_headers = 4}).empty());
}

TEST_CASE("limits: a head too large is refused for its size however its bytes arrive") {
  // Found by fuzz/http1: a bare LF past the limit was the reason when the bytes came at once,
  // the size when they came in pieces.
  const Limits small{.max_head = 64, .max_headers = 3};
  const std::string text = "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(60, 'a') + "\n";
  CHECK(refusal(text, small) == "head larger than 64 bytes");
  HeadParser p(small);
  RequestHead head;
  CHECK(p.parse_request(text.substr(0, 40), head) == ParseResult::NeedMore);
  CHECK(p.parse_request(text, head) == ParseResult::Error);
  CHECK(p.error() == "head larger than 64 bytes");
}

TEST_CASE("request framing and connection tokens") {
  Parsed p = parse(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: Keep-Alive, Upgrade\r\nUpgrade: websocket\r\n"
      "Expect: 100-Continue\r\n\r\n");
  REQUIRE(p.result == ParseResult::Done);
  CHECK(p.head.framing == Framing::Chunked);
  CHECK(p.head.conn_upgrade);
  CHECK(p.head.has_upgrade);
  CHECK(p.head.conn_keep_alive);
  CHECK(p.head.expect_continue);
  CHECK_FALSE(p.head.conn_close);
  CHECK(parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive() == false);
  CHECK(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").head.keep_alive());
  CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").head.keep_alive() == false);
  CHECK(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").head.framing ==
        Framing::None);
  CHECK(parse("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n").head.is_connect());
}

TEST_CASE("response heads and their framing") {
  ResponseHead r;
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  REQUIRE(parse_response(ok, r) == ParseResult::Done);
  CHECK(r.status == 200);
  CHECK(r.reason == "OK");
  CHECK(r.framing == Framing::Length);
  CHECK(r.size == 38);
  REQUIRE(parse_response("HTTP/1.0 200 OK\r\n\r\n", r) == ParseResult::Done);
  CHECK(r.framing == Framing::UntilClose);
  CHECK(r.version == Version::Http10);
  REQUIRE(parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", r) ==
          ParseResult::Done);
  CHECK(r.framing == Framing::Chunked);
  for (const char* bodiless :
       {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"}) {
    CAPTURE(bodiless);
    REQUIRE(parse_response(bodiless, r) == ParseResult::Done);
    CHECK(r.framing == Framing::None);
  }
  REQUIRE(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", r, true) ==
          ParseResult::Done);
  CHECK(r.framing == Framing::None);  // the answer to a HEAD request
  const std::string no_reason = "HTTP/1.1 404\r\n\r\n";
  REQUIRE(parse_response(no_reason, r) == ParseResult::Done);
  CHECK(r.status == 404);
  CHECK(r.reason.empty());
}

TEST_CASE("malformed responses are refused with their reason") {
  ResponseHead r;
  std::string why;
  const auto refused = [&](const std::string& text) {
    return parse_response(text, r, false, &why) == ParseResult::Error ? why : "";
  };
  CHECK(refused("HTTP/1.1 2000 OK\r\n\r\n") == "malformed status code in the status line");
  CHECK(refused("HTTP/1.1 099 X\r\n\r\n") == "malformed status code in the status line");
  CHECK(refused("ICY 200 OK\r\n\r\n") == "unsupported or malformed HTTP version 'ICY'");
  CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        "both Content-Length and Transfer-Encoding");
  CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") ==
        "differing Content-Length values");
  CHECK(refused("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n") ==
        "obs-fold (a header line starting with whitespace)");
  CHECK(refused("HTTP/1.1 200 O\x01K\r\n\r\n") == "invalid character 0x01 in the reason phrase");
}

}  // namespace
}  // namespace ferry::http
