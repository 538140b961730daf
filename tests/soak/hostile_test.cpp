// Hostile clients against ferry, in rounds for the soak duration: resets in the middle of a
// transfer, clients that half-close and only then read, clients that never read while their
// backend floods them (ferry's memory must stay bounded), and storms of connect-and-close.
// Every client must be served as it asked, and ferry must come back to its fds at the start.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/soak/soak_backends.hpp"
#include "tests/soak/soak_env.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"

using namespace ferry::test;
using namespace ferry::test::soak;

namespace {

const char* const kConfig = R"(global
    maxconn 4000
    stats socket {DIR}/admin.sock level admin
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/fe.sock
    default_backend be
backend be
    server s0 unix@{DIR}/echo0.sock
    server s1 unix@{DIR}/echo1.sock
frontend flood
    bind 127.0.0.1:{FLOOD_PORT}
    default_backend flood
backend flood
    server f unix@{DIR}/flood.sock
)";

// What one round does; the long form (FERRY_SOAK_SECONDS of 30 and more) does more at once.
struct RoundSize {
  unsigned resets, half_closes, never_reading, storm;
};
RoundSize round_size(Millis duration) {
  if (duration >= 30s) return {1000, 1000, 200, 20000};
  return {200, 200, 50, 2000};
}

struct Tally {
  std::atomic<uint64_t> resets{0}, half_closes{0}, never_reading{0}, storm{0};
  std::atomic<uint64_t> backlog_full{0};  // storm connects to the UNIX frontend told EAGAIN
  std::atomic<uint64_t> errors{0};
  std::mutex mutex;
  std::vector<std::string> first_errors;  // guarded by mutex

  void error(std::string what) {
    ++errors;
    std::lock_guard lock(mutex);
    if (first_errors.size() < 10) first_errors.push_back(std::move(what));
  }
  double storm_ms = 0;     // the longest storm
  long flood_rss_kib = 0;  // ferry's largest growth while clients never read
};

// Runs fn(i) for each i < n on `threads` threads.
void in_parallel(unsigned threads, unsigned n, const std::function<void(unsigned)>& fn) {
  std::atomic<unsigned> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (unsigned i; (i = next++) < n;)
        fn(i);
    });
  for (auto& t : pool)
    t.join();
}

struct Target {
  uint16_t port;
  std::string path;
  std::string kind(unsigned i) const { return i % 2 ? "TCP" : "UNIX"; }
  ClientConn connect(unsigned i) const {
    return i % 2 ? ClientConn::tcp(port, 5s) : ClientConn::unix_socket(path, 5s);
  }
};

std::string pattern(size_t n, uint64_t seed) {
  std::string s(n, '\0');
  fill_pattern(s.data(), n, seed, 0);
  return s;
}

// Sends 64 KiB, waits for the echo to start, then resets the connection. What went wrong, or "".
std::string reset_mid_transfer(const Target& t, unsigned i) {
  ClientConn c = t.connect(i);
  if (!c.ok()) return std::string("connect failed: ") + std::strerror(c.error());
  if (!c.send_all(pattern(64 * 1024, i), Deadline(5s))) return "send failed";
  std::string got;
  const ReadStatus st = c.read_some(got, Deadline(5s));
  if (st != ReadStatus::Data) return std::string("no echo: ") + to_string(st);
  const linger reset{1, 0};
  ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  return "";  // closed with a reset as `c` goes
}

// Sends 16 KiB and half-closes before reading anything: all of it must come back, then EOF.
std::string half_close_reader(const Target& t, unsigned i) {
  ClientConn c = t.connect(i);
  const std::string sent = pattern(16 * 1024, i);
  if (!c.ok()) return std::string("connect failed: ") + std::strerror(c.error());
  if (!c.send_all(sent, Deadline(5s))) return "send failed";
  c.shutdown_write();
  const Received r = c.read_until_eof(Deadline(10s));
  if (!r.closed || r.reset) return r.reset ? "reset" : "no EOF";
  return r.data == sent ? "" : "echoed " + std::to_string(r.data.size()) + " bytes, not as sent";
}

// `n` clients that never read from a backend that floods them; ferry's RSS growth meanwhile.
long never_reading(uint16_t port, FloodServer& server, unsigned n, pid_t ferry, Tally& tally) {
  const long before = rss_kib(ferry);
  std::vector<ClientConn> clients;
  for (unsigned i = 0; i < n; ++i) {
    clients.push_back(ClientConn::tcp(port, 5s));
    if (!clients.back().ok()) tally.error("a never-reading client could not connect");
  }
  if (!server.wait_active(n, 10s)) tally.error("the flooding backend did not get every client");
  // Flooded until every buffer on the way is full: the backend's writes stop moving.
  uint64_t last = UINT64_MAX;
  poll_until(
      [&] {
        const uint64_t now = server.sent();
        return std::exchange(last, now) == now;
      },
      10s, 100ms);
  const long grown = rss_kib(ferry) - before;
  const linger reset{1, 0};
  for (ClientConn& c : clients)
    ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  clients.clear();
  if (!server.wait_active(0, 10s))
    tally.error("ferry kept flooding connections after their clients reset");
  tally.never_reading += n;
  return grown;
}

// Connects as a blocking client would: a UNIX connect refused because ferry's backlog is full
// (EAGAIN, where TCP would resend its SYN) is tried again, for 5 seconds at most.
ClientConn connect_waiting(const Target& t, unsigned i, std::atomic<uint64_t>& full) {
  const Deadline deadline(5s);
  for (;;) {
    ClientConn c = t.connect(i);
    if (c.ok() || c.error() != EAGAIN || deadline.expired()) return c;
    ++full;
    std::this_thread::sleep_for(1ms);  // a back-off, as the kernel's SYN retry is for TCP
  }
}

void one_round(const RoundSize& size, const Target& echo, uint16_t flood_port, FloodServer& flooder,
               pid_t ferry, Tally& tally) {
  in_parallel(4, size.resets, [&](unsigned i) {
    const std::string what = reset_mid_transfer(echo, i);
    if (!what.empty()) tally.error("a client to reset (" + echo.kind(i) + "): " + what);
    ++tally.resets;
  });
  in_parallel(4, size.half_closes, [&](unsigned i) {
    const std::string what = half_close_reader(echo, i);
    if (!what.empty()) tally.error("a half-closing client (" + echo.kind(i) + "): " + what);
    ++tally.half_closes;
  });
  tally.flood_rss_kib = std::max(
      tally.flood_rss_kib, never_reading(flood_port, flooder, size.never_reading, ferry, tally));
  const auto start = Clock::now();
  in_parallel(4, size.storm, [&](unsigned i) {
    const ClientConn c = connect_waiting(echo, i, tally.backlog_full);
    if (!c.ok())
      tally.error("storm (" + echo.kind(i) + "): connect failed: " + std::strerror(c.error()));
    ++tally.storm;
  });
  tally.storm_ms = std::max(tally.storm_ms, elapsed_ms(start));
}

}  // namespace

TEST_CASE("hostile clients: resets - half-closes - never-reading clients - connect storms") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const uint16_t flood_port = free_tcp_port();
  EchoServer echo0(UnixAddress::path(dir.file("echo0.sock")));
  EchoServer echo1(UnixAddress::path(dir.file("echo1.sock")));
  FloodServer flooder(UnixAddress::path(dir.file("flood.sock")));
  FerryProcess ferry(dir, fill_template(kConfig, {{"PORT", std::to_string(port)},
                                                  {"FLOOD_PORT", std::to_string(flood_port)},
                                                  {"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(ferry.wait_listening_tcp(flood_port));
  REQUIRE(ferry.wait_listening_unix(UnixAddress::path(dir.file("fe.sock"))));
  const Target echo{port, dir.file("fe.sock")};
  const Usage before = usage_of(ferry.pid());

  const Millis duration = soak_duration();
  const RoundSize size = round_size(duration);
  Tally tally;
  const auto start = Clock::now();
  unsigned rounds = 0;
  do {
    one_round(size, echo, flood_port, flooder, ferry.pid(), tally);
    ++rounds;
    // The storm over, ferry and the backends are back to no connection before the next round
    // (a storm fills the backends' backlog of 256: connects made meanwhile would fail).
    CHECK(echo0.wait_active(0, 10s));
    CHECK(echo1.wait_active(0, 10s));
    CHECK(wait_settled(ferry.pid(), before.fds, dir.file("admin.sock"), 10s).ok);
  } while (Clock::now() - start < duration);

  // Still serving, and every connection of the rounds is gone from ferry and the backends.
  ClientConn last = echo.connect(1);
  CHECK(last.send_all("still there\n"));
  CHECK(last.read_line() == "still there\n");
  last.close();
  CHECK(echo0.wait_active(0, 10s));
  CHECK(echo1.wait_active(0, 10s));
  const Settled after = wait_settled(ferry.pid(), before.fds, dir.file("admin.sock"), 10s);
  CHECK_MESSAGE(after.ok, "ferry holds " << after.usage.fds << " fds, not " << after.expected_fds);
  std::printf(
      "soak hostile: %u rounds in %.1f s: %llu resets mid-transfer, %llu half-close readers, "
      "%llu never-reading clients (ferry +%.2f MiB while flooded), %llu connect-and-close "
      "(%u in %.2f s; a UNIX connect found the backlog full %llu times and waited): %llu "
      "errors\nsoak hostile: ferry before %s, after %s\n",
      rounds, elapsed_ms(start) / 1000, static_cast<unsigned long long>(tally.resets.load()),
      static_cast<unsigned long long>(tally.half_closes.load()),
      static_cast<unsigned long long>(tally.never_reading.load()), tally.flood_rss_kib / 1024.0,
      static_cast<unsigned long long>(tally.storm.load()), size.storm, tally.storm_ms / 1000,
      static_cast<unsigned long long>(tally.backlog_full.load()),
      static_cast<unsigned long long>(tally.errors.load()), to_string(before).c_str(),
      to_string(after.usage).c_str());
  for (const std::string& e : tally.first_errors)
    std::printf("soak hostile: %s\n", e.c_str());
  CHECK(tally.errors == 0);
  // Each never-reading client may hold a buffer each way (32 KiB) in ferry, no more: the
  // flood must wait in the backend, not in ferry's memory.
  if (!ferry_sanitized()) CHECK(tally.flood_rss_kib < 64L * size.never_reading + 8 * 1024);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
