// The header block a CGI script writes before its body (RFC 3875 §6), as a FastCGI application
// sends it on STDOUT, read into a ResponseHead: `Status:` gives the status (200 without it, 302
// with a Location and no Status), the other fields are kept in order. Lines may end with CRLF or
// LF (scripts write both). With a valid Content-Length the body is that long; without one it
// ends with the application's answer (Framing::UntilClose); a response that has no body by its
// status or a HEAD request has none. Field names and values are checked as in HTTP/1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/h1_head.hpp"

namespace ferry::http {

// `data`: the script's output so far, from its start. Done sets head.size (the block's bytes,
// through the empty line); head's views point into `data`.
ParseResult parse_cgi_head(std::string_view data, uint32_t max_head, bool request_method_head,
                           ResponseHead& head, std::string& error);

}  // namespace ferry::http
