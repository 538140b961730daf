// The answers ferry gives itself in `mode http` (a bad request, no server, a server timeout...):
// HAProxy 2.6's default status lines, headers and bodies, byte for byte (captured from
// haproxy 2.6.12), and the errorfiles that replace them. 400 and 408 are written before any
// request exists, in HAProxy's older form (capitalized names, always closing); the others in its
// lowercase form, with a Connection field only where HAProxy adds one (see Reply::render).
#pragma once

#include <string>

#include "conf/model.hpp"

namespace ferry::http {

// The statuses ferry answers on its own (the first seven) or for `deny deny_status N`.
inline constexpr int kErrorStatuses[] = {400, 403, 408, 500, 502, 503, 504, 200, 401,
                                         404, 405, 407, 410, 413, 425, 429, 501};

// A reply ferry sends itself. As HAProxy 2.6 does (observed), the client connection may stay
// open after one that has a Content-Length, as after a server's response.
struct Reply {
  std::string head;  // the status line and fields, each line ending in CRLF; empty: no reply
  std::string body;
  bool http10 = false;         // the status line says HTTP/1.0
  bool has_length = false;     // a Content-Length field: the connection may stay open after it
  bool always_closes = false;  // 400, 408: the head says `Connection: close` itself

  // The bytes to send: the head, the Connection field HAProxy adds (`close` when `closing` and
  // the reply is HTTP/1.1; `keep-alive` when the connection stays and the reply or the request,
  // `request_http10`, is HTTP/1.0), the empty line, the body. Empty for an empty errorfile.
  std::string render(bool closing, bool request_http10) const;
};

// ferry's own reply for `status` (one of kErrorStatuses).
Reply error_reply(int status);
// The reply of `http-request deny` with `status` (one of kErrorStatuses): the same page as
// error_reply's, but for 400 and 408 in the form HAProxy gives its rules' answers.
Reply deny_reply(int status);

// An errorfile's reply as HAProxy 2.6 sends it: the status line as written, header names in
// lower case (values as written), the file's Connection field replaced by render()'s, the body as
// is. An empty file gives an empty reply: the connection closes without one.
Reply errorfile_reply(const conf::ErrorFile& file);

}  // namespace ferry::http
