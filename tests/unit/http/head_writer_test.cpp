// The heads ferry forwards: hop-by-hop fields dropped, each side's own Connection field (as
// HAProxy 2.6 writes it, observed side by side), X-Forwarded-For, upgrades.
#include <doctest/doctest.h>

#include <string>

#include "http/head_writer.hpp"

namespace ferry::http {
namespace {

// The request head forwarded for `text` (which must parse).
std::string forward(const std::string& text, const RequestForward& how) {
  HeadParser p;
  RequestHead head;
  REQUIRE(p.parse_request(text, head) == ParseResult::Done);
  std::string out;
  write_request_head(head, how, out);
  return out;
}

std::string answer(const std::string& request, const std::string& response,
                   const ResponseForward& how) {
  HeadParser p;
  RequestHead req;
  REQUIRE(p.parse_request(request, req) == ParseResult::Done);
  HeadParser q;
  ResponseHead resp;
  REQUIRE(q.parse_response(response, resp, false) == ParseResult::Done);
  std::string out;
  write_response_head(resp, req, how, out);
  return out;
}

const RequestForward kKeepAlive{};
const RequestForward kClose{.close_server = true};

TEST_CASE("hop-by-hop fields are dropped, the rest forwarded in order") {
  const std::string in =
      "GET /a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Foo\r\nX-Foo: 1\r\n"
      "Keep-Alive: 5\r\nProxy-Connection: x\r\nTE: trailers\r\nX-Bar: 2\r\n\r\n";
  CHECK(forward(in, kKeepAlive) ==
        "GET /a HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nX-Bar: 2\r\n\r\n");
  CHECK(forward("GET / HTTP/1.1\r\nHost: x\r\nKeep-Alive: 5\r\nX-Foo: 1\r\n\r\n", kKeepAlive) ==
        "GET / HTTP/1.1\r\nHost: x\r\nX-Foo: 1\r\n\r\n");
}

TEST_CASE("a Connection field naming the framing fields or Host does not remove them") {
  // Found by fuzz/http1: `Connection: content-length` dropped the Content-Length of a request
  // whose body was then forwarded, so the server read that body as the next request.
  CHECK(forward("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                "Connection: Content-Length, host, X-A\r\nX-A: 1\r\n\r\n",
                kKeepAlive) == "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");
  CHECK(answer("GET / HTTP/1.1\r\nHost: x\r\n\r\n",
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
               "Connection: transfer-encoding\r\n\r\n",
               {}) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
}

TEST_CASE("the server connection's own Connection field, as HAProxy 2.6 writes it") {
  const std::string v11 = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string v10 = "GET / HTTP/1.0\r\n\r\n";
  CHECK(forward(v11, kKeepAlive) == v11);
  CHECK(forward(v11, kClose) == "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(forward(v10, kKeepAlive) == "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  CHECK(forward(v10, kClose) == v10);
}

TEST_CASE("X-Forwarded-For: added after the request's own, or only if none with if-none") {
  RequestForward xff{.forwarded_for = "X-Forwarded-For", .client = "127.0.0.1"};
  const std::string with = "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 9.9.9.9\r\n\r\n";
  CHECK(forward(with, xff) ==
        "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 9.9.9.9\r\n"
        "X-Forwarded-For: 127.0.0.1\r\n\r\n");
  xff.forwarded_for_if_none = true;
  CHECK(forward(with, xff) == with);
  CHECK(forward("GET / HTTP/1.1\r\nHost: x\r\n\r\n", xff) ==
        "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n");
  xff.forwarded_for = "X-Client";
  CHECK(forward(with, xff) ==
        "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 9.9.9.9\r\nX-Client: 127.0.0.1\r\n\r\n");
}

TEST_CASE("an upgrade keeps Connection: upgrade and its Upgrade field, both ways") {
  const std::string ws =
      "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Key: k\r\n\r\n";
  CHECK(forward(ws, kClose) ==
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nSec-WebSocket-Key: k\r\n"
        "Connection: upgrade\r\n\r\n");
  CHECK(answer(
            ws,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            {}) ==
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
  // Upgrade without Connection: upgrade is no handshake: the field is not forwarded as one.
  CHECK(forward("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n", kKeepAlive) ==
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n");
}

TEST_CASE("the client connection's own Connection field, as HAProxy 2.6 writes it") {
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n";
  const std::string v11 = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string v10 = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  CHECK(answer(v11, ok, {}) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
  CHECK(answer(v11, ok, {.close_client = true}) ==
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n");
  CHECK(answer(v10, ok, {}) ==
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n");
  CHECK(answer(v10, ok, {.close_client = true}) ==
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n");
  CHECK(answer(v11, "HTTP/1.0 404 Not Found\r\n\r\n", {.close_client = true}) ==
        "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace ferry::http
