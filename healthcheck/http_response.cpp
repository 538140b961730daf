#include "healthcheck/http_response.hpp"

#include <optional>

namespace ferry::healthcheck {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The line starting at `pos` (without its CRLF or LF); false while its end has not arrived.
bool next_line(std::string_view data, size_t& pos, std::string_view& line) {
  const size_t nl = data.find('\n', pos);
  if (nl == std::string_view::npos) return false;
  line = data.substr(pos, nl - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = nl + 1;
  return true;
}

// `HTTP/x.y NNN[ reason]`
bool parse_status_line(std::string_view line, HttpResponseHead& head) {
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !is_digit(line[5]) || line[6] != '.' ||
      !is_digit(line[7]) || line[8] != ' ') {
    return false;
  }
  const std::string_view code = line.substr(9, 3);
  for (char c : code) {
    if (!is_digit(c)) return false;
  }
  if (line.size() > 12 && line[12] != ' ') return false;
  head.code_text = std::string(code);
  head.code = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  head.reason = std::string(trim(line.substr(12)));
  return true;
}

std::optional<size_t> parse_length(std::string_view v) {
  if (v.empty() || v.size() > 15) return std::nullopt;
  size_t n = 0;
  for (char c : v) {
    if (!is_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

struct Framing {
  bool chunked = false;
  std::optional<size_t> length;
};

// One `name: value` line; false when malformed or contradicting an earlier Content-Length.
bool apply_header(std::string_view line, Framing& f) {
  const size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  const std::string_view name = line.substr(0, colon);
  if (name.find_first_of(" \t") != std::string_view::npos) return false;
  const std::string_view value = trim(line.substr(colon + 1));
  if (equals_nocase(name, "content-length")) {
    const auto n = parse_length(value);
    if (!n || (f.length && *f.length != *n)) return false;
    f.length = n;
  } else if (equals_nocase(name, "transfer-encoding")) {
    f.chunked = value.size() >= 7 && equals_nocase(value.substr(value.size() - 7), "chunked");
  }
  return true;
}

HttpResponseHead::Framing framing_of(const HttpResponseHead& head, bool head_request,
                                     const Framing& f) {
  using F = HttpResponseHead::Framing;
  if (head_request || head.code < 200 || head.code == 204 || head.code == 304) return F::None;
  if (f.chunked) return F::Chunked;
  return f.length ? F::Length : F::UntilClose;
}

std::optional<size_t> parse_chunk_size(std::string_view line) {
  const std::string_view hex = trim(line.substr(0, line.find(';')));
  if (hex.empty() || hex.size() > 15) return std::nullopt;
  size_t n = 0;
  for (char c : hex) {
    const char l = lower(c);
    if (!is_digit(l) && (l < 'a' || l > 'f')) return std::nullopt;
    n = n * 16 + static_cast<size_t>(is_digit(l) ? l - '0' : l - 'a' + 10);
  }
  return n;
}

// De-chunks what has arrived; stops at the first incomplete piece.
HttpBody dechunk(std::string_view rest) {
  HttpBody body;
  size_t pos = 0;
  std::string_view line;
  while (next_line(rest, pos, line)) {
    const auto size = parse_chunk_size(line);
    if (!size) {
      body.invalid = true;
      return body;
    }
    if (*size == 0) {
      body.complete = true;
      return body;
    }
    body.data.append(rest.substr(pos, *size));
    if (rest.size() - pos < *size) return body;
    pos += *size;
    const std::string_view tail = rest.substr(pos);
    if (tail.empty() || tail == "\r") return body;
    if (!tail.starts_with("\r\n") && !tail.starts_with("\n")) {
      body.invalid = true;
      return body;
    }
    pos += tail[0] == '\r' ? 2 : 1;
  }
  return body;
}

}  // namespace

HttpParse parse_http_head(std::string_view data, bool head_request, HttpResponseHead& head) {
  size_t pos = 0;
  std::string_view line;
  if (!next_line(data, pos, line)) return HttpParse::Incomplete;
  if (!parse_status_line(line, head)) return HttpParse::Invalid;
  Framing f;
  for (;;) {
    if (!next_line(data, pos, line)) return HttpParse::Incomplete;
    if (line.empty()) break;
    if (!apply_header(line, f)) return HttpParse::Invalid;
  }
  head.length = pos;
  head.framing = framing_of(head, head_request, f);
  head.content_length = f.length.value_or(0);
  return HttpParse::Complete;
}

HttpBody http_body(std::string_view data, const HttpResponseHead& head, bool conclusive) {
  using F = HttpResponseHead::Framing;
  const std::string_view rest = data.substr(head.length);
  HttpBody body;
  switch (head.framing) {
    case F::None:
      body.complete = true;
      return body;
    case F::Length:
      body.data = std::string(rest.substr(0, head.content_length));
      body.complete = rest.size() >= head.content_length;
      break;
    case F::UntilClose:
      body.data = std::string(rest);
      break;
    case F::Chunked:
      body = dechunk(rest);
      break;
  }
  body.complete = body.complete || conclusive;
  return body;
}

}  // namespace ferry::healthcheck
