// A strict HTTP/1 response parser for health checks: the status line, the headers and the body
// framing (Content-Length, chunked, or until close). Works on the bytes received so far and says
// when more are needed. Lines may end in CRLF or LF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::healthcheck {

struct HttpResponseHead {
  enum class Framing { None, Length, Chunked, UntilClose };
  int code = 0;
  std::string code_text;  // the three digits as received ("099")
  std::string reason;     // trimmed; may be empty
  size_t length = 0;      // bytes of the status line and headers, the blank line included
  Framing framing = Framing::UntilClose;
  size_t content_length = 0;  // Framing::Length
};

enum class HttpParse { Incomplete, Invalid, Complete };

// `head_request`: the request was HEAD, so the response has no body whatever its headers say.
HttpParse parse_http_head(std::string_view data, bool head_request, HttpResponseHead& head);

struct HttpBody {
  std::string data;       // decoded (de-chunked) so far
  bool complete = false;  // all of it arrived, or nothing more can come (`conclusive`)
  bool invalid = false;   // broken chunked framing
};

// The body after `head.length` bytes of `data`. `conclusive`: the peer closed or the buffer is
// full, so what is there is all there will be.
HttpBody http_body(std::string_view data, const HttpResponseHead& head, bool conclusive);

}  // namespace ferry::healthcheck
