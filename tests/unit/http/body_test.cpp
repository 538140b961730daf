// Body framing: the Content-Length tracker, the chunked decoder (whole, byte by byte, and its
// refusals) and the chunked encoder.
#include <doctest/doctest.h>

#include <string>

#include "http/body.hpp"

namespace ferry::http {
namespace {

struct Decoded {
  std::string payload;
  size_t consumed = 0;  // bytes of input taken, framing and payload
  bool done = false;
  std::string error;
};

// Feeds `in` in pieces of `step` bytes (as reads would deliver it).
Decoded decode(std::string_view in, size_t step = SIZE_MAX, uint32_t max_trailers = 1000) {
  ChunkedDecoder d(max_trailers);
  Decoded out;
  size_t avail = std::min(in.size(), step);
  while (!d.done() && !d.failed()) {
    const std::string_view window = in.substr(out.consumed, avail - out.consumed);
    const auto piece = d.next(window);
    if (piece.kind == ChunkedDecoder::Piece::Payload)
      out.payload.append(window.substr(0, piece.size));
    out.consumed += piece.size;
    if (piece.size > 0) continue;
    if (avail == in.size()) break;  // the input ended before the body did
    avail = in.size() - avail <= step ? in.size() : avail + step;
  }
  out.done = d.done();
  out.error = d.error();
  return out;
}

TEST_CASE("content-length: the body's share of what arrives") {
  LengthBody b(10);
  CHECK(b.take(4) == 4);
  CHECK(b.remaining() == 6);
  CHECK(b.take(100) == 6);  // the rest belongs to the next message
  CHECK(b.done());
  CHECK(b.take(5) == 0);
}

TEST_CASE("chunked: payload, extensions, trailers - the next message is left alone") {
  const std::string body =
      "5\r\nhello\r\n1a;name=\"v a\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-T: 1\r\nY: z\r\n\r\n";
  for (size_t step : {SIZE_MAX, size_t{1}, size_t{3}, size_t{7}}) {
    CAPTURE(step);
    Decoded d = decode(body + "GET", step);
    CHECK(d.done);
    CHECK(d.error.empty());
    CHECK(d.payload == "helloabcdefghijklmnopqrstuvwxyz");
    CHECK(d.consumed == body.size());
  }
  Decoded d = decode("0\r\n\r\n");
  CHECK(d.done);
  CHECK(d.consumed == 5);
  CHECK(decode("000A\r\n0123456789\r\n0\r\n\r\n").payload == "0123456789");
}

TEST_CASE("chunked: incomplete input is not an error") {
  Decoded d = decode("5\r\nhel", 2);
  CHECK_FALSE(d.done);
  CHECK(d.error.empty());
  CHECK(d.payload == "hel");
}

TEST_CASE("chunked: malformed framing is refused with its reason") {
  CHECK(decode("x\r\n").error == "malformed chunk size");
  CHECK(decode("\r\n").error == "malformed chunk size");
  CHECK(decode("-1\r\n").error == "malformed chunk size");
  CHECK(decode("0x5\r\nhello\r\n0\r\n\r\n").error == "malformed chunk size");
  CHECK(decode("5\nhello\r\n").error == "bare LF in a chunk size line");
  CHECK(decode("5\rhello\r\n").error == "bare CR in a chunk size line");
  CHECK(decode("5 \r\nhello\r\n").error ==
        "whitespace after a chunk size not followed by an extension");
  CHECK(decode("5 ;a=b\r\nhello\r\n0\r\n\r\n").done);  // BWS before an extension is allowed
  CHECK(decode("5;a\x01\r\nhello\r\n").error == "invalid character in a chunk extension");
  CHECK(decode("5\r\nhelloX\r\n").error == "chunk data not followed by CRLF");
  CHECK(decode("5\r\nhello\rX").error == "chunk data not followed by CRLF");
  CHECK(decode("10000000000000000\r\n").error == "chunk size over 64 bits");
  CHECK(decode("ffffffffffffffff\r\n").error.empty());  // 2^64-1 fits (and waits for data)
  CHECK(decode("5;" + std::string(5000, 'a') + "\r\n").error ==
        "chunk size line longer than 4096 bytes");
}

TEST_CASE("chunked: trailers are checked like header fields") {
  CHECK(decode("0\r\nX: 1\r\n folded\r\n\r\n").error == "obs-fold in the trailer section");
  CHECK(decode("0\r\nX: 1\n\r\n").error == "bare LF in a trailer field");
  CHECK(decode("0\r\nX: 1\rY\r\n\r\n").error == "bare CR in a trailer field");
  CHECK(decode("0\r\nX@: 1\r\n\r\n").error == "invalid character in a trailer field name");
  CHECK(decode("0\r\nX: \x01\r\n\r\n").error == "invalid character in a trailer field value");
  CHECK(decode("0\r\n:x\r\n\r\n").error == "malformed trailer field");
  CHECK(decode("0\r\n\rX").error == "bare CR after the trailer section");
  CHECK(decode("0\r\nX: " + std::string(100, 'a') + "\r\n\r\n", SIZE_MAX, 50).error ==
        "trailer section larger than 50 bytes");
}

TEST_CASE("chunk encoder: the decoder reads back what it writes") {
  char buf[kChunkHeaderMax];
  CHECK(chunk_header(0, buf) == "0\r\n");
  CHECK(chunk_header(255, buf) == "ff\r\n");
  CHECK(chunk_header(UINT64_MAX, buf) == "ffffffffffffffff\r\n");
  std::string out;
  for (const std::string& part : {std::string("abc"), std::string(300, 'z')}) {
    out += chunk_header(part.size(), buf);
    out += part + std::string(kChunkEnd);
  }
  out += kLastChunk;
  Decoded d = decode(out);
  CHECK(d.done);
  CHECK(d.payload == "abc" + std::string(300, 'z'));
}

}  // namespace
}  // namespace ferry::http
