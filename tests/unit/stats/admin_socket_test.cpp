// The stats sockets on a real loop and real sockets (UNIX in a temp dir, TCP on port 0). The
// client runs on the test's thread with a nonblocking socket; the loop is pumped while it waits.
#include "stats/admin_socket.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include <algorithm>
#include <cstring>

#include "stats/cli_parser.hpp"
#include "stats/stat_output.hpp"
#include "stats_fixture.hpp"
#include "tests/support/deadline.hpp"
#include "tests/support/temp_dir.hpp"

namespace ferry::stats::test {
namespace {

using namespace std::chrono_literals;
using ferry::test::Deadline;

conf::BindConf unix_socket(const std::string& path, conf::Level level) {
  conf::BindConf b;
  conf::Address a;
  a.kind = conf::AddressKind::Unix;
  a.family = AF_UNIX;
  a.path = path;
  b.addrs.push_back(a);
  b.level = level;
  return b;
}

struct Server {
  Runtime rt;
  ferry::test::TempDir dir;
  AdminSockets admin{rt.engine, rt.process};
  std::string admin_path = dir.file("admin.sock");
  std::string user_path = dir.file("user.sock");

  Server() {
    conf::GlobalConf g;
    g.stats_sockets.push_back(unix_socket(admin_path, conf::Level::Admin));
    g.stats_sockets.push_back(unix_socket(user_path, conf::Level::User));
    g.stats_sockets.back().perms.mode = 0600;
    REQUIRE(admin.listen(g).empty());
  }
  // One loop iteration; the longest one is kept: no client may hold the loop long.
  // The longest loop iteration, in CPU time of this thread: what one client's input cost the
  // loop, whatever else the machine runs (wall time counted preemption on a loaded machine).
  void pump() {
    const double start = thread_cpu_ms();
    ev_run(rt.loop.raw(), EVRUN_NOWAIT);
    longest_pump_ms = std::max(longest_pump_ms, thread_cpu_ms() - start);
  }
  double longest_pump_ms = 0;

 private:
  static double thread_cpu_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
};

core::SockAddr unix_addr(const std::string& path) {
  conf::Address a;
  a.kind = conf::AddressKind::Unix;
  a.family = AF_UNIX;
  a.path = path;
  return core::SockAddr::from(a);
}

// `show stat` CSV with the lastchg and downtime columns emptied: they count seconds, which may
// tick between two replies on a slow build.
std::string without_clock_columns(const std::string& csv) {
  constexpr size_t kLastchg = 23, kDowntime = 24;  // the 24th and 25th columns
  std::string out;
  size_t field = 0;
  for (const char ch : csv) {
    if (ch == '\n') field = 0;
    if (ch == ',') ++field;
    if ((field != kLastchg && field != kDowntime) || ch == ',') out += ch;
  }
  return out;
}

class Client {
 public:
  Client(Server& server, const core::SockAddr& addr) : server_(server) {
    fd_ = ::socket(addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    const int rc = ::connect(fd_, addr.get(), addr.len);
    REQUIRE((rc == 0 || errno == EINPROGRESS));
  }
  Client(Server& server, const std::string& path) : Client(server, unix_addr(path)) {}
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }

  void send(const std::string& data) {
    size_t off = 0;
    Deadline d(2000ms);
    while (off < data.size() && !d.expired()) {
      const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n > 0)
        off += static_cast<size_t>(n);
      else
        step();
    }
    REQUIRE(off == data.size());
  }
  void half_close() { ::shutdown(fd_, SHUT_WR); }
  // Sends what the server takes until it closes; reads (and counts) what comes back meanwhile.
  size_t send_reading(const std::string& data, std::chrono::milliseconds timeout = 5000ms) {
    size_t off = 0;
    Deadline d(timeout);
    while (off < data.size() && !closed_ && !d.expired()) {
      const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n > 0) off += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) break;
      read_some();
    }
    return off;
  }
  // Reads until the server closes, keeping only a count of `needle` (for replies too large to
  // keep).
  size_t count_until_closed(const std::string& needle, std::chrono::milliseconds timeout) {
    Deadline d(timeout);
    size_t count = 0;
    while (!d.expired()) {
      read_some();
      for (size_t p = 0; (p = got_.find(needle, p)) != std::string::npos; p += needle.size())
        ++count;
      const size_t keep = std::min(got_.size(), needle.size() - 1);
      got_.erase(0, got_.size() - keep);
      if (closed_) break;
    }
    return count;
  }

  // Everything until the server closes (or the deadline).
  std::string read_all(std::chrono::milliseconds timeout = 3000ms) {
    Deadline d(timeout);
    while (!closed_ && !d.expired())
      read_some();
    return take();
  }
  // Until the data received ends with `suffix`.
  std::string read_until(const std::string& suffix, std::chrono::milliseconds timeout = 3000ms) {
    Deadline d(timeout);
    while (!closed_ && !d.expired() && !ends_with(suffix))
      read_some();
    return take();
  }
  // Whatever arrives within `time`.
  std::string read_for(std::chrono::milliseconds time) {
    Deadline d(time);
    while (!closed_ && !d.expired())
      read_some();
    return take();
  }
  bool closed() const { return closed_; }

 private:
  void step() {
    server_.pump();
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, 1);
    server_.pump();
  }
  void read_some() {
    step();
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) got_.append(buf, static_cast<size_t>(n));
      if (n == 0) closed_ = true;
      if (n <= 0) return;
    }
  }
  bool ends_with(const std::string& s) const {
    return got_.size() >= s.size() && got_.compare(got_.size() - s.size(), s.size(), s) == 0;
  }
  std::string take() { return std::exchange(got_, {}); }

  Server& server_;
  int fd_ = -1;
  std::string got_;
  bool closed_ = false;
};

TEST_CASE("admin socket: a socat one-liner (command, then half-close) gets its reply") {
  Server srv;
  Client c(srv, srv.admin_path);
  c.send("disable server be_app/s1\n");
  c.half_close();
  CHECK(c.read_all() == "\n");
  CHECK(c.closed());
  CHECK(srv.rt.control.calls == std::vector<std::string>{"s1 maint on"});
}

TEST_CASE("admin socket: non-interactive closes once its buffered input is done") {
  Server srv;
  Client c(srv, srv.admin_path);
  c.send("show cli level;get weight be_app/s1\nshow cli level\n");
  CHECK(c.read_all() == "admin\n\n1 (initial 1)\n\nadmin\n\n");
  CHECK(c.closed());
}

TEST_CASE("admin socket: a line without LF never runs") {
  Server srv;
  Client c(srv, srv.admin_path);
  c.send("show info");
  c.half_close();
  CHECK(c.read_all() == "");
  CHECK(c.closed());
}

TEST_CASE("admin socket: an empty command prints the usage") {
  Server srv;
  Client c(srv, srv.admin_path);
  c.send("get weight be_app/s1;\n");
  const std::string out = c.read_all();
  CHECK(out.rfind("1 (initial 1)\n\nUnknown command. Please enter one of the following", 0) == 0);
  CHECK(out.substr(out.size() - 14) == ": disconnect\n\n");
}

TEST_CASE("admin socket: empty commands are answered one usage each, as HAProxy 2.6 does") {
  // HAProxy 2.6.12 side by side: `;;;` + LF is four empty commands, four usage texts, each
  // followed by the blank line (or, in prompt mode, by the prompt).
  Server srv;
  const auto usages = [&](const std::string& in, const std::string& end) {
    Client c(srv, srv.admin_path);
    c.send(in);
    c.half_close();
    const std::string out = c.read_all();
    size_t n = 0;
    for (size_t p = 0; (p = out.find(": disconnect\n" + end, p)) != std::string::npos; ++p)
      ++n;
    return n;
  };
  CHECK(usages(";;;\n", "\n") == 4);
  CHECK(usages("\n\n", "\n") == 2);
  CHECK(usages(";", "\n") == 1);
  CHECK(usages(" \r\n", "\n") == 1);
  CHECK(usages("prompt\n;;;\n", "\n> ") == 4);
  CHECK(usages("prompt\n\nprompt\n\n", "\n> ") == 1);
}

TEST_CASE("admin socket: a command line over 16100 bytes is refused with a message") {
  Server srv;
  {
    Client c(srv, srv.admin_path);
    c.send("get weight be_app/s1 " + std::string(16100 - 21, 'x') + "\n");
    CHECK(c.read_all() == "1 (initial 1)\n\n");  // the longest HAProxy answers is answered
  }
  for (const std::string tail : {"\n", ""}) {
    Client c(srv, srv.admin_path);
    c.send_reading(std::string(16101, 'x') + tail);
    CHECK(c.read_all() == std::string(kLineTooLong) + "\n");
    CHECK(c.closed());
  }
}

TEST_CASE("admin socket: a megabyte of one word costs the loop no more than a short slice") {
  // Found on f6d6290: the suggestions for one 1 MiB word took 7 s of the loop.
  Server srv;
  Client c(srv, srv.user_path);
  c.send_reading(std::string(1 << 20, 'x') + "\n");
  CHECK(c.read_all() == std::string(kLineTooLong) + "\n");
  Client words(srv, srv.user_path);
  std::string line;
  for (int i = 0; i < 64; ++i)
    line += std::string(250, static_cast<char>('a' + i % 26)) + " ";
  words.send(line + "\n");
  const std::string out = words.read_all();
  CHECK(out.rfind("Unknown command, but maybe", 0) == 0);
  CHECK(srv.longest_pump_ms < 50);
}

TEST_CASE("admin socket: pipelined empty commands are answered at the client's pace") {
  // Found on f6d6290: 200,000 ';' in one write held the loop (an erase of the whole buffer per
  // command). Every one is still answered, as HAProxy does, a slice at a time.
  Server srv;
  Client c(srv, srv.user_path);
  const size_t n = 20000;
  REQUIRE(c.send_reading(std::string(n, ';') + "\n") == n + 1);
  c.half_close();
  CHECK(c.count_until_closed("Unknown command.", 20000ms) == n + 1);
  CHECK(c.closed());
  CHECK(srv.longest_pump_ms < 50);
}

TEST_CASE("admin socket: prompt mode stays open, quit closes without output") {
  Server srv;
  Client c(srv, srv.admin_path);
  c.send("prompt\n");
  CHECK(c.read_until("> ") == "\n> ");
  c.send("set timeout cli 60\n");
  CHECK(c.read_until("> ") == "\n> ");
  c.send("show cli level\n");
  CHECK(c.read_until("> ") == "admin\n\n> ");
  CHECK_FALSE(c.closed());
  c.send("quit\n");
  CHECK(c.read_all() == "");
  CHECK(c.closed());
}

TEST_CASE("admin socket: prompt toggles, as HAProxy's examples show") {
  Server srv;
  {
    Client c(srv, srv.admin_path);
    c.send("prompt;get weight be_app/s1\n");
    CHECK(c.read_until("\n\n> ") == "\n> 1 (initial 1)\n\n> ");
  }
  {
    Client c(srv, srv.admin_path);
    c.send("get weight be_app/s1;prompt\n");
    CHECK(c.read_until("\n> ") == "1 (initial 1)\n\n\n> ");
    CHECK(c.read_for(50ms) == "");
    CHECK_FALSE(c.closed());
  }
  {
    Client c(srv, srv.admin_path);
    c.send("prompt;prompt\n");
    CHECK(c.read_all() == "\n> \n");
    CHECK(c.closed());
  }
}

TEST_CASE("admin socket: quit in the middle of a list drops the rest") {
  Server srv;
  Client c(srv, srv.admin_path);
  c.send("show cli level;quit;show cli level\n");
  CHECK(c.read_all() == "admin\n\n");
}

TEST_CASE("admin socket: the socket's level applies, checked before the names") {
  Server srv;
  Client c(srv, srv.user_path);
  c.send("disable server nosuch/x;show cli level;show stat 3 2 -1\n");
  const std::string out = c.read_all();
  CHECK(out.rfind("Permission denied\n\nuser\n\n# pxname,", 0) == 0);
  CHECK(out.find(",roundrobin,") == std::string::npos);  // algo hidden at level user
  struct stat st {};
  REQUIRE(::stat(srv.user_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("admin socket: output of any size is delivered whole") {
  Server srv;
  core::Backend& be = srv.rt.backend();
  for (int i = 4; i <= 5000; ++i)
    srv.rt.add_server(be, "srv" + std::to_string(i), i);
  const std::string expected =
      without_clock_columns(render_stat(srv.rt.engine, StatRequest{}) + "\n");
  REQUIRE(expected.size() > 1000000);
  Client c(srv, srv.admin_path);
  c.send("show stat\nshow stat\n");
  const std::string got = without_clock_columns(c.read_all(10000ms));
  CHECK(got.size() == 2 * expected.size());
  CHECK(got == expected + expected);
}

TEST_CASE("admin socket: wait polls without blocking other clients") {
  Server srv;
  core::Server& s1 = srv.rt.server(0);
  s1.served = 1;
  Client waiter(srv, srv.admin_path);
  waiter.send("disable server be_app/s1;wait 5s srv-removable be_app/s1\n");
  waiter.half_close();
  CHECK(waiter.read_for(60ms) == "\n");
  Client other(srv, srv.admin_path);
  other.send("show cli level\n");
  CHECK(other.read_all() == "admin\n\n");
  s1.served = 0;
  CHECK(waiter.read_all() == "Done.\n\n");
  CHECK(waiter.closed());
}

TEST_CASE("admin socket: wait reports the deadline, then runs what follows") {
  Server srv;
  core::Server& s2 = srv.rt.server(1);
  srv.rt.control.set_maint(s2, true);
  s2.served = 2;
  Client c(srv, srv.admin_path);
  const auto start = ferry::test::Clock::now();
  c.send("wait 80ms srv-removable be_app/s2;show cli level\n");
  CHECK(c.read_all() == "Wait delay expired.\n\nadmin\n\n");
  CHECK(ferry::test::elapsed_ms(start) >= 75);
  Client d(srv, srv.admin_path);
  d.send("wait 30;wait 1s srv-removable be_app/s1;wait 1s srv-removable x/y\n");
  CHECK(d.read_all() == "Done.\n\nFailed.\n\nFailed.\n\n");
}

TEST_CASE("admin socket: stats timeout closes an idle connection") {
  Server srv;
  srv.admin.set_timeout(100ms);
  Client c(srv, srv.admin_path);
  const auto start = ferry::test::Clock::now();
  CHECK(c.read_all(2000ms) == "");
  CHECK(c.closed());
  CHECK(ferry::test::elapsed_ms(start) >= 90);
}

TEST_CASE("admin socket: the timeout counts from an incomplete line's first byte") {
  // Found on f6d6290: every byte restarted the timer, so a line trickled a byte at a time held
  // its connection for ever.
  Server srv;
  srv.admin.set_timeout(200ms);
  Client c(srv, srv.user_path);
  const auto start = ferry::test::Clock::now();
  while (!c.closed() && ferry::test::elapsed_ms(start) < 1500) {
    c.send_reading("x");
    c.read_for(20ms);
  }
  CHECK(c.closed());
  CHECK(ferry::test::elapsed_ms(start) < 600);
}

// A server whose user socket takes `maxconn` connections.
struct SmallServer {
  Runtime rt;
  ferry::test::TempDir dir;
  AdminSockets admin{rt.engine, rt.process};
  std::string path = dir.file("user.sock");
  explicit SmallServer(int maxconn) {
    conf::GlobalConf g;
    g.stats_sockets.push_back(unix_socket(path, conf::Level::User));
    g.stats_sockets.back().maxconn = maxconn;
    REQUIRE(admin.listen(g).empty());
  }
};

TEST_CASE("admin socket: a full socket drops its oldest idle partial line for a new client") {
  // Found on f6d6290: clients trickling incomplete lines held every slot; a real admin's
  // command was never read.
  Server srv;  // for its pump
  SmallServer small(3);
  const auto pump = [&] {
    srv.pump();
    ev_run(small.rt.loop.raw(), EVRUN_NOWAIT);
  };
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<Client>(srv, small.path));
    idle.back()->send("show");
  }
  REQUIRE(ferry::test::poll_until(
      [&] {
        pump();
        return small.admin.connection_count() == 3;
      },
      2000ms));
  const auto start = ferry::test::Clock::now();
  while (ferry::test::elapsed_ms(start) < AdminSockets::kDropGrace.count() + 20)
    pump();
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const core::SockAddr addr = unix_addr(small.path);
  REQUIRE(::connect(fd, addr.get(), addr.len) == 0);
  REQUIRE(::send(fd, "show cli level\n", 15, MSG_NOSIGNAL) == 15);
  std::string got;
  ferry::test::poll_until(
      [&] {
        pump();
        char buf[64];
        const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n > 0) got.append(buf, static_cast<size_t>(n));
        return n == 0;
      },
      2000ms);
  ::close(fd);
  CHECK(got == "user\n\n");
  CHECK(small.admin.connection_count() == 2);  // the oldest went, the new one is done
}

TEST_CASE("admin socket: one source holds at most 20 connections") {
  Server srv;
  std::vector<std::unique_ptr<Client>> busy;
  for (size_t i = 0; i < AdminSockets::kMaxPerSource; ++i) {
    busy.push_back(std::make_unique<Client>(srv, i % 2 ? srv.user_path : srv.admin_path));
    busy.back()->send("prompt\n");
    CHECK(busy.back()->read_until("> ") == "\n> ");  // in session, nothing incomplete
  }
  Client refused(srv, srv.user_path);
  CHECK(refused.read_all().find("Too many connections from this client") == 0);
  CHECK(refused.closed());
  busy.pop_back();
  REQUIRE(ferry::test::poll_until(
      [&] {
        srv.pump();
        return srv.admin.connection_count() < AdminSockets::kMaxPerSource;
      },
      2000ms));
  Client next(srv, srv.user_path);
  next.send("show cli level\n");
  CHECK(next.read_all() == "user\n\n");
}

TEST_CASE("admin socket: TCP stats sockets behave as the UNIX ones") {
  Server srv;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0);
  REQUIRE(::listen(fd, 8) == 0);
  socklen_t len = sizeof(sin);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  srv.admin.serve(core::Fd(fd), "ipv4@127.0.0.1:" + std::to_string(ntohs(sin.sin_port)),
                  conf::Level::Operator);
  core::SockAddr addr;
  std::memcpy(&addr.storage, &sin, sizeof(sin));
  addr.len = sizeof(sin);
  Client c(srv, addr);
  c.send("show cli level\n");
  c.half_close();
  CHECK(c.read_all() == "operator\n\n");
  CHECK(srv.admin.listener_count() == 3);
}

TEST_CASE("admin socket: listen reports what cannot be bound, and serves the rest") {
  Runtime rt;
  ferry::test::TempDir dir;
  AdminSockets admin(rt.engine, rt.process);
  conf::GlobalConf g;
  g.stats_sockets.push_back(unix_socket(dir.file("ok.sock"), conf::Level::Admin));
  g.stats_sockets.push_back(unix_socket(dir.file("missing/dir.sock"), conf::Level::Admin));
  const auto errors = admin.listen(g);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("stats socket") != std::string::npos);
  CHECK(admin.listener_count() == 1);
}

}  // namespace
}  // namespace ferry::stats::test
