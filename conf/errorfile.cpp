#include "conf/errorfile.hpp"

#include <algorithm>
#include <cctype>

#include "conf/number.hpp"

namespace ferry::conf {

namespace {

// RFC 9110 tchar: the characters of a field name.
bool is_tchar(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_field_value(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c != 0x7f);
  });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The next line of `rest` without its CRLF or LF; nullopt when no line end is left.
std::optional<std::string_view> next_line(std::string_view& rest) {
  const size_t lf = rest.find('\n');
  if (lf == std::string_view::npos) return std::nullopt;
  std::string_view line = rest.substr(0, lf);
  rest.remove_prefix(lf + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<std::string> parse_errorfile(std::string_view bytes, ErrorFile& out) {
  out.version.clear();
  out.status_text.clear();
  out.headers.clear();
  out.body.clear();
  if (bytes.empty()) return std::nullopt;
  if (bytes.size() > kErrorfileMaxSize)
    return "it is " + std::to_string(bytes.size()) + " bytes, more than the " +
           std::to_string(kErrorfileMaxSize) + " a response buffer holds (tune.bufsize)";
  std::string_view rest = bytes;
  const auto status_line = next_line(rest);
  if (!status_line) return std::string("it holds no complete status line");
  const std::string_view sl = *status_line;
  if ((!sl.starts_with("HTTP/1.0 ") && !sl.starts_with("HTTP/1.1 ")) || sl.size() < 12 ||
      !std::all_of(sl.begin() + 9, sl.begin() + 12, [](char c) { return c >= '0' && c <= '9'; }) ||
      (sl.size() > 12 && sl[12] != ' ') || !is_field_value(sl))
    return "its first line is not an HTTP/1 status line such as 'HTTP/1.1 503 Service "
           "Unavailable'";
  out.version = std::string(sl.substr(0, 8));
  out.status_text = std::string(sl.substr(9));
  std::optional<long long> length;
  for (;;) {
    const auto line = next_line(rest);
    if (!line) return std::string("its header block does not end with an empty line");
    if (line->empty()) break;
    const size_t colon = line->find(':');
    const std::string_view name = line->substr(0, std::min(colon, line->size()));
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(),
                     [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
      return "header line '" + std::string(*line) + "' is not 'Name: value'";
    const std::string_view value = trim(line->substr(colon + 1));
    if (!is_field_value(value))
      return "header '" + std::string(name) + "' has a control character in its value";
    if (iequals(name, "transfer-encoding"))
      return std::string(
          "it has a Transfer-Encoding header; give the body as it is, with a "
          "Content-Length or none");
    if (iequals(name, "content-length")) {
      const auto n = parse_integer(value);
      if (!n || *n < 0 || (length && *length != *n))
        return "its Content-Length '" + std::string(value) + "' is not one non-negative number";
      length = *n;
    }
    if (iequals(name, "connection")) continue;  // ferry writes its own
    out.headers.emplace_back(name, value);
  }
  if (length && static_cast<size_t>(*length) != rest.size())
    return "its body is " + std::to_string(rest.size()) + " bytes but its Content-Length says " +
           std::to_string(*length);
  out.body = std::string(rest);
  return std::nullopt;
}

}  // namespace ferry::conf
