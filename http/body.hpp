// Streaming body framing of HTTP/1: a Content-Length tracker, the chunked transfer coding's
// decoder (which also validates and finds the end of a chunked body forwarded as it is) and
// its encoder. None of them copies or holds body bytes: they look at what passes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::http {

// A body of a known length.
class LengthBody {
 public:
  explicit LengthBody(uint64_t length) : remaining_(length) {}
  // How many of `available` bytes belong to the body (the rest is the next message).
  uint64_t take(uint64_t available) {
    const uint64_t n = available < remaining_ ? available : remaining_;
    remaining_ -= n;
    return n;
  }
  uint64_t remaining() const { return remaining_; }
  bool done() const { return remaining_ == 0; }

 private:
  uint64_t remaining_;
};

// A chunked body (RFC 9112 §7.1), fed as it arrives. Strict: hex sizes without sign or spaces
// (whitespace only before a ';' extension), sizes that overflow 64 bits, data not followed by
// CRLF, bare CR or LF, obs-fold or invalid characters in trailers, and oversized size lines or
// trailer sections are errors.
class ChunkedDecoder {
 public:
  // Largest chunk-size line (size and extensions), as HAProxy's limit on a line fitting a buffer.
  static constexpr uint32_t kMaxSizeLine = 4096;
  explicit ChunkedDecoder(uint32_t max_trailers = 16384 - 1024) : max_trailers_(max_trailers) {}

  struct Piece {
    enum Kind : uint8_t { Payload, Framing } kind;
    size_t size;  // bytes at the start of the input; 0: nothing to take (more needed, done, failed)
  };
  // The next piece at the start of `in`: chunk data (Payload), or framing (size lines, the CRLF
  // after data, the last chunk, trailers). The caller drops `size` bytes and calls again.
  Piece next(std::string_view in);
  bool done() const { return state_ == State::Done; }
  bool failed() const { return state_ == State::Error; }
  const std::string& error() const { return error_; }

 private:
  enum class State : uint8_t {
    Size,
    SizeWs,
    Ext,
    SizeLf,
    Data,
    DataCr,
    DataLf,
    TrailerStart,
    TrailerName,
    TrailerValue,
    TrailerLf,
    LastLf,
    Done,
    Error,
  };
  void step(char c);
  void size_digit(char c);
  void trailer_byte(char c);
  void fail(std::string reason);

  State state_ = State::Size;
  bool has_digit_ = false;
  uint64_t size_ = 0;
  uint32_t line_ = 0;      // bytes of the size line so far
  uint32_t trailers_ = 0;  // bytes of the trailer section so far
  uint32_t max_trailers_;
  std::string error_;
};

// Chunked encoding: a chunk is chunk_header(n) + n bytes + kChunkEnd; the body ends with
// kLastChunk (no trailers).
inline constexpr size_t kChunkHeaderMax = 16 + 2;
inline constexpr std::string_view kChunkEnd = "\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";
std::string_view chunk_header(uint64_t n, char (&out)[kChunkHeaderMax]);

}  // namespace ferry::http
