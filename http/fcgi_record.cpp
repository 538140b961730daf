#include "http/fcgi_record.hpp"

#include <algorithm>
#include <charconv>

namespace ferry::http::fcgi {

namespace {

void append_length(std::string& out, size_t n) {
  if (n < 128) {
    out.push_back(static_cast<char>(n));
    return;
  }
  out.push_back(static_cast<char>(0x80 | ((n >> 24) & 0x7f)));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
}

// A pair's length from the front of `in`; false when it is cut short.
bool take_length(std::string_view& in, size_t& n) {
  if (in.empty()) return false;
  const auto b = [&](size_t i) { return static_cast<uint8_t>(in[i]); };
  if (b(0) < 128) {
    n = b(0);
    in.remove_prefix(1);
    return true;
  }
  if (in.size() < 4) return false;
  n = (size_t{b(0) & 0x7fu} << 24) | (size_t{b(1)} << 16) | (size_t{b(2)} << 8) | b(3);
  in.remove_prefix(4);
  return true;
}

}  // namespace

void append_header(std::string& out, Type type, uint16_t id, uint16_t content_length,
                   uint8_t padding) {
  const char h[kHeaderSize] = {static_cast<char>(kVersion),
                               static_cast<char>(type),
                               static_cast<char>(id >> 8),
                               static_cast<char>(id & 0xff),
                               static_cast<char>(content_length >> 8),
                               static_cast<char>(content_length & 0xff),
                               static_cast<char>(padding),
                               0};
  out.append(h, kHeaderSize);
}

void append_begin_request(std::string& out, uint16_t id, bool keep_conn) {
  append_header(out, Type::BeginRequest, id, 8);
  const char body[8] = {0, 1 /* FCGI_RESPONDER */, static_cast<char>(keep_conn ? 1 : 0)};
  out.append(body, sizeof body);
}

void append_stream(std::string& out, Type type, uint16_t id, std::string_view content) {
  while (!content.empty()) {
    const size_t n = std::min(content.size(), kMaxContent);
    append_header(out, type, id, static_cast<uint16_t>(n));
    out.append(content.substr(0, n));
    content.remove_prefix(n);
  }
}

void append_stream_end(std::string& out, Type type, uint16_t id) {
  append_header(out, type, id, 0);
}

void append_name_value(std::string& out, std::string_view name, std::string_view value) {
  append_length(out, name.size());
  append_length(out, value.size());
  out.append(name);
  out.append(value);
}

bool take_name_value(std::string_view& in, std::string_view& name, std::string_view& value) {
  std::string_view rest = in;
  size_t name_len = 0, value_len = 0;
  if (!take_length(rest, name_len) || !take_length(rest, value_len)) return false;
  if (rest.size() < name_len || rest.size() - name_len < value_len) return false;
  name = rest.substr(0, name_len);
  value = rest.substr(name_len, value_len);
  in = rest.substr(name_len + value_len);
  return true;
}

void append_get_values(std::string& out, std::initializer_list<std::string_view> names) {
  std::string content;
  for (std::string_view name : names)
    append_name_value(content, name, "");
  append_header(out, Type::GetValues, kManagementId, static_cast<uint16_t>(content.size()));
  out.append(content);
}

bool parse_get_values_result(std::string_view content, AppValues& out, std::string& error) {
  std::string_view name, value;
  const auto number = [&](uint32_t lo, uint32_t hi, uint32_t& n) {
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec == std::errc() && end == value.data() + value.size() && n >= lo && n <= hi) return true;
    error = "GET_VALUES_RESULT gives " + std::string(name) + " '" + std::string(value) +
            "' (a number from " + std::to_string(lo) + " to " + std::to_string(hi) + " expected)";
    return false;
  };
  while (take_name_value(content, name, value)) {
    uint32_t n = 0;
    if (name == "FCGI_MAX_CONNS") {
      if (!number(1, UINT32_MAX, n)) return false;
      out.max_conns = n;
    } else if (name == "FCGI_MPXS_CONNS") {
      if (!number(0, 1, n)) return false;
      out.mpxs_conns = n == 1;
    }
  }
  if (content.empty()) return true;
  error = "GET_VALUES_RESULT ends inside a name-value pair";
  return false;
}

bool parse_end_request(std::string_view content, EndRequest& out) {
  if (content.size() != 8) return false;
  const auto b = [&](size_t i) { return uint32_t{static_cast<uint8_t>(content[i])}; };
  out.app_status = (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
  out.protocol_status = static_cast<ProtocolStatus>(b(4));
  return true;
}

RecordReader::Piece RecordReader::next(std::string_view in) {
  if (in.empty() || state_ == State::Error) return {Piece::Header, 0};
  switch (state_) {
    case State::Header: {
      const size_t n = std::min(in.size(), kHeaderSize - have_);
      std::copy_n(in.data(), n, header_.data() + have_);
      have_ = static_cast<uint8_t>(have_ + n);
      if (have_ < kHeaderSize) return {Piece::Header, n};
      header_complete();
      if (state_ == State::Error) return {Piece::Header, n};
      return {Piece::Header, n, true, state_ == State::Header};
    }
    case State::Content: {
      const size_t n = std::min<size_t>(in.size(), content_left_);
      content_left_ = static_cast<uint16_t>(content_left_ - n);
      if (content_left_ == 0) state_ = padding_left_ ? State::Padding : State::Header;
      return {Piece::Content, n, false, state_ == State::Header};
    }
    case State::Padding: {
      const size_t n = std::min<size_t>(in.size(), padding_left_);
      padding_left_ = static_cast<uint8_t>(padding_left_ - n);
      if (padding_left_ == 0) state_ = State::Header;
      return {Piece::Padding, n, false, state_ == State::Header};
    }
    case State::Error:
      break;
  }
  return {Piece::Header, 0};
}

void RecordReader::header_complete() {
  have_ = 0;
  if (header_[0] != kVersion) {
    state_ = State::Error;
    error_ = "FastCGI record of version " + std::to_string(header_[0]) + " (1 expected)";
    return;
  }
  record_.type = static_cast<Type>(header_[1]);
  record_.id = static_cast<uint16_t>((header_[2] << 8) | header_[3]);
  record_.content_length = static_cast<uint16_t>((header_[4] << 8) | header_[5]);
  record_.padding = header_[6];
  content_left_ = record_.content_length;
  padding_left_ = record_.padding;
  state_ = content_left_ ? State::Content : padding_left_ ? State::Padding : State::Header;
}

}  // namespace ferry::http::fcgi
