// Multi-gigabyte bodies through `mode http` (issue 12): a 2 GiB upload with Content-Length, one
// chunked (odd chunk sizes, an extension, a trailer) and a 2 GiB download, each streamed through
// ferry to an in-process backend on a UNIX socket that checksums what it receives or generates
// what it sends; the checksum and length are compared on both ends, and ferry's peak RSS stays
// a few MB (the bodies are never buffered whole). Sanitizer builds move 64 MiB instead.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/bulk_data.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/deadline.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// The body size: 2 GiB through ferry, 64 MiB through a sanitized one.
uint64_t body_bytes() {
  static const uint64_t bytes = ferry_sanitized() ? 64ull << 20 : 2ull << 30;
  return bytes;
}
constexpr uint64_t kSeed = 12;
constexpr size_t kPiece = 256 * 1024;  // a multiple of 8: pattern offsets stay word-aligned

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Blocking reads from one connection: lines, and bodies checksummed without being kept.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd), buf_(1 << 20) {}

  // The next line without its CRLF; false at EOF or on error.
  bool line(std::string& out) {
    out.clear();
    for (;;) {
      for (; pos_ < end_; ++pos_) {
        if (buf_[pos_] == '\n') {
          ++pos_;
          if (!out.empty() && out.back() == '\r') out.pop_back();
          return true;
        }
        out.push_back(buf_[pos_]);
      }
      if (out.size() > 8192 || !fill()) return false;
    }
  }
  // `n` body bytes into `sum`.
  bool body(uint64_t n, StreamChecksum& sum) {
    while (n > 0) {
      if (pos_ == end_ && !fill()) return false;
      const size_t k = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
      sum.update(buf_.data() + pos_, k);
      pos_ += k;
      n -= k;
    }
    return true;
  }

 private:
  bool fill() {
    pos_ = end_ = 0;
    const ssize_t n = ::recv(fd_, buf_.data(), buf_.size(), 0);
    if (n <= 0) return false;
    end_ = static_cast<size_t>(n);
    return true;
  }
  int fd_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
};

bool send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

// A keep-alive HTTP/1.1 server: `POST` bodies (Content-Length or chunked) are answered with
// `len=N sum=HEX`; `GET /gen/N` answers N bytes of pattern stream kSeed, its checksum kept in
// sent_sum for the test to compare with what the client received.
class ChecksumServer : public UnixServer {
 public:
  explicit ChecksumServer(UnixAddress addr) : UnixServer(std::move(addr)) { start(); }
  ~ChecksumServer() override { stop(); }
  std::atomic<uint64_t> sent_sum{0};

 protected:
  void serve(int fd) override {
    Reader in(fd);
    std::string request_line;
    while (in.line(request_line)) {
      std::string field;
      uint64_t length = 0;
      bool chunked = false;
      while (in.line(field) && !field.empty()) {
        if (field.rfind("Content-Length: ", 0) == 0) length = std::stoull(field.substr(16));
        if (field == "Transfer-Encoding: chunked") chunked = true;
      }
      if (request_line.rfind("GET /gen/", 0) == 0) {
        if (!generate(fd, std::stoull(request_line.substr(9)))) return;
        continue;
      }
      StreamChecksum sum;
      if (!(chunked ? chunked_body(in, sum) : in.body(length, sum))) return;
      const std::string answer = "len=" + std::to_string(sum.bytes()) + " sum=" + hex(sum.value());
      const std::string reply =
          "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(answer.size()) + "\r\n\r\n" +
          answer;
      if (!send_all(fd, reply.data(), reply.size())) return;
    }
  }

 private:
  static bool chunked_body(Reader& in, StreamChecksum& sum) {
    std::string size_line;
    for (;;) {
      if (!in.line(size_line)) return false;
      const uint64_t size = std::stoull(size_line, nullptr, 16);  // stops at ';' extensions
      if (size == 0) break;
      if (!in.body(size, sum) || !in.line(size_line) || !size_line.empty()) return false;
    }
    std::string trailer;
    while (in.line(trailer))
      if (trailer.empty()) return true;
    return false;
  }

  bool generate(int fd, uint64_t size) {
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    if (!send_all(fd, head.data(), head.size())) return false;
    std::vector<char> piece(kPiece);
    StreamChecksum sum;
    for (uint64_t off = 0; off < size; off += kPiece) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kPiece, size - off));
      fill_pattern(piece.data(), n, kSeed, off);
      sum.update(piece.data(), n);
      if (!send_all(fd, piece.data(), n)) return false;
    }
    sent_sum = sum.value();
    return true;
  }
};

// ferry's peak resident set (VmHWM), in KiB.
long peak_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = -1;
  while (status >> key) {
    if (key == "VmHWM:") status >> value;
    status.ignore(1 << 10, '\n');
  }
  return value;
}

// Sends a POST of body_bytes() pattern bytes (Content-Length, or chunked in pieces of varying
// sizes) and returns the server's answer; `sent` gets the checksum of what was sent.
std::string upload(ClientConn& c, bool chunked, uint64_t& sent) {
  const Deadline deadline(ferry_sanitized() ? 300s : 120s);
  std::string head = "POST /up HTTP/1.1\r\nHost: bulk\r\n";
  head += chunked ? "Transfer-Encoding: chunked\r\n\r\n"
                  : "Content-Length: " + std::to_string(body_bytes()) + "\r\n\r\n";
  REQUIRE(c.send_all(head, deadline));
  std::vector<char> piece(kPiece);
  StreamChecksum sum;
  for (uint64_t off = 0, i = 0; off < body_bytes(); ++i) {
    // Chunked: sizes that are not powers of two (pattern offsets stay multiples of 8).
    const size_t n = static_cast<size_t>(
        std::min<uint64_t>(chunked ? kPiece - 8 * (i % 7) : kPiece, body_bytes() - off));
    fill_pattern(piece.data(), n, kSeed, off);
    sum.update(piece.data(), n);
    if (chunked) {
      char size_line[32];
      std::snprintf(size_line, sizeof size_line, i % 5 ? "%zx\r\n" : "%zx;part=%llu\r\n", n,
                    static_cast<unsigned long long>(i));
      REQUIRE(c.send_all(size_line, deadline));
    }
    REQUIRE(c.send_all(std::string_view(piece.data(), n), deadline));
    if (chunked) REQUIRE(c.send_all("\r\n", deadline));
    off += n;
  }
  if (chunked) REQUIRE(c.send_all("0\r\nX-Checksum-By: client\r\n\r\n", deadline));
  sent = sum.value();
  std::string answer;
  while (answer.find("sum=") == std::string::npos || answer.size() < answer.find("sum=") + 20)
    if (c.read_some(answer, deadline) != ReadStatus::Data) break;
  return answer.substr(answer.find("\r\n\r\n") == std::string::npos ? 0
                                                                    : answer.find("\r\n\r\n") + 4);
}

}  // namespace

TEST_CASE("2 GiB bodies both ways through mode http: checksums match and ferry's RSS stays small") {
  TempDir dir;
  ChecksumServer server(UnixAddress::path(dir.file("bulk.sock")));
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(
      dir, fill_template(R"(defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server bulk {SERVER}
)",
                         {{"PORT", std::to_string(port)}, {"SERVER", server.config_address()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  ClientConn c = ClientConn::tcp(port);  // one keep-alive connection carries all three
  REQUIRE(c.ok());

  for (const bool chunked : {false, true}) {
    CAPTURE(chunked);
    uint64_t sent = 0;
    const std::string answer = upload(c, chunked, sent);
    CHECK(answer == "len=" + std::to_string(body_bytes()) + " sum=" + hex(sent));
  }

  REQUIRE(
      c.send_all("GET /gen/" + std::to_string(body_bytes()) + " HTTP/1.1\r\nHost: bulk\r\n\r\n"));
  const Deadline deadline(ferry_sanitized() ? 300s : 120s);
  std::string got;
  while (got.find("\r\n\r\n") == std::string::npos)
    REQUIRE(c.read_some(got, deadline) == ReadStatus::Data);
  const size_t body_at = got.find("\r\n\r\n") + 4;
  CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  StreamChecksum received;
  received.update(got.data() + body_at, got.size() - body_at);
  while (received.bytes() < body_bytes()) {
    std::string piece;
    REQUIRE(c.read_some(piece, deadline) == ReadStatus::Data);
    received.update(piece.data(), piece.size());
  }
  CHECK(received.bytes() == body_bytes());
  // The server stores its checksum once its last send returned, maybe after this last read.
  CHECK(poll_until([&] { return server.sent_sum.load() != 0; }, 10s));
  CHECK(hex(received.value()) == hex(server.sent_sum.load()));

  // Bodies stream through a few pooled buffers: 6 GiB moved, a few MB resident at the peak.
  if (!ferry_sanitized()) {
    const long peak = peak_rss_kib(ferry.pid());
    INFO("ferry's VmHWM: " << peak << " KiB");
    CHECK(peak > 0);
    CHECK(peak < 32 * 1024);
  }
  c.close();
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
