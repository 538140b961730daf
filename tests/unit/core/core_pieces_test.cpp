// Pure pieces of core/: the intrusive list, the buffer pool, rate and time averages, addresses,
// and one relay direction over a real socketpair.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "core/buffer_pool.hpp"
#include "core/freq_counter.hpp"
#include "core/intrusive_list.hpp"
#include "core/pipe_pool.hpp"
#include "core/relaxed_counter.hpp"
#include "core/relay.hpp"
#include "core/session_times.hpp"
#include "core/sockaddr.hpp"
#include "core/socket_ops.hpp"

using namespace ferry::core;

namespace {
struct Tag {};
struct Item : ListHook<Tag> {
  int v = 0;
};

// A flow and what it moves bytes between: it reads a[1] (the test writes a[0]) and writes b[0]
// (the test reads b[1]), nonblocking socket pairs closed at the end, with its pools.
struct FlowRig {
  int a[2] = {-1, -1};
  int b[2] = {-1, -1};
  BufferPool pool;
  PipePool pipes;
  IoPools io{pool, pipes};
  Flow flow;
  FlowRig(size_t buffer_size, size_t max_pipes) : pool(buffer_size), pipes(max_pipes) {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a) == 0);
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b) == 0);
  }
  ~FlowRig() {
    flow.release(io);
    for (int fd : {a[0], a[1], b[0], b[1]})
      ::close(fd);
  }
  FlowRig(const FlowRig&) = delete;
  FlowRig& operator=(const FlowRig&) = delete;
};
}  // namespace

TEST_CASE("intrusive list keeps order and unlinks from the middle") {
  IntrusiveList<Item, Tag> list;
  Item a, b, c;
  a.v = 1, b.v = 2, c.v = 3;
  list.push_back(a);
  list.push_back(b);
  list.push_back(c);
  list.remove(b);
  CHECK(list.size() == 2);
  CHECK(!list.contains(b));
  int sum = 0;
  list.for_each([&](Item& i) {
    sum = sum * 10 + i.v;
    list.remove(i);  // removing the element being visited is allowed
  });
  CHECK(sum == 13);
  CHECK(list.empty());
}

TEST_CASE("buffer pool reuses buffers and counts what is lent") {
  BufferPool pool(1024, 1);
  Buffer a, b;
  pool.take(a);
  pool.take(b);
  CHECK(pool.in_use() == 2);
  char* first = a.data;
  pool.give_back(a);
  pool.give_back(b);  // beyond `keep`: freed
  CHECK(pool.in_use() == 0);
  CHECK(!a.held());
  Buffer c;
  pool.take(c);
  CHECK(c.data == first);
  pool.give_back(c);
}

TEST_CASE("rate counter blends the previous second") {
  FreqCounter f;
  for (int i = 0; i < 10; ++i)
    f.add(Millis(1000));
  CHECK(f.rate(Millis(1000)) == 10);
  CHECK(f.rate(Millis(2500)) == 5);  // half of last second's 10
  CHECK(f.rate(Millis(3000)) == 0);  // two periods old
  CHECK(f.max() == 10);
}

// The shapes HAProxy 2.6 shows, observed side by side on the same event times.
TEST_CASE("rate counter periods start at the first event, a lone event holds, max is per period") {
  FreqCounter lone;
  lone.add(Millis(5300));  // after a long idle time: the period runs from 5.3 s
  CHECK(lone.rate(Millis(6299)) == 1);
  CHECK(lone.rate(Millis(7299)) == 1);  // a previous count of 1 is not scaled down
  CHECK(lone.rate(Millis(7300)) == 0);

  FreqCounter two;
  two.add(Millis(5300), 2);
  CHECK(two.rate(Millis(6299)) == 2);
  CHECK(two.rate(Millis(6350)) == 1);  // 2 x 0.95
  CHECK(two.rate(Millis(6800)) == 1);
  CHECK(two.rate(Millis(6850)) == 0);  // 2 x 0.45

  FreqCounter burst;
  burst.add(Millis(10000));
  burst.add(Millis(10900), 3);
  burst.add(Millis(11050), 4);            // the second period started at 11.0 s
  CHECK(burst.rate(Millis(11050)) == 7);  // 4 + 4 x 0.95
  CHECK(burst.max() == 4);                // not 7: the most within one period
}

TEST_CASE("session time averages follow HAProxy's dynamic window") {
  SessionTimes t;
  t.add(0, 10, 100);
  CHECK(t.connect.average(t.window()) == 10);
  CHECK(t.total.average(t.window()) == 100);
  t.add(-1, 30, 300);  // a phase never reached counts as 0
  CHECK(t.queue.average(t.window()) == 0);
  CHECK(t.connect.average(t.window()) ==
        18);  // sum 10 - 5 + 30 = 35 over a window of 2, rounded up
  CHECK(t.total.max() == 300);
}

TEST_CASE("a byte counter added to by two threads without a lock loses nothing") {
  RelaxedCounter c;
  constexpr uint64_t kAdds = 1000000;
  std::atomic<int> ready{0};
  auto add = [&] {
    ready.fetch_add(1);
    while (ready.load() < 2) {
    }  // both threads add at the same time
    for (uint64_t i = 0; i < kAdds; ++i)
      c += 3;
  };
  std::thread other(add);
  add();
  other.join();
  CHECK(c == 2 * 3 * kAdds);
  RelaxedCounter copy = c;  // `clear counters` assigns whole counter structs
  CHECK(copy.get() == c.get());
  copy = RelaxedCounter{};
  CHECK(copy == 0);
}

TEST_CASE("socket addresses print as HAProxy shows them") {
  ferry::conf::Address in;
  in.kind = ferry::conf::AddressKind::Inet;
  in.family = AF_INET;
  in.host = "127.0.0.1";
  in.port = 8080;
  CHECK(SockAddr::from(in).to_string() == "127.0.0.1:8080");
  in.family = AF_INET6;
  in.host = "::1";
  CHECK(SockAddr::from(in).stats_text() == "[::1]:8080");
  ferry::conf::Address un;
  un.kind = ferry::conf::AddressKind::Unix;
  un.family = AF_UNIX;
  un.path = "/run/x.sock";
  const SockAddr u = SockAddr::from(un);
  CHECK(u.stats_text() == "unix");
  CHECK(u.unix_path() == "/run/x.sock");
  un.kind = ferry::conf::AddressKind::Abns;
  un.path = "name";
  const SockAddr padded = SockAddr::from(un);
  CHECK(padded.is_abstract());
  CHECK(padded.len == sizeof(sockaddr_un));  // zero-padded to the whole sun_path, as HAProxy
  un.kind = ferry::conf::AddressKind::Abnsz;
  const SockAddr bare = SockAddr::from(un);
  CHECK(bare.len == offsetof(sockaddr_un, sun_path) + 1 + 4);
  CHECK(bare.to_string() == "@name");
}

TEST_CASE("connections accepted on a TCP listener have Nagle off without a call per connection") {
  ferry::conf::Address in;
  in.kind = ferry::conf::AddressKind::Inet;
  in.family = AF_INET;
  in.host = "127.0.0.1";
  in.port = 0;  // any free port
  ListenResult l = listen_on(SockAddr::from(in), 16, {}, "test");
  REQUIRE(l.error.empty());
  SockAddr bound;
  bound.len = sizeof(bound.storage);
  REQUIRE(::getsockname(l.fd.get(), bound.get(), &bound.len) == 0);
  Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(::connect(client.get(), bound.get(), bound.len) == 0);
  SockAddr peer;
  const Fd accepted(accept_nonblocking(l.fd.get(), peer));
  REQUIRE(accepted);
  int nodelay = 0;
  socklen_t len = sizeof(nodelay);
  REQUIRE(::getsockopt(accepted.get(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) == 0);
  CHECK(nodelay == 1);
}

TEST_CASE("a flow relays bytes exactly, forwards the FIN and gives its buffer back") {
  FlowRig r(64, 0);  // buffers smaller than the message: several rounds; no pipes: copy mode
  const std::string msg(1000, 'x');
  REQUIRE(::write(r.a[0], msg.data(), msg.size()) == static_cast<ssize_t>(msg.size()));
  ::shutdown(r.a[0], SHUT_WR);
  uint64_t moved = 0;
  std::string got;
  char buf[256];
  for (int i = 0; i < 1000 && !r.flow.done(); ++i) {
    r.flow.mark_readable();
    REQUIRE(r.flow.pump(r.a[1], r.b[0], r.io, moved) == Flow::Status::Ok);
    ssize_t n;
    while ((n = ::read(r.b[1], buf, sizeof(buf))) > 0)
      got.append(buf, static_cast<size_t>(n));
  }
  CHECK(r.flow.done());
  CHECK(got == msg);
  CHECK(moved == msg.size());
  CHECK(r.pool.in_use() == 0);
  CHECK(::read(r.b[1], buf, sizeof(buf)) == 0);  // the FIN arrived
}

TEST_CASE("a flow with no destination yet keeps what it reads, then sends it and the FIN") {
  FlowRig r(4096, 0);
  REQUIRE(::write(r.a[0], "waiting\n", 8) == 8);
  ::shutdown(r.a[0], SHUT_WR);
  uint64_t moved = 0;
  r.flow.mark_readable(true);  // data and FIN reported together
  REQUIRE(r.flow.fill(r.a[1], r.io, moved) == Flow::Status::Ok);
  CHECK(moved == 8);
  CHECK(!r.flow.can_read());  // EOF seen: nothing more to read
  CHECK(r.flow.wants_write());
  CHECK(r.pool.in_use() == 1);  // held until there is somewhere to send it

  REQUIRE(r.flow.flush(r.b[0], r.io) == Flow::Status::Ok);
  CHECK(r.flow.done());
  CHECK(r.pool.in_use() == 0);
  char buf[64];
  CHECK(::read(r.b[1], buf, sizeof(buf)) == 8);
  CHECK(::read(r.b[1], buf, sizeof(buf)) == 0);  // then the FIN
}

TEST_CASE("a flow that finds nothing to read while waiting holds no buffer") {
  FlowRig r(4096, 0);
  uint64_t moved = 0;
  r.flow.mark_readable();  // a speculative read: the client has sent nothing yet
  REQUIRE(r.flow.fill(r.a[1], r.io, moved) == Flow::Status::Ok);
  CHECK(moved == 0);
  CHECK(r.pool.in_use() == 0);  // a queued client that says nothing costs no buffer
}

TEST_CASE("a bulk flow switches to splice, stays byte-exact and returns its pipe") {
  FlowRig r(4096, 4);
  std::string msg;
  for (int i = 0; i < 200000; ++i)
    msg += static_cast<char>('a' + i % 26);
  size_t written = 0, moved_total = 0;
  uint64_t moved = 0;
  std::string got;
  char buf[65536];
  for (int i = 0; i < 100000 && !r.flow.done(); ++i) {
    if (written < msg.size()) {
      const ssize_t n = ::write(r.a[0], msg.data() + written, msg.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (written == msg.size()) ::shutdown(r.a[0], SHUT_WR);
    }
    r.flow.mark_readable();
    REQUIRE(r.flow.pump(r.a[1], r.b[0], r.io, moved) == Flow::Status::Ok);
    ssize_t n;
    while ((n = ::read(r.b[1], buf, sizeof(buf))) > 0)
      got.append(buf, static_cast<size_t>(n));
  }
  moved_total = moved;
  CHECK(r.flow.done());
  CHECK(r.flow.spliced());
  CHECK(got == msg);
  CHECK(moved_total == msg.size());
  CHECK(r.pool.in_use() == 0);
  CHECK(r.pipes.in_use() == 0);
  CHECK(r.pipes.free_count() == 1);  // the pipe went back for reuse
}
