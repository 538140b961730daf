// ferry's own answers are HAProxy 2.6's default ones, byte for byte (captured from haproxy
// 2.6.12 in mode http: a request with differing Content-Length values, `http-request deny`,
// a backend without servers, a server that does not answer, one that answers garbage,
// `deny_status 500`, a request head that never completes).
#include <doctest/doctest.h>

#include "http/error_reply.hpp"

namespace ferry::http {
namespace {

TEST_CASE("400 and 408: HAProxy's early form, always closing") {
  CHECK(error_reply(400).render(false, false) ==
        "HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\n"
        "Connection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>400 Bad "
        "request</h1>\nYour browser sent an invalid request.\n</body></html>\n");
  CHECK(error_reply(408).render(true, false) ==
        "HTTP/1.1 408 Request Time-out\r\nContent-length: 110\r\nCache-Control: no-cache\r\n"
        "Connection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>408 Request "
        "Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n");
  CHECK(error_reply(400).always_closes);
  CHECK(error_reply(408).always_closes);
  CHECK_FALSE(error_reply(503).always_closes);
  CHECK(error_reply(503).has_length);
}

TEST_CASE("403, 500, 502, 503, 504: lowercase names, 'connection: close' only when closing") {
  CHECK(error_reply(403).render(false, false) ==
        "HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\n"
        "content-type: text/html\r\n\r\n<html><body><h1>403 Forbidden</h1>\nRequest forbidden "
        "by administrative rules.\n</body></html>\n");
  CHECK(error_reply(500).render(true, false) ==
        "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 97\r\ncache-control: no-cache\r\n"
        "content-type: text/html\r\nconnection: close\r\n\r\n<html><body><h1>500 Internal "
        "Server Error</h1>\nAn internal server error occurred.\n</body></html>\n");
  CHECK(error_reply(502).render(false, false) ==
        "HTTP/1.1 502 Bad Gateway\r\ncontent-length: 107\r\ncache-control: no-cache\r\n"
        "content-type: text/html\r\n\r\n<html><body><h1>502 Bad Gateway</h1>\nThe server "
        "returned an invalid or incomplete response.\n</body></html>\n");
  CHECK(error_reply(503).render(false, false) ==
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 107\r\ncache-control: no-cache\r\n"
        "content-type: text/html\r\n\r\n<html><body><h1>503 Service Unavailable</h1>\nNo server "
        "is available to handle this request.\n</body></html>\n");
  CHECK(error_reply(504).render(false, false) ==
        "HTTP/1.1 504 Gateway Time-out\r\ncontent-length: 92\r\ncache-control: no-cache\r\n"
        "content-type: text/html\r\n\r\n<html><body><h1>504 Gateway Time-out</h1>\nThe server "
        "didn't respond in time.\n</body></html>\n");
}

TEST_CASE("the Connection field HAProxy adds: keep-alive for HTTP/1.0, close for HTTP/1.1") {
  CHECK(error_reply(503)
            .render(false, true)
            .find("\r\ncontent-type: text/html\r\nconnection: keep-alive\r\n\r\n<html>") !=
        std::string::npos);
  conf::ErrorFile file;
  file.version = "HTTP/1.0";
  file.status_text = "503 Service Unavailable";
  file.headers = {{"Content-Type", "text/html"}, {"Content-Length", "6"}};
  file.body = "sorry\n";
  const Reply r = errorfile_reply(file);
  CHECK(r.has_length);
  // Captured from haproxy 2.6.12: an HTTP/1.0 errorfile with a length keeps an HTTP/1.1
  // client's connection and says so; closing, HTTP/1.0 says enough.
  CHECK(r.render(false, false) ==
        "HTTP/1.0 503 Service Unavailable\r\ncontent-type: text/html\r\ncontent-length: 6\r\n"
        "connection: keep-alive\r\n\r\nsorry\n");
  CHECK(r.render(true, false) ==
        "HTTP/1.0 503 Service Unavailable\r\ncontent-type: text/html\r\ncontent-length: 6\r\n"
        "\r\nsorry\n");
  CHECK(errorfile_reply(conf::ErrorFile{}).render(true, false).empty());
}

}  // namespace
}  // namespace ferry::http
