#include "http/h1_fields.hpp"

#include <charconv>

namespace ferry::http {

namespace {

std::string content_length(MessageHead& head, std::string_view value) {
  std::string why;
  for_each_element(value, [&](std::string_view e) {
    uint64_t n = 0;
    const auto [end, ec] = std::from_chars(e.data(), e.data() + e.size(), n);
    if (ec != std::errc{} || end != e.data() + e.size()) {
      if (why.empty()) why = "invalid Content-Length '" + std::string(e.substr(0, 24)) + "'";
    } else if (head.has_content_length && n != head.content_length) {
      if (why.empty()) why = "differing Content-Length values";
    }
    head.has_content_length = true;
    head.content_length = n;
  });
  if (why.empty() && !head.has_content_length) why = "empty Content-Length";
  return why;
}

// Transfer-Encoding over all its fields: only a final 'chunked', once, frames a message.
struct Codings {
  bool last_chunked = false;
  bool chunked_before_last = false;
  bool any = false;
};

void transfer_encoding(Codings& c, std::string_view value) {
  for_each_element(value, [&](std::string_view e) {
    const std::string_view name = e.substr(0, e.find(';'));
    c.chunked_before_last = c.chunked_before_last || c.last_chunked;
    c.last_chunked = iequals(name.substr(0, name.find_last_not_of(" \t") + 1), "chunked");
    c.any = true;
  });
}

void connection(MessageHead& head, std::string_view value) {
  for_each_element(value, [&](std::string_view e) {
    if (iequals(e, "close")) head.conn_close = true;
    if (iequals(e, "keep-alive")) head.conn_keep_alive = true;
    if (iequals(e, "upgrade")) head.conn_upgrade = true;
  });
}

// The fields both kinds of message share; the reason to refuse the message, or "".
std::string common_fields(MessageHead& head, Codings& codings) {
  for (const Header& h : head.headers) {
    if (iequals(h.name, "content-length")) {
      std::string why = content_length(head, h.value);
      if (!why.empty()) return why;
    } else if (iequals(h.name, "transfer-encoding")) {
      head.has_transfer_encoding = true;
      transfer_encoding(codings, h.value);
    } else if (iequals(h.name, "connection")) {
      connection(head, h.value);
    } else if (iequals(h.name, "upgrade")) {
      head.has_upgrade = true;
    }
  }
  if (head.has_transfer_encoding && head.has_content_length)
    return "both Content-Length and Transfer-Encoding";
  if (head.has_transfer_encoding && (!codings.last_chunked || codings.chunked_before_last))
    return "Transfer-Encoding other than a final 'chunked'";
  return {};
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; };
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool MessageHead::keep_alive() const {
  if (conn_close) return false;
  return version == Version::Http11 || conn_keep_alive;
}

const Header* MessageHead::find(std::string_view name) const {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::string apply_request_fields(RequestHead& head) {
  Codings codings;
  std::string why = common_fields(head, codings);
  if (!why.empty()) return why;
  if (head.has_transfer_encoding && head.version == Version::Http10)
    return "Transfer-Encoding in an HTTP/1.0 request";
  for (const Header& h : head.headers) {
    if (iequals(h.name, "host")) ++head.hosts;
    if (iequals(h.name, "expect") && iequals(h.value, "100-continue")) head.expect_continue = true;
  }
  if (head.hosts > 1) return "more than one Host header";
  if (head.hosts == 0 && head.version == Version::Http11) return "HTTP/1.1 request without Host";
  if (head.has_transfer_encoding)
    head.framing = Framing::Chunked;
  else if (head.content_length > 0)
    head.framing = Framing::Length;
  return {};
}

std::string apply_response_fields(ResponseHead& head, bool request_method_head) {
  Codings codings;
  std::string why = common_fields(head, codings);
  if (!why.empty()) return why;
  const bool bodiless =
      request_method_head || head.status < 200 || head.status == 204 || head.status == 304;
  if (bodiless)
    head.framing = Framing::None;
  else if (head.has_transfer_encoding)
    head.framing = Framing::Chunked;
  else if (head.has_content_length)
    head.framing = head.content_length > 0 ? Framing::Length : Framing::None;
  else
    head.framing = Framing::UntilClose;
  return {};
}

}  // namespace ferry::http
