#include "http/h1_head.hpp"

#include <algorithm>
#include <cstring>

#include "http/h1_chars.hpp"
#include "http/h1_fields.hpp"

namespace ferry::http {

namespace {

std::string quoted(char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[u >> 4] + kHex[u & 15];
}

// The line of `block` starting at `pos`, without its CRLF (every LF follows a CR: scan checked).
std::string_view next_line(std::string_view block, size_t& pos) {
  const size_t lf = block.find('\n', pos);
  const std::string_view line = block.substr(pos, lf - 1 - pos);
  pos = lf + 1;
  return line;
}

// Clears `head` for a new message; its field vector keeps its capacity.
template <typename Head>
void start_over(Head& head) {
  std::vector<Header> fields = std::move(head.headers);
  fields.clear();
  head = Head{};
  head.headers = std::move(fields);
}

}  // namespace

void HeadParser::reset() {
  scanned_ = line_start_ = start_ = 0;
  in_start_line_ = true;
  error_.clear();
}

ParseResult HeadParser::fail(std::string reason) {
  error_ = std::move(reason);
  return ParseResult::Error;
}

ParseResult HeadParser::scan(std::string_view data, bool skip_leading_empty_lines) {
  // Nothing past the limit is looked at, so the verdict on a head too large does not depend on
  // how its bytes arrived (the bare LF after the limit seen whole, not in pieces).
  const auto end = static_cast<uint32_t>(std::min<size_t>(data.size(), limits_.max_head));
  while (scanned_ < end) {
    const void* lf = std::memchr(data.data() + scanned_, '\n', end - scanned_);
    if (!lf) {
      scanned_ = end;
      break;
    }
    const auto at = static_cast<uint32_t>(static_cast<const char*>(lf) - data.data());
    if (at == line_start_ || data[at - 1] != '\r')
      return fail("bare LF (a line not ended by CRLF)");
    const bool empty = at - 1 == line_start_;
    scanned_ = line_start_ = at + 1;
    if (!empty) {
      in_start_line_ = false;
    } else if (in_start_line_ && skip_leading_empty_lines) {
      start_ = line_start_;  // RFC 9112 §2.2: empty lines before a request line are ignored
    } else if (in_start_line_) {
      return fail("empty start line");
    } else {
      return ParseResult::Done;
    }
  }
  if (data.size() <= limits_.max_head) return ParseResult::NeedMore;
  if (in_start_line_)
    return fail("start line longer than " + std::to_string(limits_.max_head) + " bytes");
  return fail("head larger than " + std::to_string(limits_.max_head) + " bytes");
}

ParseResult HeadParser::parse_request(std::string_view data, RequestHead& head) {
  const ParseResult r = scan(data, true);
  if (r != ParseResult::Done) return r;
  const std::string_view block = data.substr(start_, scanned_ - start_);
  size_t pos = 0;
  start_over(head);
  if (!parse_request_line(next_line(block, pos), head)) return ParseResult::Error;
  if (!parse_fields(block.substr(pos), head)) return ParseResult::Error;
  std::string why = apply_request_fields(head);
  if (!why.empty()) return fail(std::move(why));
  head.size = scanned_;
  return ParseResult::Done;
}

ParseResult HeadParser::parse_response(std::string_view data, ResponseHead& head,
                                       bool request_method_head) {
  const ParseResult r = scan(data, false);
  if (r != ParseResult::Done) return r;
  const std::string_view block = data.substr(start_, scanned_ - start_);
  size_t pos = 0;
  start_over(head);
  if (!parse_status_line(next_line(block, pos), head)) return ParseResult::Error;
  if (!parse_fields(block.substr(pos), head)) return ParseResult::Error;
  std::string why = apply_response_fields(head, request_method_head);
  if (!why.empty()) return fail(std::move(why));
  head.size = scanned_;
  return ParseResult::Done;
}

bool HeadParser::parse_version(std::string_view v, Version& out) {
  if (v == "HTTP/1.1") {
    out = Version::Http11;
  } else if (v == "HTTP/1.0") {
    out = Version::Http10;
  } else {
    fail("unsupported or malformed HTTP version '" + std::string(v.substr(0, 16)) + "'");
    return false;
  }
  return true;
}

// request-line = method SP request-target SP HTTP-version, single spaces, nothing else.
bool HeadParser::parse_request_line(std::string_view line, RequestHead& head) {
  if (line.find('\r') != std::string_view::npos) {
    fail("bare CR in the request line");
    return false;
  }
  size_t i = 0;
  while (i < line.size() && is_token_char(line[i]))
    ++i;
  if (i == 0 || i == line.size() || line[i] != ' ') {
    fail("malformed method in the request line");
    return false;
  }
  head.method = line.substr(0, i);
  const size_t t = ++i;
  while (i < line.size() && is_target_char(line[i]))
    ++i;
  if (i == t || i == line.size() || line[i] != ' ') {
    fail(i == line.size() ? "request line without an HTTP version"
                          : "invalid character " + quoted(line[i]) + " in the request target");
    return false;
  }
  head.target = line.substr(t, i - t);
  return parse_version(line.substr(i + 1), head.version);
}

// status-line = HTTP-version SP 3DIGIT SP [reason-phrase]; the last SP may be missing.
bool HeadParser::parse_status_line(std::string_view line, ResponseHead& head) {
  if (line.find('\r') != std::string_view::npos) {
    fail("bare CR in the status line");
    return false;
  }
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos || !parse_version(line.substr(0, sp), head.version)) {
    if (error_.empty()) fail("malformed status line");
    return false;
  }
  const std::string_view rest = line.substr(sp + 1);
  const bool digits = rest.size() >= 3 && rest[0] >= '1' && rest[0] <= '5' && rest[1] >= '0' &&
                      rest[1] <= '9' && rest[2] >= '0' && rest[2] <= '9';
  if (!digits || (rest.size() > 3 && rest[3] != ' ')) {
    fail("malformed status code in the status line");
    return false;
  }
  head.status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
  head.reason = rest.size() > 3 ? rest.substr(4) : std::string_view{};
  for (char c : head.reason) {
    if (!is_value_char(c)) {
      fail("invalid character " + quoted(c) + " in the reason phrase");
      return false;
    }
  }
  return true;
}

bool HeadParser::parse_fields(std::string_view block, MessageHead& head) {
  size_t pos = 0;
  // One allocation for the fields of most messages (an idle connection gives its vectors back).
  if (head.headers.capacity() == 0) head.headers.reserve(std::min(limits_.max_headers, 16u));
  while (pos + 2 < block.size()) {  // the last line is the empty one
    if (head.headers.size() == limits_.max_headers) {
      fail("more than " + std::to_string(limits_.max_headers) + " header fields");
      return false;
    }
    if (!parse_field(next_line(block, pos), head)) return false;
  }
  return true;
}

// field-line = field-name ":" OWS field-value OWS
bool HeadParser::parse_field(std::string_view line, MessageHead& head) {
  if (is_ows(line[0])) {
    fail("obs-fold (a header line starting with whitespace)");
    return false;
  }
  size_t i = 0;
  while (i < line.size() && is_token_char(line[i]))
    ++i;
  if (i == line.size() || line[i] != ':' || i == 0) {
    const char c = i < line.size() ? line[i] : ':';
    fail(line.find(':') == std::string_view::npos ? "header line without ':'"
         : i == 0                                 ? "empty header name"
         : c == '\r'                              ? "bare CR in a header name"
         : is_ows(c) ? "whitespace before ':' in header '" + std::string(line.substr(0, i)) + "'"
                     : "invalid character " + quoted(c) + " in a header name");
    return false;
  }
  const std::string_view name = line.substr(0, i);
  size_t b = i + 1, e = line.size();
  while (b < e && is_ows(line[b]))
    ++b;
  while (e > b && is_ows(line[e - 1]))
    --e;
  for (size_t k = b; k < e; ++k) {
    if (!is_value_char(line[k])) {
      fail((line[k] == '\r' ? std::string("bare CR") : "invalid character " + quoted(line[k])) +
           " in the value of header '" + std::string(name) + "'");
      return false;
    }
  }
  head.headers.push_back(Header{name, line.substr(b, e - b)});
  return true;
}

}  // namespace ferry::http
