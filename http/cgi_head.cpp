#include "http/cgi_head.hpp"

#include <charconv>

#include "http/h1_chars.hpp"
#include "http/h1_fields.hpp"
#include "http/status_reason.hpp"

namespace ferry::http {

namespace {

std::string_view trim(std::string_view v) {
  while (!v.empty() && is_ows(v.front()))
    v.remove_prefix(1);
  while (!v.empty() && is_ows(v.back()))
    v.remove_suffix(1);
  return v;
}

// `Status: 404 Not Found`. The code is 100-599 (RFC 9110 §15), as in a status line ferry reads.
bool parse_status(std::string_view value, ResponseHead& head) {
  if (value.size() < 3) return false;
  int code = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + 3, code);
  if (ec != std::errc() || end != value.data() + 3 || code < 100 || code > 599) return false;
  if (value.size() > 3 && value[3] != ' ') return false;
  head.status = code;
  head.reason = value.size() > 4 ? trim(value.substr(4)) : standard_reason(code);
  return true;
}

bool parse_line(std::string_view line, ResponseHead& head, std::string& error) {
  const size_t colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  if (colon == std::string_view::npos || name.empty()) {
    error = "CGI header line without a name and a ':'";
    return false;
  }
  for (char c : name)
    if (!is_token_char(c)) return error = "invalid character in a CGI header name", false;
  const std::string_view value = trim(line.substr(colon + 1));
  for (char c : value)
    if (!is_value_char(c)) return error = "invalid character in a CGI header value", false;
  if (iequals(name, "status")) {
    if (!parse_status(value, head))
      return error = "invalid CGI Status '" + std::string(value) + "'", false;
    return true;
  }
  head.headers.push_back({name, value});
  return true;
}

// Content-Length gives the body's length; nothing else a script says frames it.
bool apply_framing(ResponseHead& head, bool request_method_head, std::string& error) {
  if (head.status == 0) {
    const bool redirect = head.find("location") != nullptr;
    head.status = redirect ? 302 : 200;
    head.reason = standard_reason(head.status);
  }
  const bool no_body =
      request_method_head || head.status < 200 || head.status == 204 || head.status == 304;
  head.framing = no_body ? Framing::None : Framing::UntilClose;
  for (size_t i = 0; i < head.headers.size(); ++i) {
    const Header& h = head.headers[i];
    if (iequals(h.name, "transfer-encoding")) {  // ferry frames the body itself
      head.headers.erase(head.headers.begin() + static_cast<long>(i--));
      continue;
    }
    if (!iequals(h.name, "content-length")) continue;
    uint64_t n = 0;
    const auto [end, ec] = std::from_chars(h.value.data(), h.value.data() + h.value.size(), n);
    if (ec != std::errc() || end != h.value.data() + h.value.size() ||
        (head.has_content_length && n != head.content_length))
      return error = "invalid CGI Content-Length '" + std::string(h.value) + "'", false;
    head.has_content_length = true;
    head.content_length = n;
    if (!no_body) head.framing = Framing::Length;
  }
  return true;
}

}  // namespace

ParseResult parse_cgi_head(std::string_view data, uint32_t max_head, bool request_method_head,
                           ResponseHead& head, std::string& error) {
  std::vector<Header> fields = std::move(head.headers);
  fields.clear();
  head = ResponseHead{};
  head.headers = std::move(fields);
  size_t pos = 0;
  while (true) {
    const size_t lf = data.find('\n', pos);
    if (lf == std::string_view::npos || lf >= max_head) {
      if (data.size() < max_head) return ParseResult::NeedMore;
      error = "CGI header block larger than " + std::to_string(max_head) + " bytes";
      return ParseResult::Error;
    }
    std::string_view line = data.substr(pos, lf - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = lf + 1;
    if (line.empty()) break;
    if (head.headers.size() >= 200) return error = "too many CGI header lines", ParseResult::Error;
    if (!parse_line(line, head, error)) return ParseResult::Error;
  }
  if (!apply_framing(head, request_method_head, error)) return ParseResult::Error;
  head.size = static_cast<uint32_t>(pos);
  head.version = Version::Http11;
  return ParseResult::Done;
}

}  // namespace ferry::http
