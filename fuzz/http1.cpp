// One side of an HTTP/1 connection as the proxy reads it: a stream of requests (or of responses)
// arriving in pieces, read into a MessageFlow over a socket pair, each head parsed by HeadParser
// over the bytes held (again after each read, as http_connection.cpp does), the body forwarded by
// its framing (Content-Length, chunked, until close), then the next message from what is left.
//
// Byte 0 picks the side, the limits and the buffer size (bit 0: responses; bit 1: small limits
// and a 512-byte buffer, so limits, a full buffer and moving held bytes are reached; bits 2-7:
// which responses answer a HEAD request), byte 1 seeds the sizes of the pieces, the rest is the
// stream. The same stream is run whole, in random pieces and (when short) one byte at a time.
// Aborts when
//   - the pieces change anything: the verdict on each message, the errors, the bytes that went
//     out (but for a malformed chunked body: the framing bytes before the error may have gone);
//   - a byte is lost or altered: what went out is not exactly the input's start (the heads are
//     forwarded as they came here, so the body framing is judged alone);
//   - a flow would wait forever: the source closed and it neither ended nor failed, or the
//     buffer is full with a head that is neither done nor refused;
//   - the head a proxy writes (head_writer.hpp) parses differently: refused, or with another
//     framing, length, method, target or status than the head it was written from.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/head_writer.hpp"
#include "http/message_flow.hpp"

namespace {

using namespace ferry::http;
using Status = MessageFlow::Status;

[[noreturn]] void fail(const char* what, int line) {
  std::fprintf(stderr, "http1.cpp:%d: check failed: %s\n", line, what);
  std::abort();
}
#define check(ok) ((ok) ? void() : fail(#ok, __LINE__))

struct Pair {
  int a = -1, b = -1;
  Pair() {
    int fds[2];
    check(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    a = fds[0];
    b = fds[1];
  }
  ~Pair() {
    ::close(a);
    ::close(b);
  }
};

struct Options {
  bool responses = false;
  bool small = false;
  uint8_t head_mask = 0;  // response i answers a HEAD request when bit (i % 6) is set
  Limits limits() const { return small ? Limits{384, 8} : Limits{}; }
  size_t buffer() const { return small ? 512 : 32 * 1024; }
};

// The input side: the stream handed to the source socket one piece at a time, then closed.
class Feeder {
 public:
  Feeder(std::string_view stream, std::vector<size_t> pieces, int fd)
      : rest_(stream), pieces_(std::move(pieces)), fd_(fd) {}
  // Sends the next piece, or closes the sending side once all went; false when closed already.
  bool feed() {
    if (rest_.empty()) {
      if (closed_) return false;
      ::shutdown(fd_, SHUT_WR);
      return closed_ = true;
    }
    const size_t n =
        std::min(rest_.size(), pieces_.empty() ? rest_.size() : pieces_[next_++ % pieces_.size()]);
    check(::send(fd_, rest_.data(), n, MSG_NOSIGNAL) == static_cast<ssize_t>(n));
    rest_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view rest_;
  std::vector<size_t> pieces_;
  size_t next_ = 0;
  int fd_;
  bool closed_ = false;
};

// The head a proxy writes from `head` must frame the message as `head` does.
void check_rewritten(const RequestHead& head) {
  for (const bool close_server : {false, true}) {
    std::string out;
    write_request_head(
        head,
        {.close_server = close_server, .forwarded_for = "X-Forwarded-For", .client = "192.0.2.1"},
        out);
    HeadParser parser(Limits{UINT32_MAX, UINT32_MAX});
    RequestHead again;
    check(parser.parse_request(out, again) == ParseResult::Done);
    check(again.method == head.method && again.target == head.target &&
          again.version == head.version && again.framing == head.framing &&
          again.content_length == head.content_length);
  }
}

void check_rewritten(const ResponseHead& head, bool head_request) {
  RequestHead request;
  request.method = head_request ? "HEAD" : "GET";
  for (const bool close_client : {false, true}) {
    std::string out;
    write_response_head(head, request, {.close_client = close_client}, out);
    HeadParser parser(Limits{UINT32_MAX, UINT32_MAX});
    ResponseHead again;
    check(parser.parse_response(out, again, head_request) == ParseResult::Done);
    check(again.status == head.status && again.framing == head.framing &&
          again.content_length == head.content_length);
  }
}

// One run of the stream in the given pieces: what happened to each message, and what went out.
class Run {
 public:
  Run(const Options& opt, std::string_view stream, std::vector<size_t> pieces)
      : opt_(opt),
        pool_(opt.buffer()),
        feeder_(stream, std::move(pieces), src_.a),
        parser_(opt.limits()) {}
  ~Run() { flow_.release(pool_); }

  void go() {
    for (int message = 0; message < 64; ++message) {
      if (!head(message) || !body()) return;
      flow_.next_message();
    }
  }
  const std::string& transcript() const { return transcript_; }
  const std::string& out() const { return out_; }
  bool bad_body() const { return bad_body_; }

 private:
  void note(std::string_view what) { transcript_.append(what).append("\n"); }
  bool read() {
    uint64_t moved = 0;
    flow_.mark_readable();
    return flow_.read(src_.b, pool_, moved) == Status::Ok;
  }
  void drain() {
    char buf[65536];
    ssize_t n;
    while ((n = ::recv(dst_.b, buf, sizeof buf, 0)) > 0)
      out_.append(buf, static_cast<size_t>(n));
  }

  // Parses the next head; false when the stream ends here (cleanly or not).
  bool head(int message) {
    parser_.reset();
    head_request_ = opt_.responses && ((opt_.head_mask >> (message % 6)) & 1);
    for (;;) {
      if (!read()) return note("read error"), false;
      const ParseResult r = opt_.responses
                                ? parser_.parse_response(flow_.held(), response_, head_request_)
                                : parser_.parse_request(flow_.held(), request_);
      if (r == ParseResult::Error) return note("refused: " + parser_.error()), false;
      if (r == ParseResult::Done) break;
      check(!flow_.full());  // a head larger than the buffer must be refused, not waited on
      if (flow_.at_eof())
        return note("closed with " + std::to_string(flow_.held().size()) + " bytes of a head"),
               false;
      feeder_.feed();
    }
    started();
    return true;
  }

  // The head is parsed: it goes out as it came, and its body follows.
  void started() {
    const MessageHead& h = opt_.responses ? static_cast<const MessageHead&>(response_) : request_;
    note("head " + std::to_string(h.size) + " framing " + std::to_string(int(h.framing)) +
         " length " + std::to_string(h.content_length) + " keep-alive " +
         std::to_string(h.keep_alive()));
    if (opt_.responses)
      check_rewritten(response_, head_request_);
    else
      check_rewritten(request_);
    flow_.begin_body(h.size, std::string(flow_.held().substr(0, h.size)), h.framing,
                     h.content_length);
    body_start_ = out_.size() + h.size;
    expected_ = h.framing == Framing::Length ? h.content_length : UINT64_MAX;
  }

  // Forwards the body; false when the stream ends inside it.
  bool body() {
    int idle = 0;
    for (;;) {
      uint64_t moved = 0;
      flow_.mark_readable();
      const Status st = flow_.pump(src_.b, dst_.a, pool_, moved);
      drain();
      bad_body_ = st == Status::BadBody;
      if (st != Status::Ok)
        return note("body status " + std::to_string(int(st)) + " " + flow_.error()), false;
      if (flow_.done()) break;
      if (flow_.more_to_read()) continue;
      // Nothing left to send and nothing new arrived after the source closed: stuck.
      if (!feeder_.feed()) check(++idle < 2);
    }
    const uint64_t body = out_.size() - body_start_;
    check(expected_ == UINT64_MAX || body == expected_);
    note("body " + std::to_string(body));
    return true;
  }

  const Options& opt_;
  ferry::core::BufferPool pool_;
  Pair src_, dst_;  // src_.a: the peer sending the stream; dst_.b: where the flow forwards it
  Feeder feeder_;
  MessageFlow flow_;
  HeadParser parser_;
  RequestHead request_;
  ResponseHead response_;
  bool head_request_ = false;
  size_t body_start_ = 0;
  uint64_t expected_ = 0;
  std::string transcript_;
  std::string out_;
  bool bad_body_ = false;
};

std::vector<size_t> random_pieces(uint8_t seed, size_t stream) {
  std::vector<size_t> pieces;
  uint32_t x = seed * 2654435761u + 1;
  const size_t most = 1 + seed % 97;
  for (size_t total = 0; total < stream; total += pieces.back()) {
    x = x * 1664525u + 1013904223u;
    pieces.push_back(1 + (x >> 8) % most);
  }
  return pieces;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Options opt{(data[0] & 1) != 0, (data[0] & 2) != 0, static_cast<uint8_t>(data[0] >> 2)};
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::vector<std::vector<size_t>> splits = {{}, random_pieces(data[1], stream.size())};
  if (stream.size() <= 300) splits.push_back({1});
  std::string transcript, out;
  for (size_t i = 0; i < splits.size(); ++i) {
    Run run(opt, stream, splits[i]);
    run.go();
    check(stream.substr(0, run.out().size()) == run.out());  // nothing lost, added or changed
    if (i == 0) {
      transcript = run.transcript();
      out = run.out();
    } else if (run.transcript() != transcript || (run.out() != out && !run.bad_body())) {
      std::fprintf(stderr, "whole:\n%s\nin pieces (%zu):\n%s\n", transcript.c_str(), i,
                   run.transcript().c_str());
      check(!"the same bytes in other pieces gave another result");
    }
  }
  return 0;
}
