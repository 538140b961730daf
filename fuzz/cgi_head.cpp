// The CGI header block an application writes first on STDOUT (http/cgi_head), on untrusted bytes.
// Byte 0 picks the head size limit and whether the request was a HEAD, the rest is the output.
// The parser is called again on the bytes held after each read, so it is run on every prefix
// too. Aborts when
//   - a prefix reads differently from the whole: a Done or Error before the whole is decided, a
//     Done with another size, status, framing or length, or an error on a prefix of a head the
//     whole reads as Done;
//   - a Done head claims more bytes than it was given, or a status outside 100-599;
//   - the HTTP/1.1 head ferry writes for the client from it does not parse back as the same
//     status, framing and length.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/cgi_head.hpp"
#include "http/head_writer.hpp"

namespace {

using namespace ferry::http;

[[noreturn]] void fail(const char* what, int line) {
  std::fprintf(stderr, "cgi_head.cpp:%d: check failed: %s\n", line, what);
  std::abort();
}
#define check(ok) ((ok) ? void() : fail(#ok, __LINE__))

struct Reading {
  ParseResult result = ParseResult::NeedMore;
  ResponseHead head;
  std::string error;
};

Reading read(std::string_view data, uint32_t max_head, bool head_request) {
  Reading r;
  r.result = parse_cgi_head(data, max_head, head_request, r.head, r.error);
  return r;
}

bool same_head(const ResponseHead& a, const ResponseHead& b) {
  return a.size == b.size && a.status == b.status && a.framing == b.framing &&
         a.content_length == b.content_length && a.headers.size() == b.headers.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint32_t max_head = (data[0] & 1) ? 64 : 16384 - 1024;
  const bool head_request = data[0] & 2;
  const std::string_view out(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Reading whole = read(out, max_head, head_request);
  if (whole.result == ParseResult::Done) {
    check(whole.head.size <= out.size());
    check(whole.head.status >= 100 && whole.head.status <= 599);
  }
  for (size_t n = 0; n < out.size(); ++n) {
    const Reading part = read(out.substr(0, n), max_head, head_request);
    if (whole.result == ParseResult::Done) {
      if (n < whole.head.size) {
        check(part.result == ParseResult::NeedMore);
      } else {
        check(part.result == ParseResult::Done);
        check(same_head(part.head, whole.head));
      }
    } else if (whole.result == ParseResult::NeedMore) {
      check(part.result == ParseResult::NeedMore);
    } else {
      check(part.result != ParseResult::Done);
    }
  }
  if (whole.result != ParseResult::Done) return 0;

  // What the client gets: the head as ferry writes it answers a GET (or HEAD) of an HTTP/1.1
  // client; a body of unknown length goes chunked then, as http_connection does.
  ResponseHead head = whole.head;
  RequestHead request;
  request.method = head_request ? "HEAD" : "GET";
  request.target = "/";
  Framing expected = head.framing;
  if (head.framing == Framing::UntilClose) {
    head.headers.push_back({"Transfer-Encoding", "chunked"});
    expected = Framing::Chunked;
  }
  std::string written;
  write_response_head(head, request, {}, written);
  HeadParser parser;
  ResponseHead back;
  check(parser.parse_response(written, back, head_request) == ParseResult::Done);
  check(back.size == written.size());
  check(back.status == head.status);
  if (!head_request && head.status >= 200 && head.status != 204 && head.status != 304) {
    // (HTTP/1's parser frames "Content-Length: 0" as no body.)
    const bool empty = expected == Framing::Length && head.content_length == 0;
    check(back.framing == expected || (empty && back.framing == Framing::None));
    if (head.framing == Framing::Length) check(back.content_length == head.content_length);
  }
  return 0;
}
