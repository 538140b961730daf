#include "http/body.hpp"

#include "http/h1_chars.hpp"

namespace ferry::http {

ChunkedDecoder::Piece ChunkedDecoder::next(std::string_view in) {
  if (state_ == State::Data) {
    const size_t n = in.size() < size_ ? in.size() : static_cast<size_t>(size_);
    size_ -= n;
    if (size_ == 0) state_ = State::DataCr;
    return {Piece::Payload, n};
  }
  size_t used = 0;
  while (used < in.size() && state_ != State::Data && state_ != State::Done &&
         state_ != State::Error)
    step(in[used++]);
  if (state_ == State::Error) return {Piece::Framing, 0};
  return {Piece::Framing, used};
}

void ChunkedDecoder::fail(std::string reason) {
  state_ = State::Error;
  error_ = std::move(reason);
}

void ChunkedDecoder::size_digit(char c) {
  if (size_ > (UINT64_MAX >> 4)) return fail("chunk size over 64 bits");
  size_ = (size_ << 4) | static_cast<uint64_t>(hex_value(c));
  has_digit_ = true;
}

void ChunkedDecoder::step(char c) {
  if (state_ <= State::SizeLf && ++line_ > kMaxSizeLine)
    return fail("chunk size line longer than " + std::to_string(kMaxSizeLine) + " bytes");
  switch (state_) {
    case State::Size:
      if (is_hex_digit(c)) return size_digit(c);
      if (has_digit_ && c == '\r') return void(state_ = State::SizeLf);
      if (has_digit_ && c == ';') return void(state_ = State::Ext);
      if (has_digit_ && is_ows(c)) return void(state_ = State::SizeWs);
      return fail(c == '\n' ? "bare LF in a chunk size line" : "malformed chunk size");
    case State::SizeWs:
      if (c == ';') return void(state_ = State::Ext);
      if (is_ows(c)) return;
      return fail("whitespace after a chunk size not followed by an extension");
    case State::Ext:
      if (c == '\r') return void(state_ = State::SizeLf);
      if (is_value_char(c)) return;
      return fail(c == '\n' ? "bare LF in a chunk size line"
                            : "invalid character in a chunk extension");
    case State::SizeLf:
      if (c != '\n') return fail("bare CR in a chunk size line");
      line_ = 0;
      has_digit_ = false;
      state_ = size_ == 0 ? State::TrailerStart : State::Data;
      return;
    case State::DataCr:
      if (c == '\r') return void(state_ = State::DataLf);
      return fail("chunk data not followed by CRLF");
    case State::DataLf:
      if (c == '\n') return void(state_ = State::Size);
      return fail("chunk data not followed by CRLF");
    default:
      return trailer_byte(c);
  }
}

void ChunkedDecoder::trailer_byte(char c) {
  if (++trailers_ > max_trailers_)
    return fail("trailer section larger than " + std::to_string(max_trailers_) + " bytes");
  switch (state_) {
    case State::TrailerStart:
      if (c == '\r') return void(state_ = State::LastLf);
      if (is_token_char(c)) return void(state_ = State::TrailerName);
      return fail(is_ows(c) ? "obs-fold in the trailer section" : "malformed trailer field");
    case State::TrailerName:
      if (c == ':') return void(state_ = State::TrailerValue);
      if (is_token_char(c)) return;
      return fail("invalid character in a trailer field name");
    case State::TrailerValue:
      if (c == '\r') return void(state_ = State::TrailerLf);
      if (is_value_char(c)) return;
      return fail(c == '\n' ? "bare LF in a trailer field"
                            : "invalid character in a trailer field value");
    case State::TrailerLf:
      if (c == '\n') return void(state_ = State::TrailerStart);
      return fail("bare CR in a trailer field");
    case State::LastLf:
      if (c == '\n') return void(state_ = State::Done);
      return fail("bare CR after the trailer section");
    default:
      return;  // Data, Done and Error consume nothing here
  }
}

std::string_view chunk_header(uint64_t n, char (&out)[kChunkHeaderMax]) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t pos = kChunkHeaderMax;
  out[--pos] = '\n';
  out[--pos] = '\r';
  do {
    out[--pos] = kHex[n & 15];
    n >>= 4;
  } while (n != 0);
  return {out + pos, kChunkHeaderMax - pos};
}

}  // namespace ferry::http
