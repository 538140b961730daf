// The answers ferry gives itself in `mode http` (a bad request, no server, a server timeout...):
// HAProxy 2.6's default status lines, headers and bodies, byte for byte (captured from
// haproxy 2.6.12). 400 and 408 are written before any request exists, in HAProxy's older form
// (capitalized names, always closing); the others in its lowercase form, with `connection: close`
// added only when the connection closes after them.
#pragma once

#include <string>

#include "conf/model.hpp"

namespace ferry::http {

// The statuses ferry answers on its own.
inline constexpr int kErrorStatuses[] = {400, 403, 408, 500, 502, 503, 504};

// The full response for `status` (one of kErrorStatuses); `closing`: the client connection
// closes after it (400 and 408 always do).
std::string error_reply(int status, bool closing);
// Whether the connection always closes after `status` (400, 408).
bool error_always_closes(int status);

// An errorfile's response as HAProxy 2.6 sends it before closing the connection: the status line
// as written, header names in lower case (values as written), the file's Connection header
// replaced by `connection: close` on HTTP/1.1 (HTTP/1.0 closes by default), the body as is. An
// empty file gives an empty reply: the connection closes without one.
std::string errorfile_reply(const conf::ErrorFile& file);

}  // namespace ferry::http
