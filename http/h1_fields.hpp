// The meaning of the header fields that frame an HTTP/1 message and steer its connection
// (Content-Length, Transfer-Encoding, Connection, Upgrade, Host, Expect), with RFC 9112's
// rules for a proxy: anything two parsers could read two ways is refused.
#pragma once

#include <string>
#include <string_view>

#include "http/h1_head.hpp"

namespace ferry::http {

bool iequals(std::string_view a, std::string_view b);

// `s` without its leading and trailing spaces and tabs (RFC 9110's optional whitespace).
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Calls fn(element) for each non-empty element of a comma-separated field value, trimmed.
template <typename Fn>
void for_each_element(std::string_view value, Fn&& fn) {
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    const std::string_view e = trim_ows(value.substr(pos, comma - pos));
    if (!e.empty()) fn(e);
    pos = comma + 1;
  }
}

// Fill the framing and connection fields of a parsed head; the reason it must be refused, or "".
std::string apply_request_fields(RequestHead& head);
std::string apply_response_fields(ResponseHead& head, bool request_method_head);

}  // namespace ferry::http
