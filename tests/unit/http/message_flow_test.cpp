// MessageFlow over real socket pairs: a head read and replaced, a body forwarded by its framing
// and no further (the next message stays held), backpressure from a slow destination, and the
// ends a source can come to.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "http/message_flow.hpp"

namespace ferry::http {
namespace {

struct Pair {
  int a = -1, b = -1;
  Pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    a = fds[0];
    b = fds[1];
  }
  ~Pair() {
    ::close(a);
    ::close(b);
  }
};

void put(int fd, const std::string& s) {
  REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()));
}

std::string drain(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

struct Rig {
  Pair src, dst;  // src.a: the sender; dst.b: the receiver
  core::BufferPool pool{4096};
  MessageFlow flow;
  uint64_t moved = 0;

  // Reads and parses the request head sent so far; `out` replaces it.
  ParseResult head(RequestHead& h, const std::string& out) {
    flow.mark_readable();
    REQUIRE(flow.read(src.b, pool, moved) == MessageFlow::Status::Ok);
    HeadParser p;
    const ParseResult r = p.parse_request(flow.held(), h);
    if (r == ParseResult::Done) flow.begin_body(h.size, out, h.framing, h.content_length);
    return r;
  }
  // As an event from EdgePoller: `drain_fully` when it reported the peer's FIN (kDrainFully).
  MessageFlow::Status pump(bool drain_fully = false) {
    flow.mark_readable(drain_fully);
    return flow.pump(src.b, dst.a, pool, moved);
  }
};

TEST_CASE("a length body is forwarded up to its end - the pipelined request stays held") {
  Rig r;
  put(r.src.a, "POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /n HTTP/1.1\r\n");
  RequestHead h;
  REQUIRE(r.head(h, "POST /u HTTP/1.1\r\nX: rewritten\r\n\r\n") == ParseResult::Done);
  REQUIRE(r.pump() == MessageFlow::Status::Ok);
  CHECK(r.flow.done());
  CHECK(drain(r.dst.b) == "POST /u HTTP/1.1\r\nX: rewritten\r\n\r\nhello");
  r.flow.next_message();
  CHECK(r.flow.held() == "GET /n HTTP/1.1\r\n");
  CHECK_FALSE(r.flow.done());
  r.flow.release(r.pool);
}

TEST_CASE("a chunked body arriving in pieces is forwarded as it arrived, to its last chunk") {
  Rig r;
  put(r.src.a, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
  RequestHead h;
  REQUIRE(r.head(h, "H\r\n\r\n") == ParseResult::Done);
  REQUIRE(r.pump() == MessageFlow::Status::Ok);
  CHECK_FALSE(r.flow.done());
  CHECK(drain(r.dst.b) == "H\r\n\r\n5\r\nhel");
  put(r.src.a, "lo\r\n0\r\nT: 1\r\n\r\nNEXT");
  REQUIRE(r.pump() == MessageFlow::Status::Ok);
  CHECK(r.flow.done());
  CHECK(drain(r.dst.b) == "lo\r\n0\r\nT: 1\r\n\r\n");
  r.flow.next_message();
  CHECK(r.flow.held() == "NEXT");
  r.flow.release(r.pool);
}

TEST_CASE("a malformed chunked body stops the flow with the decoder's reason") {
  Rig r;
  put(r.src.a, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  RequestHead h;
  REQUIRE(r.head(h, "H\r\n\r\n") == ParseResult::Done);
  REQUIRE(r.pump() == MessageFlow::Status::Ok);
  put(r.src.a, "5\r\nhelloXX");
  CHECK(r.pump() == MessageFlow::Status::BadBody);
  CHECK(r.flow.error() == "chunk data not followed by CRLF");
  r.flow.release(r.pool);
}

TEST_CASE("the source closing before the body's end is Truncated - until-close bodies end there") {
  Rig r;
  put(r.src.a, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  ::shutdown(r.src.a, SHUT_WR);
  RequestHead h;
  REQUIRE(r.head(h, "H\r\n\r\n") == ParseResult::Done);
  CHECK(r.pump() == MessageFlow::Status::Truncated);
  CHECK(drain(r.dst.b) == "H\r\n\r\nabc");
  r.flow.release(r.pool);

  Rig u;
  put(u.src.a, "HTTP/1.0 200 OK\r\n\r\nall of it");
  u.flow.mark_readable();
  REQUIRE(u.flow.read(u.src.b, u.pool, u.moved) == MessageFlow::Status::Ok);
  CHECK_FALSE(u.flow.can_read());  // a short read emptied the socket: no recv() for EAGAIN
  u.flow.begin_body(19, "R\r\n\r\n", Framing::UntilClose, 0);
  REQUIRE(u.pump() == MessageFlow::Status::Ok);
  CHECK_FALSE(u.flow.done());
  put(u.src.a, " and more");
  ::shutdown(u.src.a, SHUT_WR);
  REQUIRE(u.pump(true) == MessageFlow::Status::Ok);  // the short read is not trusted: on to EOF
  CHECK(u.flow.done());
  CHECK(drain(u.dst.b) == "R\r\n\r\nall of it and more");
  u.flow.release(u.pool);
}

TEST_CASE("backpressure: a destination that does not read stops the reading - nothing is lost") {
  Rig r;
  int small = 4096;
  ::setsockopt(r.dst.a, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  const size_t size = 1 << 20;
  std::string body(size, '\0');
  for (size_t i = 0; i < size; ++i)
    body[i] = static_cast<char>('a' + (i * 7) % 26);
  const std::string head =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
  put(r.src.a, head);
  RequestHead h;
  REQUIRE(r.head(h, "H\r\n\r\n") == ParseResult::Done);
  std::string got;
  size_t sent = 0;
  int stalls = 0;
  while (!r.flow.done()) {
    while (sent < size) {  // as much as the source socket takes now
      const ssize_t n = ::send(r.src.a, body.data() + sent, size - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    REQUIRE(r.pump() == MessageFlow::Status::Ok);
    if (r.flow.wants_write()) ++stalls;
    got += drain(r.dst.b);
  }
  got += drain(r.dst.b);
  CHECK(stalls > 0);  // the destination did hold the flow back
  CHECK(r.moved == head.size() + size);
  REQUIRE(got.size() == 5 + size);
  CHECK(got.substr(5) == body);
  CHECK(r.pool.in_use() == 0);  // nothing held: the buffer went back
}

}  // namespace
}  // namespace ferry::http
