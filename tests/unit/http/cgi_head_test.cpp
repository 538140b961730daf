// The CGI header block of a FastCGI application's STDOUT read into the response head ferry sends.
#include <doctest/doctest.h>

#include <string>

#include "http/cgi_head.hpp"

namespace ferry::http {
namespace {

struct Read {
  ParseResult result;
  ResponseHead head;
  std::string error;
};

Read read(std::string_view out, bool head_request = false, uint32_t max_head = 15360) {
  Read r;
  r.result = parse_cgi_head(out, max_head, head_request, r.head, r.error);
  return r;
}

TEST_CASE("cgi head: Status gives the status and reason and the fields stay in order") {
  const Read r = read("Status: 404 Gone Away\r\nContent-Type: text/plain\nX-A: 1\r\n\r\nbody");
  REQUIRE(r.result == ParseResult::Done);
  CHECK(r.head.status == 404);
  CHECK(r.head.reason == "Gone Away");
  CHECK(r.head.size ==
        std::string("Status: 404 Gone Away\r\nContent-Type: text/plain\nX-A: 1\r\n\r\n").size());
  REQUIRE(r.head.headers.size() == 2);
  CHECK(r.head.headers[0].name == "Content-Type");
  CHECK(r.head.headers[1].value == "1");
  CHECK(r.head.framing == Framing::UntilClose);
}

TEST_CASE("cgi head: no Status is 200 and a Location without one is 302") {
  CHECK(read("Content-Type: text/html\r\n\r\n").head.status == 200);
  const Read r = read("Location: /next\r\n\r\n");
  CHECK(r.head.status == 302);
  CHECK(r.head.reason == "Found");
}

TEST_CASE("cgi head: Content-Length frames the body and a HEAD answer has none") {
  const Read r = read("Content-Length: 12\r\n\r\n");
  CHECK(r.head.framing == Framing::Length);
  CHECK(r.head.content_length == 12);
  CHECK(read("Content-Length: 12\r\n\r\n", true).head.framing == Framing::None);
  CHECK(read("Status: 204\r\n\r\n").head.framing == Framing::None);
  CHECK(read("Content-Length: 1\r\nContent-Length: 2\r\n\r\n").result == ParseResult::Error);
}

TEST_CASE("cgi head: a block not yet ended needs more and one over the limit is refused") {
  CHECK(read("Status: 200\r\nX-A: 1\r\n").result == ParseResult::NeedMore);
  const Read r = read(std::string(80, 'x'), false, 64);
  CHECK(r.result == ParseResult::Error);
  CHECK(r.error == "CGI header block larger than 64 bytes");
}

// Found by fuzz/cgi_head: a Status of 600-999 went out in a status line that ferry (and any
// HTTP/1 client keeping to RFC 9110's 100-599) refuses to read.
TEST_CASE("cgi head: a Status outside 100-599 is refused") {
  for (const char* status : {"Status: 970\r\n\r\n", "Status: 600 x\r\n\r\n", "Status: 099\r\n\r\n",
                             "Status: 20\r\n\r\n", "Status: 2000\r\n\r\n"}) {
    const Read r = read(status);
    CAPTURE(status);
    CHECK(r.result == ParseResult::Error);
    CHECK(r.error.rfind("invalid CGI Status", 0) == 0);
  }
  CHECK(read("Status: 599 Custom\r\n\r\n").head.status == 599);
}

}  // namespace
}  // namespace ferry::http
