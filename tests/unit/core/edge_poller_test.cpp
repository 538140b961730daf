// Edge-triggered polling of session sockets (EdgePoller) and what a relay direction (Flow) must
// remember under it: a socket is reported once per arrival, so input left unread, or an EOF
// queued behind the last bytes, must not be forgotten.
#include <doctest/doctest.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <thread>
#include <utility>

#include <string>
#include <vector>

#include "core/buffer_pool.hpp"
#include "core/edge_poller.hpp"
#include "core/event_loop.hpp"
#include "core/pipe_pool.hpp"
#include "core/relay.hpp"

using namespace ferry::core;

namespace {

struct Pair {
  int fd[2] = {-1, -1};
  Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fd) == 0); }
  ~Pair() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void close_side(int i) {
    ::close(fd[i]);
    fd[i] = -1;
  }
};

// A connected loopback TCP pair: fd[0] accepted (non-blocking), fd[1] the client.
struct TcpPair : Pair {
  TcpPair() {
    for (int& f : fd)
      if (f >= 0) ::close(f);
    const int lst = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    REQUIRE(::bind(lst, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    REQUIRE(::listen(lst, 1) == 0);
    REQUIRE(::getsockname(lst, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    fd[1] = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(::connect(fd[1], reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    fd[0] = ::accept4(lst, nullptr, nullptr, SOCK_NONBLOCK);
    REQUIRE(fd[0] >= 0);
    ::close(lst);
  }
  // Waits until everything fd[1] sent is acknowledged, so queued at fd[0]. (FIONREAD at fd[0]
  // would not do: it stops counting at an urgent mark.)
  bool all_delivered() {
    for (int i = 0; i < 2000; ++i) {
      int unacked = -1;
      if (::ioctl(fd[1], SIOCOUTQ, &unacked) == 0 && unacked == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
};

struct Recorder {
  std::vector<int> events;
  void on_io(int revents) { events.push_back(revents); }
};

// A relay direction in copy mode (no pipes), released at the end.
struct CopyFlow {
  explicit CopyFlow(size_t buffer_size = 4096) : pool(buffer_size) {}
  ~CopyFlow() { flow.release(io()); }
  IoPools io() { return IoPools{pool, pipes}; }
  // One wake-up: told of input (`drain_fully` as the poller said, or not told at all), it
  // pumps once; the bytes moved.
  uint64_t wake(int from, int to, std::optional<bool> drain_fully) {
    if (drain_fully) flow.mark_readable(*drain_fully);
    uint64_t moved = 0;
    REQUIRE(flow.pump(from, to, io(), moved) == Flow::Status::Ok);
    return moved;
  }
  BufferPool pool;
  PipePool pipes{0};
  Flow flow;
};

// A poller on a loop of its own, watching one fd for a Recorder.
struct Polled {
  explicit Polled(int fd) { REQUIRE(watcher.add(fd) == 0); }
  void turn() { ev_run(loop.raw(), EVRUN_NOWAIT); }
  EventLoop loop;
  EdgePoller poller{loop};
  Recorder rec;
  EdgeWatcher<Recorder, &Recorder::on_io> watcher{poller, &rec};
};

void send_text(int fd, const std::string& s) {
  REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()));
}

}  // namespace

TEST_CASE("the poller reports input once per arrival, and output only once it is wanted") {
  Pair p;
  Polled w(p.fd[0]);
  auto& rec = w.rec;
  w.turn();
  CHECK(rec.events.empty());  // writable, but output was not asked for: nothing

  send_text(p.fd[1], "hello");
  w.turn();
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0] == EdgePoller::kInput);
  w.turn();
  w.turn();
  CHECK(rec.events.size() == 1);  // unread, but reported once: the owner must remember it

  send_text(p.fd[1], "more");
  w.turn();
  CHECK(rec.events.size() == 2);  // a new arrival is a new edge

  // Output: fill the socket until a write blocks, ask for output, let the peer drain it. (The
  // input is read first: changing the interest re-checks the socket and would report it.)
  char buf[65536];
  CHECK(::recv(p.fd[0], buf, sizeof(buf), 0) == 9);
  rec.events.clear();
  const std::string chunk(65536, 'x');
  while (::send(p.fd[0], chunk.data(), chunk.size(), MSG_NOSIGNAL) > 0) {
  }
  w.watcher.want_output();
  w.turn();
  CHECK(rec.events.empty());  // still full
  while (::recv(p.fd[1], buf, sizeof(buf), 0) > 0) {
  }
  w.turn();
  REQUIRE(!rec.events.empty());
  CHECK((rec.events.back() & EdgePoller::kOutput) != 0);
}

TEST_CASE("a peer's FIN is reported as the end of input, and a closed fd leaves the set") {
  Pair p;
  Polled w(p.fd[0]);
  auto& rec = w.rec;
  send_text(p.fd[1], "last words");
  ::shutdown(p.fd[1], SHUT_WR);
  w.turn();
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0] == (EdgePoller::kInput | EdgePoller::kDrainFully));

  rec.events.clear();
  p.close_side(0);
  CHECK(::send(p.fd[1], "x", 1, MSG_NOSIGNAL) < 0);  // the peer is gone (EPIPE)
  p.close_side(1);
  w.turn();
  CHECK(rec.events.empty());
}

TEST_CASE("rebind points a socket's next events at another owner without repeating old ones") {
  Pair p;
  Polled w(p.fd[0]);
  Recorder other;
  EdgeWatcher<Recorder, &Recorder::on_io> taker{w.poller, &other};
  send_text(p.fd[1], "for the first");
  w.turn();
  CHECK(w.rec.events.size() == 1);

  REQUIRE(taker.rebind(p.fd[0]) == 0);
  w.turn();
  CHECK(other.events.empty());  // the arrival was reported already, to the first owner
  send_text(p.fd[1], "for the second");
  w.turn();
  CHECK(w.rec.events.size() == 1);
  REQUIRE(other.events.size() == 1);
  CHECK(other.events[0] == EdgePoller::kInput);

  Pair unregistered;
  CHECK(taker.rebind(unregistered.fd[0]) == EBADF);
}

// Two sockets reported in one batch: the first one's owner closes the other and registers a new
// socket under its number, as a session closing and another connecting in one batch would.
struct Swapper {
  EdgePoller* poller = nullptr;
  int* victim = nullptr;  // the other socket's fd
  int fresh = -1;         // what takes its number
  Recorder* newcomer = nullptr;
  std::optional<EdgeWatcher<Recorder, &Recorder::on_io>> watcher;
  int calls = 0;
  void on_io(int) {
    ++calls;
    if (!victim) return;
    ::close(*victim);
    REQUIRE(::dup2(fresh, *victim) == *victim);
    watcher.emplace(*poller, newcomer);
    REQUIRE(watcher->add(*victim) == 0);
    victim = nullptr;
  }
};

TEST_CASE("an event of a socket closed and its fd number registered again is not the new one's") {
  Pair a, b, fresh;
  EventLoop loop;
  EdgePoller poller{loop};
  Recorder newcomer;
  Swapper sa, sb;
  EdgeWatcher<Swapper, &Swapper::on_io> wa{poller, &sa}, wb{poller, &sb};
  REQUIRE(wa.add(a.fd[0]) == 0);
  REQUIRE(wb.add(b.fd[0]) == 0);
  // Whichever is reported first closes the other.
  for (auto [s, other] : {std::pair{&sa, &b.fd[0]}, std::pair{&sb, &a.fd[0]}}) {
    s->poller = &poller;
    s->victim = other;
    s->fresh = fresh.fd[0];
    s->newcomer = &newcomer;
  }
  send_text(a.fd[1], "x");
  send_text(b.fd[1], "y");
  ev_run(loop.raw(), EVRUN_NOWAIT);
  CHECK(sa.calls + sb.calls == 1);  // the closed one's event was dropped
  CHECK(newcomer.events.empty());   // and not given to the socket now under its number
  send_text(fresh.fd[1], "z");
  ev_run(loop.raw(), EVRUN_NOWAIT);
  REQUIRE(newcomer.events.size() == 1);
  CHECK(newcomer.events[0] == EdgePoller::kInput);
}

TEST_CASE("a flow remembers reported input until a read finds the socket empty") {
  Pair a, b;
  CopyFlow f(64);
  send_text(a.fd[0], std::string(1000, 'y'));
  CHECK(f.wake(a.fd[1], b.fd[0], std::nullopt) == 0);  // nothing reported yet: no read at all
  CHECK(f.wake(a.fd[1], b.fd[0], false) == 4 * 64);    // the round budget, then it yields
  CHECK(f.flow.can_read());                            // ... remembering that more is there
  uint64_t moved = 4 * 64;
  while (f.flow.can_read())
    moved += f.wake(a.fd[1], b.fd[0], std::nullopt);
  CHECK(moved == 1000);  // drained, without a new report
  CHECK(!f.flow.done());
}

TEST_CASE("a short read does not hide a FIN the poller said is queued behind it") {
  for (const bool told : {false, true}) {
    CAPTURE(told);
    Pair a, b;
    send_text(a.fd[0], "request");
    ::shutdown(a.fd[0], SHUT_WR);
    CopyFlow f;
    CHECK(f.wake(a.fd[1], b.fd[0], told) == 7);
    // Without the poller's word the short read ends the input for now: the FIN would wait for
    // an edge that never comes. With it, the flow reads on and forwards the FIN.
    CHECK(f.flow.done() == told);
    char buf[16];
    CHECK(::recv(b.fd[1], buf, sizeof(buf), 0) == 7);
    if (told) CHECK(::recv(b.fd[1], buf, sizeof(buf), 0) == 0);
  }
}

TEST_CASE("TCP urgent data: reported as drain-fully, and the flow then reads past the mark") {
  // A read stops short at the urgent mark with bytes still queued behind it: under
  // edge-triggered polling those bytes would wait for an edge that never comes.
  for (const bool told : {false, true}) {
    CAPTURE(told);
    TcpPair t;
    Pair out;
    Polled w(t.fd[0]);
    auto& rec = w.rec;
    send_text(t.fd[1], "abc");
    REQUIRE(::send(t.fd[1], "X", 1, MSG_OOB) == 1);
    send_text(t.fd[1], "def");
    REQUIRE(t.all_delivered());
    w.turn();
    REQUIRE(rec.events.size() == 1);
    CHECK(rec.events[0] == (EdgePoller::kInput | EdgePoller::kDrainFully));

    CopyFlow f;
    CHECK(f.wake(t.fd[0], out.fd[0], told) == (told ? 6u : 3u));
    CHECK(!f.flow.can_read());
  }
}
