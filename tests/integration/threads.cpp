// `nbthread N` (global): one event loop per thread, TCP binds with one SO_REUSEPORT socket per
// thread, UNIX binds with one fd polled by every thread, and everything shared (server state,
// counters, the backend queue, the balancers, global maxconn) kept exact across threads. The
// admin socket and the health checks run on thread 1; what they change must reach every thread.
// `show activity` (HAProxy 2.6's format: `accepted: 40 [ 22 18 ]`, the total then one figure per
// thread) tells on which threads the work landed.
#include <dirent.h>
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// The global and defaults sections every test starts from; the caller appends its frontends and
// backends ({DIR} and {PORT} are filled in by make_config).
const char* const kBase = R"(global
    nbthread {NBTHREAD}
    maxconn {MAXCONN}
    stats socket {DIR}/admin.sock mode 600 level admin
    stats timeout 10s
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout queue 10s
)";

// A TCP frontend in front of two servers s1 and s2 on UNIX sockets, round robin, no check.
const char* const kTwoServers = R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock
)";

std::string make_config(const TempDir& dir, uint16_t port, int nbthread, const std::string& rest,
                        int maxconn = 1000) {
  return fill_template(std::string(kBase) + rest, {{"NBTHREAD", std::to_string(nbthread)},
                                                   {"MAXCONN", std::to_string(maxconn)},
                                                   {"DIR", dir.path()},
                                                   {"PORT", std::to_string(port)}});
}

AdminTarget admin_of(const TempDir& dir) {
  return AdminTarget::unix_socket(dir.file("admin.sock"));
}

// Waits until ferry listens on the TCP port and on its admin socket.
bool ready(FerryProcess& ferry, const TempDir& dir, uint16_t port) {
  return ferry.wait_listening_tcp(port) &&
         ferry.wait_listening_unix(UnixAddress::path(dir.file("admin.sock")));
}

// One field of `show info` ("Name: value" lines); "" when absent.
std::string info_field(const AdminTarget& admin, const std::string& name) {
  std::istringstream in(admin_query(admin, "show info"));
  const std::string prefix = name + ": ";
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  return "";
}

// One line of `show activity`: `name: TOTAL [ T1 T2 ... ]` (no brackets with one figure).
struct ActivityLine {
  uint64_t total = 0;
  std::vector<uint64_t> per_thread;
  uint64_t sum() const {
    uint64_t s = 0;
    for (uint64_t v : per_thread)
      s += v;
    return s;
  }
  bool all_positive() const {
    return !per_thread.empty() &&
           std::all_of(per_thread.begin(), per_thread.end(), [](uint64_t v) { return v > 0; });
  }
};

std::optional<ActivityLine> parse_activity(const std::string& reply, const std::string& name) {
  std::istringstream in(reply);
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && key.back() == ' ')
      key.pop_back();
    if (key != name) continue;
    std::istringstream values(line.substr(colon + 1));
    ActivityLine out;
    if (!(values >> out.total)) return std::nullopt;
    std::string word;
    if (!(values >> word)) return out;  // a single figure: one thread
    if (word != "[") return std::nullopt;
    while (values >> word && word != "]") {
      try {
        out.per_thread.push_back(std::stoull(word));
      } catch (...) {
        return std::nullopt;
      }
    }
    if (word != "]") return std::nullopt;
    return out;
  }
  return std::nullopt;
}

// For the tests whose point is elsewhere (stopping, admin commands) but that mean to have
// sessions on every thread: checks it when `show activity` answers, says so when it does not.
void check_every_thread_accepted(const AdminTarget& admin, size_t nbthread) {
  const std::string reply = admin_query(admin, "show activity");
  const auto accepted = parse_activity(reply, "accepted");
  if (!accepted) {
    MESSAGE("show activity unreadable, cannot tell which threads accepted: " << reply);
    return;
  }
  CHECK(accepted->per_thread.size() == nbthread);
  CHECK_MESSAGE(accepted->all_positive(), reply);
}

// True once `show activity` says every one of `nbthread` threads has accepted a connection, and
// also when it cannot be read (then there is nothing to wait for). For a test that must have
// sessions on every thread with few clients: it adds clients until this holds (bounded), rather
// than hoping the kernel's SO_REUSEPORT hash spread a handful of them.
bool spread_or_unknown(const AdminTarget& admin, size_t nbthread) {
  const auto accepted = parse_activity(admin_query(admin, "show activity"), "accepted");
  return !accepted || (accepted->per_thread.size() == nbthread && accepted->all_positive());
}

std::optional<StatTable> stat_table(const AdminTarget& admin) {
  std::string error;
  return StatTable::parse(admin_query(admin, "show stat"), error);
}

// A numeric `show stat` cell; -1 when unreadable.
int64_t stat_num(const AdminTarget& admin, const std::string& px, const std::string& sv,
                 const std::string& column) {
  const std::string cell = stat_cell(admin, px, sv, column);
  if (cell.empty()) return -1;
  try {
    return std::stoll(cell);
  } catch (...) {
    return -1;
  }
}

int64_t info_num(const AdminTarget& admin, const std::string& name);

// CumConns counts every accepted connection, the admin ones too (as HAProxy's), and the
// frontend's conn_tot the sessions: with nothing in flight, CumConns read just before
// `show activity` is that command's accepted total (summed per thread) less its own connection.
bool conn_counts_exact(const AdminTarget& admin, int64_t sessions) {
  const int64_t cum = info_num(admin, "CumConns");
  const auto accepted = parse_activity(admin_query(admin, "show activity"), "accepted");
  CHECK(stat_num(admin, "fe", "FRONTEND", "conn_tot") == sessions);
  return accepted && static_cast<int64_t>(accepted->total) == cum + 1 && cum > sessions;
}

int64_t info_num(const AdminTarget& admin, const std::string& name) {
  const std::string v = info_field(admin, name);
  if (v.empty()) return -1;
  try {
    return std::stoll(v);
  } catch (...) {
    return -1;
  }
}

// The name a NameServer greeted `c` with ("" if none came in time).
std::string greeting(ClientConn& c, Millis timeout = 3s) {
  std::string line = c.read_line(Deadline(timeout));
  if (!line.empty()) line.pop_back();
  return line;
}

// One short connection through ferry to a NameServer backend: who served it ("" on failure).
std::string served_by(uint16_t port) {
  ClientConn c = ClientConn::tcp(port);
  if (!c.ok()) return "";
  return greeting(c);
}

// A short echo round trip on a new connection (TCP port, or UNIX path when `path` is set).
bool echo_once(uint16_t port, const std::string& path = "") {
  ClientConn c = path.empty() ? ClientConn::tcp(port) : ClientConn::unix_socket(path);
  std::string echo;
  return c.ok() && c.send_all("ping") && c.read_exactly(4, echo, Deadline(3s)) && echo == "ping" &&
         c.close_gracefully(Deadline(3s));
}

// The index (into `clients`) of one of `pending` that has something to read, or -1 when none
// does before the deadline.
int first_readable(std::vector<ClientConn>& clients, const std::vector<size_t>& pending,
                   const Deadline& deadline) {
  std::vector<pollfd> fds;
  for (size_t i : pending)
    fds.push_back({clients[i].fd(), POLLIN, 0});
  while (!deadline.expired()) {
    const int n = ::poll(fds.data(), fds.size(), deadline.poll_timeout());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    for (size_t k = 0; k < fds.size(); ++k)
      if (fds[k].revents != 0) return static_cast<int>(pending[k]);
  }
  return -1;
}

const char* const kEchoTcp = R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)";

}  // namespace

TEST_CASE("show info reports Nbthread 2 and 4 and the setting is no longer ignored") {
  for (const int n : {2, 4}) {
    CAPTURE(n);
    TempDir dir;
    const uint16_t port = free_tcp_port();
    EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
    FerryProcess ferry(dir, make_config(dir, port, n, kEchoTcp));
    REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
    CHECK(info_field(admin_of(dir), "Nbthread") == std::to_string(n));
    CHECK_MESSAGE(ferry.stderr_text().find("ignored") == std::string::npos, ferry.stderr_text());
    for (int i = 0; i < 2 * n; ++i)
      CHECK(echo_once(port));
    CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
  }
}

TEST_CASE("show activity - TCP accepts land on both threads and the figures add up") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, make_config(dir, port, 2, kEchoTcp));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);

  constexpr int kConns = 200;
  int served = 0;
  for (int i = 0; i < kConns; ++i)
    served += echo_once(port) ? 1 : 0;
  CHECK(served == kConns);

  // Whether the admin connections count in `accepted` is left open: at most one per query.
  int queries = 0;
  std::string reply;
  std::optional<ActivityLine> accepted;
  const bool settled = poll_until(
      [&] {
        ++queries;
        reply = admin_query(admin, "show activity");
        accepted = parse_activity(reply, "accepted");
        return accepted && accepted->total >= static_cast<uint64_t>(kConns) &&
               accepted->sum() == accepted->total;
      },
      3s, 20ms);
  INFO(reply);
  CHECK(settled);
  REQUIRE(accepted);
  CHECK(accepted->per_thread.size() == 2);
  CHECK(accepted->sum() == accepted->total);
  CHECK(accepted->total >= static_cast<uint64_t>(kConns));
  // Admin connections count as accepts (as HAProxy's CLI): the polls above, the readiness
  // probe and the CumConns/stot queries before them.
  CHECK(accepted->total <= static_cast<uint64_t>(kConns + queries + 10));
  CHECK(accepted->all_positive());  // SO_REUSEPORT hashes the source ports over both sockets

  const auto loops = parse_activity(reply, "loops");
  REQUIRE(loops);
  CHECK(loops->per_thread.size() == 2);
  CHECK(loops->sum() == loops->total);
  CHECK(loops->all_positive());
  CHECK(reply.find("thread_id: 1 (1..2)") != std::string::npos);
  CHECK(conn_counts_exact(admin, kConns));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

// nbthread 2 with a TCP bind and a UNIX bind (one socket both threads poll) before one echo
// server, started and listening.
struct SharedUnixBind {
  SharedUnixBind() {
    REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
    REQUIRE(ferry.wait_listening_unix(UnixAddress::path(fe_path)));
  }
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const std::string fe_path = dir.file("fe.sock");
  EchoServer echo{UnixAddress::path(dir.file("echo.sock"))};
  FerryProcess ferry{dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/fe.sock
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)")};
  const AdminTarget admin = admin_of(dir);
};

TEST_CASE("show activity - a UNIX frontend shared by both threads serves every connection") {
  SharedUnixBind f;
  auto& [dir, port, fe_path, echo, ferry, admin] = f;

  constexpr int kConns = 200;
  int served = 0;
  for (int i = 0; i < kConns; ++i)
    served += echo_once(0, fe_path) ? 1 : 0;
  CHECK(served == kConns);
  CHECK(poll_until([&] { return stat_num(admin, "fe", "FRONTEND", "stot") == kConns; }, 3s, 10ms));
  CHECK(conn_counts_exact(admin, kConns));

  int queries = 0;
  std::string reply;
  std::optional<ActivityLine> accepted;
  poll_until(
      [&] {
        ++queries;
        reply = admin_query(admin, "show activity");
        accepted = parse_activity(reply, "accepted");
        return accepted && accepted->total >= static_cast<uint64_t>(kConns) &&
               accepted->sum() == accepted->total;
      },
      3s, 20ms);
  INFO(reply);
  REQUIRE(accepted);
  CHECK(accepted->per_thread.size() == 2);
  CHECK(accepted->sum() == accepted->total);
  CHECK(accepted->total >= static_cast<uint64_t>(kConns));
  // Admin connections count as accepts (as HAProxy's CLI): the polls above, the readiness
  // probe and the CumConns/stot queries before them.
  CHECK(accepted->total <= static_cast<uint64_t>(kConns + queries + 10));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("counters stay exact across threads - stot bin bout CumConns CurrConns") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer e1(UnixAddress::path(dir.file("e1.sock")));
  EchoServer e2(UnixAddress::path(dir.file("e2.sock")));
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
    server s1 unix@{DIR}/e1.sock
    server s2 unix@{DIR}/e2.sock
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);

  // Four client threads at once, so that both ferry threads update the counters together.
  constexpr int kWorkers = 4;
  constexpr int kPerWorker = 15;
  constexpr int kConns = kWorkers * kPerWorker;
  auto payload_size = [](int i) { return static_cast<size_t>(1000 + 311 * i); };
  uint64_t expected_bytes = 0;
  for (int i = 0; i < kConns; ++i)
    expected_bytes += payload_size(i);

  std::atomic<int> ok{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int j = 0; j < kPerWorker; ++j) {
        const int i = w * kPerWorker + j;
        std::string payload(payload_size(i), static_cast<char>('a' + i % 26));
        ClientConn c = ClientConn::tcp(port);
        if (!c.ok() || !c.send_all(payload)) continue;
        c.shutdown_write();
        const Received r = c.read_until_eof(Deadline(5s));
        if (r.closed && r.data == payload) ++ok;
      }
    });
  for (auto& t : workers)
    t.join();
  CHECK(ok == kConns);

  CHECK(poll_until([&] { return info_num(admin, "CurrConns") == 0; }, 3s, 10ms));
  const auto expect = static_cast<int64_t>(expected_bytes);
  // Byte counters may be folded in when the session ends: poll until they settle, then check.
  poll_until([&] { return stat_num(admin, "be", "BACKEND", "bout") == expect; }, 3s, 10ms);
  const auto table = stat_table(admin);
  REQUIRE(table);
  auto num = [&](const char* px, const char* sv, const char* col) -> int64_t {
    const auto cell = table->get(px, sv, col);
    return cell ? std::stoll(*cell) : -1;
  };
  CHECK(num("fe", "FRONTEND", "stot") == kConns);
  CHECK(num("be", "BACKEND", "stot") == kConns);
  CHECK(num("be", "s1", "stot") + num("be", "s2", "stot") == kConns);
  CHECK(num("be", "s1", "stot") == kConns / 2);  // roundrobin, equal weights
  CHECK(num("fe", "FRONTEND", "bin") == expect);
  CHECK(num("fe", "FRONTEND", "bout") == expect);
  CHECK(num("be", "BACKEND", "bin") == expect);
  CHECK(num("be", "BACKEND", "bout") == expect);
  CHECK(num("be", "s1", "bin") + num("be", "s2", "bin") == expect);
  CHECK(num("be", "s1", "bout") + num("be", "s2", "bout") == expect);
  CHECK(num("fe", "FRONTEND", "scur") == 0);
  CHECK(num("be", "BACKEND", "scur") == 0);
  CHECK(conn_counts_exact(admin, kConns));
  CHECK(info_num(admin, "CurrConns") == 0);
  CHECK(e1.accepted() + e2.accepted() == static_cast<size_t>(kConns));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("roundrobin across threads - 300 connections over 3 servers give exactly 100 each") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer a(UnixAddress::path(dir.file("a.sock")), "a");
  NameServer b(UnixAddress::path(dir.file("b.sock")), "b");
  NameServer c(UnixAddress::path(dir.file("c.sock")), "c");
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
    server a unix@{DIR}/a.sock
    server b unix@{DIR}/b.sock
    server c unix@{DIR}/c.sock
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);

  std::vector<std::string> order;
  std::map<std::string, int> count;
  for (int i = 0; i < 300; ++i) {
    order.push_back(served_by(port));
    ++count[order.back()];
  }
  CHECK(count["a"] == 100);
  CHECK(count["b"] == 100);
  CHECK(count["c"] == 100);
  CHECK(count[""] == 0);
  // Equal weights: a strict cycle, whichever thread accepted each connection.
  int out_of_cycle = 0;
  for (size_t i = 3; i < order.size(); ++i)
    out_of_cycle += order[i] != order[i - 3] ? 1 : 0;
  CHECK(out_of_cycle == 0);
  CHECK(std::set<std::string>(order.begin(), order.begin() + 3).size() == 3);
  for (const char* sv : {"a", "b", "c"})
    CHECK(stat_num(admin, "be", sv, "stot") == 100);
  check_every_thread_accepted(admin, 2);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("global maxconn 4 with 2 threads - never more than 4 sessions and all 10 served") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  // The backlog (by default the frontend's maxconn, 4) must hold the clients left waiting.
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT} backlog 64
    default_backend be
backend be
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock
)",
                                      4));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);

  constexpr size_t kClients = 10;
  std::vector<ClientConn> clients;
  for (size_t i = 0; i < kClients; ++i) {
    clients.push_back(ClientConn::tcp(port));  // the kernel's backlog completes every handshake
    REQUIRE(clients.back().ok());
  }

  int64_t most = 0;
  auto sample = [&] {
    const int64_t cur = info_num(admin, "CurrConns");
    most = std::max(most, cur);
    return cur;
  };
  CHECK(poll_until([&] { return sample() == 4; }, 3s, 5ms));
  // A bounded window of samples: the limit holds while both threads have clients waiting.
  poll_until([&] { return sample() > 4; }, 300ms, 5ms);
  CHECK(most == 4);
  CHECK(poll_until([&] { return s1.active() + s2.active() == 4; }, 2s, 5ms));

  // Serve everyone: whoever was greeted leaves, which lets the next waiting client in, on
  // whichever thread's socket the kernel queued it.
  std::vector<size_t> pending;
  for (size_t i = 0; i < kClients; ++i)
    pending.push_back(i);
  size_t served = 0;
  const Deadline deadline(10s);
  while (!pending.empty() && !deadline.expired()) {
    const int idx = first_readable(clients, pending, Deadline(3s));
    if (idx < 0) break;
    const std::string name = greeting(clients[idx], 1s);
    CHECK((name == "s1" || name == "s2"));
    if (name.empty()) break;
    ++served;
    clients[idx].close();
    pending.erase(std::find(pending.begin(), pending.end(), static_cast<size_t>(idx)));
    sample();
  }
  CHECK(served == kClients);
  CHECK(most <= 4);
  CHECK(poll_until([&] { return info_num(admin, "CurrConns") == 0; }, 3s, 10ms));
  CHECK(conn_counts_exact(admin, static_cast<int64_t>(kClients)));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("server maxconn 1 queues across threads and a close on either thread serves the next") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/s1.sock maxconn 1
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);

  std::vector<ClientConn> clients;
  clients.push_back(ClientConn::tcp(port));
  REQUIRE(greeting(clients[0]) == "s1");
  // One at a time, each queued before the next comes, so that the queue order is known; at least
  // 5 of them, more (at most 24) until both threads have accepted some.
  for (size_t i = 1; i <= 5 || (i <= 24 && !spread_or_unknown(admin, 2)); ++i) {
    clients.push_back(ClientConn::tcp(port));
    REQUIRE(clients.back().ok());
    REQUIRE(poll_until([&] { return stat_num(admin, "be", "BACKEND", "qcur") == int64_t(i); }, 3s,
                       5ms));
  }
  const size_t total = clients.size();
  CHECK(stat_num(admin, "be", "BACKEND", "qcur") == int64_t(total - 1));
  CHECK(stat_num(admin, "be", "s1", "scur") == 1);
  CHECK(s1.active() == 1);
  check_every_thread_accepted(admin, 2);

  // Release the served one; the oldest waiting client is served next.
  std::vector<size_t> pending;
  for (size_t i = 1; i < total; ++i)
    pending.push_back(i);
  std::vector<size_t> order;
  clients[0].close();
  while (!pending.empty()) {
    const int idx = first_readable(clients, pending, Deadline(3s));
    if (idx < 0) break;
    CHECK(greeting(clients[idx], 1s) == "s1");
    order.push_back(static_cast<size_t>(idx));
    pending.erase(std::find(pending.begin(), pending.end(), static_cast<size_t>(idx)));
    const auto left = static_cast<int64_t>(pending.size());
    CHECK(poll_until([&] { return stat_num(admin, "be", "BACKEND", "qcur") == left; }, 2s, 5ms));
    CHECK(stat_num(admin, "be", "s1", "scur") == 1);
    clients[idx].close();
  }
  CHECK(pending.empty());
  std::vector<size_t> fifo;
  for (size_t i = 1; i < total; ++i)
    fifo.push_back(i);
  CHECK(order == fifo);
  CHECK(poll_until([&] { return stat_num(admin, "be", "s1", "scur") == 0; }, 3s, 5ms));
  CHECK(stat_num(admin, "be", "BACKEND", "qcur") == 0);
  CHECK(stat_num(admin, "be", "s1", "stot") == int64_t(total));
  CHECK(s1.accepted() == total);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("leastconn across threads - held connections split evenly over 2 servers") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  HoldServer h1(UnixAddress::path(dir.file("h1.sock")));
  HoldServer h2(UnixAddress::path(dir.file("h2.sock")));
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance leastconn
    server s1 unix@{DIR}/h1.sock
    server s2 unix@{DIR}/h2.sock
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);

  // 10 at once, then pairs more (at most 30 in all) until both threads have accepted some.
  std::vector<ClientConn> clients;
  auto open = [&](size_t n) {
    for (size_t i = 0; i < n; ++i) {
      clients.push_back(ClientConn::tcp(port));
      REQUIRE(clients.back().ok());
    }
    REQUIRE(poll_until([&] { return h1.active() + h2.active() == clients.size(); }, 3s, 5ms));
  };
  open(10);
  while (clients.size() < 30 && !spread_or_unknown(admin, 2))
    open(2);
  const size_t half = clients.size() / 2;
  CHECK(h1.active() == half);
  CHECK(h2.active() == half);
  CHECK(stat_num(admin, "be", "s1", "scur") == int64_t(half));
  CHECK(stat_num(admin, "be", "s2", "scur") == int64_t(half));
  check_every_thread_accepted(admin, 2);
  clients.clear();
  CHECK(poll_until([&] { return info_num(admin, "CurrConns") == 0; }, 3s, 10ms));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("disable server on the admin thread keeps every thread off that server") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  FerryProcess ferry(dir, make_config(dir, port, 2, kTwoServers));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);

  REQUIRE(admin_query(admin, "disable server be/s1") == "\n");
  CHECK(server_status(admin, "be", "s1") == "MAINT");
  const size_t s1_before = s1.accepted();
  std::map<std::string, int> count;
  for (int i = 0; i < 100; ++i)
    ++count[served_by(port)];
  CHECK(count["s2"] == 100);
  CHECK(s1.accepted() == s1_before);
  check_every_thread_accepted(admin, 2);

  REQUIRE(admin_query(admin, "enable server be/s1") == "\n");
  count.clear();
  for (int i = 0; i < 10; ++i)
    ++count[served_by(port)];
  CHECK(count["s1"] >= 3);  // back in rotation on every thread
  CHECK(count["s1"] + count["s2"] == 10);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("shutdown sessions server ends the server's sessions on every thread") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  FerryProcess ferry(dir, make_config(dir, port, 2, kTwoServers));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);
  // Everything to s1 while the sessions are opened, then s2 back for the control connection.
  REQUIRE(admin_query(admin, "disable server be/s2") == "\n");

  constexpr int kHeld = 20;
  std::vector<ClientConn> clients;
  for (int i = 0; i < kHeld; ++i) {
    clients.push_back(ClientConn::tcp(port));
    REQUIRE(greeting(clients.back()) == "s1");
  }
  REQUIRE(admin_query(admin, "enable server be/s2") == "\n");
  ClientConn on_s2;
  for (int i = 0; i < 4 && !on_s2.ok(); ++i) {
    ClientConn c = ClientConn::tcp(port);
    if (greeting(c) == "s2") on_s2 = std::move(c);
  }
  REQUIRE(on_s2.ok());
  // The tries that landed on s1 are closed: only the held sessions stay.
  CHECK(poll_until([&] { return stat_num(admin, "be", "s1", "scur") == kHeld; }, 3s, 5ms));
  check_every_thread_accepted(admin, 2);

  REQUIRE(admin_query(admin, "shutdown sessions server be/s1") == "\n");
  int ended = 0;
  for (auto& c : clients) {
    const Received r = c.read_until_eof(Deadline(3s));
    ended += r.closed && r.data.empty() ? 1 : 0;
  }
  CHECK(ended == kHeld);
  CHECK(poll_until([&] { return stat_num(admin, "be", "s1", "scur") == 0; }, 3s, 5ms));
  CHECK(s1.wait_active(0, 3s));
  CHECK(on_s2.stays_silent(50ms));  // only s1's sessions
  CHECK(stat_num(admin, "be", "s2", "scur") == 1);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("health checks with 2 threads - a vanished server goes DOWN and traffic moves") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/s1.sock check inter 100ms fall 2 rise 2
    server s2 unix@{DIR}/s2.sock check inter 100ms fall 2 rise 2
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);
  REQUIRE(wait_server_status(admin, "be", "s1", "UP", 3s));
  REQUIRE(wait_server_status(admin, "be", "s2", "UP", 3s));

  s1.stop();  // the socket file goes
  CHECK(wait_server_status(admin, "be", "s1", "DOWN", 3s));
  std::map<std::string, int> count;
  for (int i = 0; i < 40; ++i)
    ++count[served_by(port)];
  CHECK(count["s2"] == 40);

  s1.start();
  CHECK(wait_server_status(admin, "be", "s1", "UP", 3s));
  count.clear();
  for (int i = 0; i < 10; ++i)
    ++count[served_by(port)];
  CHECK(count["s1"] >= 3);
  CHECK(count["s1"] + count["s2"] == 10);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("SIGUSR1 with sessions on both threads - listeners close, sessions finish, exit 0") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const auto fe_sock = UnixAddress::path(dir.file("fe.sock"));
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/fe.sock
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  REQUIRE(ferry.wait_listening_unix(fe_sock));
  const AdminTarget admin = admin_of(dir);

  std::vector<ClientConn> open;
  for (int i = 0; i < 20; ++i) {
    open.push_back(i < 16 ? ClientConn::tcp(port) : ClientConn::unix_socket(fe_sock));
    std::string echo_back;
    REQUIRE(open.back().send_all("one\n"));
    REQUIRE(open.back().read_exactly(4, echo_back, Deadline(3s)));
  }
  check_every_thread_accepted(admin, 2);

  ferry.signal(SIGUSR1);
  REQUIRE(poll_until(
      [&] { return !ferry.is_listening_tcp(port) && ::access(fe_sock.name.c_str(), F_OK) != 0; },
      3s));
  ClientConn late = ClientConn::tcp(port);
  CHECK_FALSE(late.ok());
  CHECK(late.error() == ECONNREFUSED);

  int flowing = 0;
  for (auto& c : open) {
    std::string echo_back;
    flowing +=
        c.send_all("two\n") && c.read_exactly(4, echo_back, Deadline(3s)) && echo_back == "two\n"
            ? 1
            : 0;
  }
  CHECK(flowing == 20);
  for (size_t i = 0; i + 1 < open.size(); ++i)
    CHECK(open[i].close_gracefully(Deadline(3s)));
  CHECK_FALSE(ferry.wait_exit(100ms).has_value());  // one session left
  CHECK(open.back().close_gracefully(Deadline(3s)));
  CHECK_MESSAGE(ferry.exit_text(3s) == "exit code 0", ferry.output());
}

TEST_CASE("SIGTERM with sessions on both threads exits at once and closes them") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  HoldServer hold(UnixAddress::path(dir.file("hold.sock")));
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/hold.sock
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());

  std::vector<ClientConn> open;
  for (int i = 0; i < 16; ++i) {
    open.push_back(ClientConn::tcp(port));
    REQUIRE(open.back().send_all("x"));
  }
  REQUIRE(hold.wait_active(16, 3s));
  check_every_thread_accepted(admin_of(dir), 2);

  const auto start = Clock::now();
  ferry.signal(SIGTERM);
  CHECK_MESSAGE(ferry.exit_text(2s) == "exit code 0", ferry.output());
  CHECK(elapsed_ms(start) < 2000);
  int closed = 0;
  for (auto& c : open)
    closed += c.read_until_eof(Deadline(2s)).closed ? 1 : 0;
  CHECK(closed == 16);
  CHECK(hold.wait_active(0, 2s));
}

TEST_CASE("nbthread 4 - more threads than cores - serves traffic and stops with status 0") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, make_config(dir, port, 4, kEchoTcp));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  int served = 0;
  for (int i = 0; i < 40; ++i)
    served += echo_once(port) ? 1 : 0;
  CHECK(served == 40);
  CHECK(poll_until([&] { return info_num(admin_of(dir), "CurrConns") == 0; }, 3s, 10ms));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("nbthread 0 and 65 are config errors naming file and line") {
  for (const char* value : {"0", "65"}) {
    CAPTURE(value);
    TempDir dir;
    const std::string cfg =
        dir.write_file("bad.cfg", std::string("global\n    nbthread ") + value + "\n" + R"(defaults
    mode tcp
frontend fe
    bind 127.0.0.1:1
    default_backend be
backend be
    server s1 unix@/nonexistent.sock
)");
    const RunResult r = run_ferry({"-c", "-f", cfg});
    INFO(r.output());
    CHECK(to_string(r.status) == "exit code 1");
    CHECK(r.err.find(cfg + ":2") != std::string::npos);
    CHECK(r.err.find("nbthread") != std::string::npos);
  }
  // The bounds themselves are valid.
  for (const char* value : {"1", "64"}) {
    CAPTURE(value);
    TempDir dir;
    const std::string cfg =
        dir.write_file("ok.cfg", std::string("global\n    nbthread ") + value + "\n" + R"(defaults
    mode tcp
frontend fe
    bind 127.0.0.1:1
    default_backend be
backend be
    server s1 unix@/nonexistent.sock
)");
    const RunResult r = run_ferry({"-c", "-f", cfg});
    INFO(r.output());
    CHECK(to_string(r.status) == "exit code 0");
  }
}

namespace {

// How many fds the process has open (/proc/<pid>/fd); -1 when unreadable.
int open_fds(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(d))
    n += e->d_name[0] != '.' ? 1 : 0;
  ::closedir(d);
  return n;
}

}  // namespace

// Review finding: with one thread the main worker's ev_async is unref'd, so a hand-off sent to the
// own thread does not keep the loop alive. During a soft stop, when the last relaying session
// closes and frees the slot a queued session gets (its hand-off pending, no queue/connect timer,
// no admin socket or health check to keep the loop running), the loop ends before the hand-off
// runs and the queued client is reset. Before nbthread the dequeued session connected at once.
TEST_CASE("nbthread 1 soft stop - a session dequeued by the last close is still served") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  // No stats socket, no check, no `timeout connect`/`timeout queue`: nothing but the sessions
  // keeps the main loop running.
  FerryProcess ferry(dir, fill_template(R"(global
    nbthread 1
defaults
    mode tcp
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/s1.sock maxconn 1
)",
                                        {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  ClientConn first = ClientConn::tcp(port);
  REQUIRE(greeting(first) == "s1");
  const int fds_with_one = open_fds(ferry.pid());
  REQUIRE(fds_with_one > 0);
  ClientConn second = ClientConn::tcp(port);
  REQUIRE(second.ok());
  // Accepted (and queued: s1 has maxconn 1) once ferry holds one more fd.
  REQUIRE(poll_until([&] { return open_fds(ferry.pid()) == fds_with_one + 1; }, 3s));

  ferry.signal(SIGUSR1);
  REQUIRE_MESSAGE(ferry.wait_output("exiting once 2 open session(s) finish"), ferry.output());
  first.close();
  CHECK_MESSAGE(greeting(second) == "s1", ferry.output());
  second.close();
  CHECK_MESSAGE(ferry.exit_text(3s) == "exit code 0", ferry.output());
}

// Review finding: Session::dequeued() runs on the thread that frees the slot (here the admin
// thread, `enable server`) but take_server() stamps the server's last_session and sess_rate with
// the *session's* worker loop clock (ev_now of another thread's loop). That clock is only updated
// when that loop wakes: a worker idle since it queued the session is seconds behind, so the
// server that just received sessions reports `lastsess` of several seconds (and a data race on
// libev's ev_rt_now, invisible to TSan as libev is not instrumented).
TEST_CASE("lastsess of a server given queued sessions by the admin thread is 0 not the queue age") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/s1.sock maxconn 1
    server s2 unix@{DIR}/s2.sock disabled
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  const AdminTarget admin = admin_of(dir);
  auto thread2_accepted = [&]() -> int64_t {
    const auto a = parse_activity(admin_query(admin, "show activity"), "accepted");
    return a && a->per_thread.size() == 2 ? static_cast<int64_t>(a->per_thread[1]) : -1;
  };

  std::vector<ClientConn> clients;
  clients.push_back(ClientConn::tcp(port));
  REQUIRE(greeting(clients[0]) == "s1");
  // Queue clients until the latest one was accepted by thread 2 (the kernel's SO_REUSEPORT hash
  // decides): that one is dequeued last, so its worker's clock stamps s2.
  bool last_on_thread2 = false;
  for (size_t i = 1; i <= 30 && !last_on_thread2; ++i) {
    const int64_t before = thread2_accepted();
    REQUIRE(before >= 0);
    clients.push_back(ClientConn::tcp(port));
    REQUIRE(clients.back().ok());
    REQUIRE(poll_until([&] { return stat_num(admin, "be", "BACKEND", "qcur") == int64_t(i); }, 3s,
                       5ms));
    last_on_thread2 = thread2_accepted() > before;
  }
  REQUIRE(last_on_thread2);
  // Let the queue age (thread 2 sleeps: its only timers are the 10 s queue and 30 s idle ones).
  REQUIRE(poll_until([&] { return stat_num(admin, "be", "BACKEND", "lastsess") >= 2; }, 5s, 50ms));

  REQUIRE(admin_query(admin, "enable server be/s2") == "\n");
  CHECK(poll_until([&] { return stat_num(admin, "be", "BACKEND", "qcur") == 0; }, 3s, 5ms));
  // Counted on the server when each one connects, on its own thread, just after it left the queue.
  CHECK(poll_until(
      [&] { return stat_num(admin, "be", "s2", "stot") == int64_t(clients.size() - 1); }, 3s, 5ms));
  CHECK(stat_num(admin, "be", "s2", "lastsess") == 0);
  clients.clear();
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

// Review finding: soft stop closes the listening sockets on the main thread as soon as every
// worker ran stop_accepting(). But ev_io_stop() does not take an fd out of the kernel's epoll set
// (libev drops it lazily, with EPOLL_CTL_DEL when an unwanted event shows up), so a connection
// arriving meanwhile wakes a worker thread that calls epoll_ctl() on the fd number the main thread
// is closing (or has closed, and may have been reused). ThreadSanitizer reports it as a race on
// the fd (and, halting, exits 66); without TSan the worst outcome is libev rebuilding its epoll set
// after an ENOENT. Clients keep connecting to both binds (the UNIX one is polled by both threads)
// while SIGUSR1 is handled; a clean exit (status 0, no sanitizer report) is expected.
TEST_CASE("SIGUSR1 while clients keep connecting - no race between close and the workers' epoll") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const std::string fe_path = dir.file("fe.sock");
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, make_config(dir, port, 2, R"(frontend fe
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/fe.sock
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)"));
  REQUIRE_MESSAGE(ready(ferry, dir, port), ferry.output());
  REQUIRE(ferry.wait_listening_unix(UnixAddress::path(fe_path)));

  // One session held open, so that ferry outlives the listeners' close by a little.
  ClientConn held = ClientConn::tcp(port);
  std::string echo_back;
  REQUIRE(held.send_all("one\n"));
  REQUIRE(held.read_exactly(4, echo_back, Deadline(3s)));

  // Hammer both binds until neither accepts any more (bounded).
  std::atomic<bool> go{true};
  std::atomic<int> attempts{0};
  auto hammer = [&](bool unix_side) {
    const Deadline deadline(10s);
    while (go && !deadline.expired()) {
      ClientConn c =
          unix_side ? ClientConn::unix_socket(fe_path, 200ms) : ClientConn::tcp(port, 200ms);
      ++attempts;
      if (!c.ok()) continue;
    }
  };
  std::thread t1(hammer, false), t2(hammer, true), t3(hammer, false), t4(hammer, true);
  REQUIRE(poll_until([&] { return attempts > 200; }, 5s));
  ferry.signal(SIGUSR1);
  const bool closed = poll_until(
      [&] { return !ferry.is_listening_tcp(port) && ::access(fe_path.c_str(), F_OK) != 0; }, 5s);
  go = false;
  t1.join();
  t2.join();
  t3.join();
  t4.join();
  CHECK_MESSAGE(closed, ferry.output());
  held.close();
  CHECK_MESSAGE(ferry.exit_text(5s) == "exit code 0", ferry.output());
  CHECK_MESSAGE(ferry.output().find("ThreadSanitizer") == std::string::npos, ferry.output());
}

// Review finding: an acceptor counts a connection (actconn, feconn) *before* accept() so that
// workers cannot overshoot maxconn together; a worker woken for a connection another worker takes
// gives the slot back after EAGAIN. Meanwhile the reservation is counted as a live session: on a
// UNIX bind polled by both threads, the other thread's reservation in flight makes the frontend's
// `smax` (and CurrConns / scur, the log line's actconn/feconn) report 2 with one client at a time.
TEST_CASE("one client at a time on a UNIX bind shared by 2 threads - frontend smax stays 1") {
  SharedUnixBind f;
  auto& [dir, port, fe_path, echo, ferry, admin] = f;

  constexpr int kConns = 100;
  int served = 0;
  for (int i = 0; i < kConns; ++i) {
    served += echo_once(0, fe_path) ? 1 : 0;
    // The previous session is gone before the next client comes.
    REQUIRE(poll_until([&] { return stat_num(admin, "be", "BACKEND", "scur") == 0; }, 3s, 1ms));
  }
  CHECK(served == kConns);
  CHECK(stat_num(admin, "be", "BACKEND", "smax") == 1);
  CHECK(stat_num(admin, "fe", "FRONTEND", "smax") == 1);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
