// `errorfile <code> <file>`: a response an operator writes to replace one of ferry's own, read and
// checked when the config loads, as HAProxy 2.6 does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "conf/model.hpp"

namespace ferry::conf {

// The statuses `errorfile` accepts (HAProxy 2.6's list).
inline constexpr int kErrorfileStatuses[] = {200, 400, 401, 403, 404, 405, 407, 408, 410,
                                             413, 425, 429, 500, 501, 502, 503, 504};
// The statuses ferry answers itself after a request was read, where a proxy's errorfile replaces
// its reply. ferry's 400 and 408 answer requests it could not read (bad syntax, too slow), where
// HAProxy 2.6 also sends its built-in reply and ignores errorfile.
inline constexpr int kErrorfileApplied[] = {502, 503, 504};

// Largest file: HAProxy's buffer (tune.bufsize, 16384 bytes).
inline constexpr size_t kErrorfileMaxSize = 16384;

// Parses the bytes of an errorfile (an HTTP/1 response, lines ending in CRLF or LF) into `out`.
// Returns an error message, or nullopt when it is valid.
std::optional<std::string> parse_errorfile(std::string_view bytes, ErrorFile& out);

}  // namespace ferry::conf
