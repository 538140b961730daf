// Limits: server maxconn with the backend queue and `timeout queue`, and global / frontend
// maxconn that leave extra clients waiting in the kernel backlog.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kQueueConfig = R"(global
    maxconn 100
    stats socket {DIR}/admin.sock level admin
    log stderr format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
{QUEUE}frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
{SERVERS})";

// ferry on kQueueConfig with `servers` (lines; `{DIR}` is the temp dir), listening. Without
// `queue_timeout`, the config has no `timeout queue` line.
std::unique_ptr<FerryProcess> queue_ferry(const TempDir& dir, uint16_t port,
                                          const std::string& queue_timeout,
                                          const std::string& servers) {
  const std::string cfg = fill_template(
      kQueueConfig,
      {{"PORT", std::to_string(port)},
       {"QUEUE", queue_timeout.empty() ? "" : "    timeout queue " + queue_timeout + "\n"},
       {"SERVERS", servers}});
  auto ferry = std::make_unique<FerryProcess>(dir, fill_template(cfg, {{"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry->wait_listening_tcp(port), ferry->output());
  return ferry;
}

// Two name servers with maxconn 1 behind ferry.
struct QueueFarm {
  TempDir dir;
  uint16_t port = free_tcp_port();
  NameServer s1{UnixAddress::path(dir.file("s1.sock")), "s1"};
  NameServer s2{UnixAddress::path(dir.file("s2.sock")), "s2"};
  std::unique_ptr<FerryProcess> ferry;

  AdminTarget admin() const { return AdminTarget::unix_socket(dir.file("admin.sock")); }
  // The `show stat` cells `stot/lbtot/connect/scur` of one row.
  std::string counts(std::string_view sv) const {
    std::string out;
    for (const char* col : {"stot", "lbtot", "connect", "scur"})
      out += (out.empty() ? "" : "/") + stat_cell(admin(), "be", sv, col);
    return out;
  }

  explicit QueueFarm(const std::string& queue_timeout)
      : ferry(queue_ferry(dir, port, queue_timeout,
                          "    server s1 unix@{DIR}/s1.sock maxconn 1\n"
                          "    server s2 unix@{DIR}/s2.sock maxconn 1\n")) {}
};

// The tcplog lines ferry wrote so far, in order.
std::vector<std::string> log_lines(FerryProcess& ferry) {
  std::vector<std::string> out;
  std::istringstream in(ferry.output());
  for (std::string line; std::getline(in, line);)
    if (line.find(" fe be/") != std::string::npos) out.push_back(line);
  return out;
}

// The last field of a tcplog line: srv_queue/backend_queue.
std::string queue_field(const std::string& line) {
  return line.substr(line.rfind(' ') + 1);
}

std::string name_of(ClientConn& c) {
  std::string line = c.read_line(Deadline(5s));
  if (!line.empty()) line.pop_back();
  return line;
}

// Both servers held by a client each, and a third client waiting in the backend queue.
struct Held {
  ClientConn first;  // holds first_name
  ClientConn second;
  ClientConn third;  // queued
  std::string first_name;
  std::string second_name;
};
Held fill(const QueueFarm& farm) {
  Held h;
  h.first = ClientConn::tcp(farm.port);
  h.first_name = name_of(h.first);
  h.second = ClientConn::tcp(farm.port);
  h.second_name = name_of(h.second);
  REQUIRE(h.second_name != h.first_name);
  h.third = ClientConn::tcp(farm.port);
  REQUIRE(h.third.ok());
  CHECK(h.third.stays_silent(100ms));  // queued: neither served nor closed
  REQUIRE(poll_until([&] { return stat_cell(farm.admin(), "be", "BACKEND", "qcur") == "1"; }, 5s));
  return h;
}

const char* const kMaxconnConfig = R"(global
    maxconn {GLOBAL_MAXCONN}
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
{FRONTEND_MAXCONN}    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)";

// With room for two sessions: a third client is neither accepted nor served until one leaves.
// `frontend_maxconn` is the frontend's maxconn line, or "".
void third_client_waits(const std::string& global_maxconn, const std::string& frontend_maxconn) {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, fill_template(kMaxconnConfig, {{"PORT", std::to_string(port)},
                                                         {"DIR", dir.path()},
                                                         {"GLOBAL_MAXCONN", global_maxconn},
                                                         {"FRONTEND_MAXCONN", frontend_maxconn}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  std::vector<ClientConn> clients;
  for (const char* line : {"a\n", "b\n"}) {
    clients.push_back(ClientConn::tcp(port));
    REQUIRE(clients.back().send_all(line));
    REQUIRE(clients.back().read_line() == line);
  }
  // The kernel completes the third handshake (backlog), but ferry does not take it.
  ClientConn third = ClientConn::tcp(port);
  REQUIRE(third.ok());
  REQUIRE(third.send_all("c\n"));
  CHECK(third.stays_silent(400ms));
  CHECK(echo.accepted() == 2);

  clients.front().close();
  CHECK(third.read_line(Deadline(3s)) == "c\n");
  CHECK(echo.accepted() == 3);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

}  // namespace

TEST_CASE("server maxconn queues extra clients and timeout queue closes them after 1s") {
  QueueFarm farm("1s");
  ClientConn first = ClientConn::tcp(farm.port);
  const std::string first_name = name_of(first);
  ClientConn second = ClientConn::tcp(farm.port);
  const std::string second_name = name_of(second);
  CHECK(std::set<std::string>{first_name, second_name} == std::set<std::string>{"s1", "s2"});

  const auto queued_at = Clock::now();
  ClientConn third = ClientConn::tcp(farm.port);
  ClientConn fourth = ClientConn::tcp(farm.port);
  REQUIRE(third.ok());
  REQUIRE(fourth.ok());
  const Received r3 = third.read_until_eof(Deadline(4s));
  const double t3 = elapsed_ms(queued_at);
  const Received r4 = fourth.read_until_eof(Deadline(4s));
  const double t4 = elapsed_ms(queued_at);
  CHECK(r3.closed);
  CHECK(r3.data.empty());
  CHECK(r4.closed);
  CHECK(r4.data.empty());
  CHECK(t3 >= 900);
  CHECK(t3 < 1600);
  CHECK(t4 >= 900);
  CHECK(t4 < 1600);
  // The queued clients never reached a server; the holders are still served.
  CHECK(farm.s1.accepted() == 1);
  CHECK(farm.s2.accepted() == 1);
  CHECK(first.stays_silent(10ms));
  CHECK(second.stays_silent(10ms));
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

// The default is applied once, by the config's validation; the runtime takes it from there.
TEST_CASE("without timeout queue a queued client is closed after timeout connect (2s)") {
  QueueFarm farm("");
  Held h = fill(farm);
  const auto queued_at = Clock::now();
  const Received r = h.third.read_until_eof(Deadline(5s));
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(elapsed_ms(queued_at) >= 1700);  // fill() spent up to ~300 ms of it already
  CHECK(elapsed_ms(queued_at) < 2600);
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

TEST_CASE("a queued client is served when a holder leaves") {
  QueueFarm farm("5s");
  Held h = fill(farm);
  const auto left_at = Clock::now();
  h.first.close();
  CHECK(name_of(h.third) == h.first_name);
  CHECK(elapsed_ms(left_at) < 1000);
  CHECK(farm.s1.accepted() + farm.s2.accepted() == 3);
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

TEST_CASE("global maxconn 2 keeps a third client waiting until one leaves") {
  third_client_waits("2", "");
}

TEST_CASE("frontend maxconn 2 keeps a third client waiting until one leaves") {
  third_client_waits("100", "    maxconn 2\n");
}

// Observed side by side with HAProxy 2.6 on the same config and sequence: a session given a
// server by the queue counts a session and a connection attempt there, but no balancer pick
// (lbtot), since the balancer did not choose it.
TEST_CASE("a queued client served by a freed slot counts a connect but no balancer pick") {
  QueueFarm farm("5s");
  Held h = fill(farm);
  h.first.close();
  CHECK(name_of(h.third) == h.first_name);
  REQUIRE(poll_until([&] { return farm.counts(h.first_name) == "2/1/2/1"; }, 5s));
  CHECK(farm.counts(h.second_name) == "1/1/1/1");
  CHECK(farm.counts("BACKEND") == "3/2/3/2");
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

// Both commands run in one loop iteration: the first kills the holder of s1, whose slot goes to
// the queued client at once; that client has not connected yet when the second runs. HAProxy
// attaches a dequeued session to its server only when it connects, so the second command does
// not kill it: it is served, and its connection attempt is counted once, when made.
TEST_CASE("shutdown sessions does not kill a client the queue just gave the server") {
  QueueFarm farm("5s");
  Held h = fill(farm);
  const std::string cmd = "shutdown sessions server be/" + h.first_name;
  const Received r = admin_exchange(farm.admin(), cmd + "; " + cmd + "\n");
  CHECK(r.data == "\n\n");
  CHECK(h.first.read_until_eof(Deadline(5s)).closed);
  CHECK(name_of(h.third) == h.first_name);
  REQUIRE(poll_until([&] { return farm.counts(h.first_name) == "2/1/2/1"; }, 5s));
  CHECK(farm.counts("BACKEND") == "3/2/3/2");
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

// The log's backend_queue, as HAProxy 2.6 prints it for the same sequence (observed): 0 for a
// session that never waited, else 1 + the sessions the queue served before it left.
TEST_CASE("tcplog shows each queued session's place: 0/1, 0/2, 0/3 in the order served") {
  QueueFarm farm("10s");
  Held h = fill(farm);  // first and second hold s1 and s2, third waits
  ClientConn fourth = ClientConn::tcp(farm.port);
  ClientConn fifth = ClientConn::tcp(farm.port);
  REQUIRE(poll_until([&] { return stat_cell(farm.admin(), "be", "BACKEND", "qcur") == "3"; }, 5s));

  // Each close is logged before the next, so the lines come in this order.
  auto closed = [&](ClientConn& c, size_t lines) {
    c.close();
    return poll_until([&] { return log_lines(*farm.ferry).size() == lines; }, 5s);
  };
  REQUIRE(closed(h.first, 1));
  CHECK(!name_of(h.third).empty());  // served first
  REQUIRE(closed(h.second, 2));
  CHECK(!name_of(fourth).empty());
  REQUIRE(closed(h.third, 3));
  CHECK(!name_of(fifth).empty());
  REQUIRE(closed(fourth, 4));
  REQUIRE(closed(fifth, 5));
  const std::vector<std::string> lines = log_lines(*farm.ferry);
  std::vector<std::string> queues;
  for (const std::string& line : lines)
    queues.push_back(queue_field(line));
  INFO(farm.ferry->output());
  CHECK(queues == std::vector<std::string>{"0/0", "0/0", "0/1", "0/2", "0/3"});
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

TEST_CASE("tcplog of a queue timeout shows the time waited as Tw and its place in the queue") {
  QueueFarm farm("300ms");
  Held h = fill(farm);
  CHECK(h.third.read_until_eof(Deadline(5s)).closed);
  REQUIRE(poll_until([&] { return log_lines(*farm.ferry).size() == 1; }, 5s));
  const std::string line = log_lines(*farm.ferry).front();
  INFO(line);
  CHECK(line.find(" fe be/<NOSRV> ") != std::string::npos);
  CHECK(line.find(" sQ ") != std::string::npos);
  CHECK(queue_field(line) == "0/1");
  // Tw/Tc/Tt: the wait (not -1), no connect, the whole life.
  const size_t at = line.find("<NOSRV> ") + 8;
  const std::string timers = line.substr(at, line.find(' ', at) - at);
  CHECK(std::stoi(timers) >= 290);
  CHECK(timers.find("/-1/") != std::string::npos);
  CHECK_MESSAGE(farm.ferry->stop_cleanly(), farm.ferry->output());
}

namespace {

// One echo server taking one session at a time, a client holding it, and ferry logging.
struct EchoQueue {
  TempDir dir;
  uint16_t port = free_tcp_port();
  EchoServer echo{UnixAddress::path(dir.file("echo.sock"))};
  std::unique_ptr<FerryProcess> ferry;
  ClientConn holder;

  explicit EchoQueue(const std::string& queue_timeout)
      : ferry(queue_ferry(dir, port, queue_timeout,
                          "    server s1 unix@{DIR}/echo.sock maxconn 1\n")) {
    holder = ClientConn::tcp(port);
    REQUIRE(holder.send_all("held\n"));
    REQUIRE(holder.read_line() == "held\n");
  }
  AdminTarget admin() const { return AdminTarget::unix_socket(dir.file("admin.sock")); }
  std::string cell(const std::string& sv, const std::string& column) const {
    return stat_cell(admin(), "be", sv, column);
  }
  // A client that sends `data` and waits in the queue.
  ClientConn queued(const std::string& data) {
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.send_all(data));
    REQUIRE(poll_until([&] { return cell("BACKEND", "qcur") == "1"; }, 5s));
    return c;
  }
};

}  // namespace

// HAProxy 2.6 reads a client while it waits for a server (observed side by side): what it sent
// counts in bin and goes out first once connected, a FIN it sent meanwhile follows the data, and
// a client that resets its connection is let go at once.
TEST_CASE("a client that sends and half-closes while queued is served its whole answer") {
  EchoQueue q("10s");
  ClientConn c = q.queued("asked while waiting\n");
  c.shutdown_write();
  CHECK(poll_until([&] { return q.cell("BACKEND", "bin") == std::to_string(5 + 20); }, 5s));
  CHECK(q.cell("s1", "bin") == "5");  // not the server's until it gets one
  q.holder.close();
  const Received r = c.read_until_eof(Deadline(5s));
  CHECK(r.closed);
  CHECK(r.data == "asked while waiting\n");  // the echo saw the data, then the FIN
  CHECK(poll_until([&] { return q.cell("s1", "bin") == std::to_string(5 + 20); }, 5s));
  CHECK_MESSAGE(q.ferry->stop_cleanly(), q.ferry->output());
}

TEST_CASE("a client that resets while queued is let go at once and counted as a client abort") {
  EchoQueue q("10s");
  ClientConn c = q.queued("x");
  const linger reset{1, 0};
  ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  c.close();
  CHECK(poll_until([&] { return q.cell("BACKEND", "qcur") == "0"; }, 2s));
  CHECK(q.cell("BACKEND", "cli_abrt") == "1");
  CHECK(q.cell("s1", "cli_abrt") == "0");
  REQUIRE(q.ferry->wait_output(" CD "));
  const std::string line = log_lines(*q.ferry).front();
  INFO(line);
  CHECK(line.find(" fe be/<NOSRV> ") != std::string::npos);
  CHECK(queue_field(line) == "0/1");
  CHECK_MESSAGE(q.ferry->stop_cleanly(), q.ferry->output());
}

TEST_CASE("a client that half-closes and then resets while queued is let go at once") {
  EchoQueue q("10s");
  ClientConn c = q.queued("x");
  c.shutdown_write();  // read by ferry: the session keeps its place and forwards the FIN later
  CHECK(c.stays_silent(200ms));
  const linger reset{1, 0};
  ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  c.close();  // nothing reads the socket any more: only its error reports the reset
  CHECK(poll_until([&] { return q.cell("BACKEND", "qcur") == "0"; }, 2s));
  CHECK(q.cell("BACKEND", "cli_abrt") == "1");
  CHECK(q.ferry->wait_output(" CD "));
  CHECK_MESSAGE(q.ferry->stop_cleanly(), q.ferry->output());
}

TEST_CASE("the bytes of a client whose queue wait times out count in bin") {
  EchoQueue q("300ms");
  ClientConn c = q.queued("lost\n");
  CHECK(c.read_until_eof(Deadline(5s)).closed);
  CHECK(q.ferry->wait_output(" sQ "));
  CHECK(q.cell("BACKEND", "bin") == std::to_string(5 + 5));
  CHECK(stat_cell(q.admin(), "fe", "FRONTEND", "bin") == std::to_string(5 + 5));
  CHECK(q.cell("s1", "bin") == "5");
  CHECK_MESSAGE(q.ferry->stop_cleanly(), q.ferry->output());
}

namespace {

// ferry on kMaxconnConfig with maxconn 1000 and `global_lines`, started by `sh` under `limits`
// (ulimit options) and stopped once it said "started" (or after 10 s, or when it exited by
// itself); its stderr.
ProgramResult ferry_under(const std::string& limits, const std::string& global_lines) {
  TempDir dir;
  const std::string cfg = dir.write_file(
      "ferry.cfg", fill_template(kMaxconnConfig, {{"PORT", std::to_string(free_tcp_port())},
                                                  {"DIR", dir.path()},
                                                  {"GLOBAL_MAXCONN", "1000\n" + global_lines},
                                                  {"FRONTEND_MAXCONN", ""}}));
  const std::string err = dir.file("err");
  return run_program(
      shell("ulimit " + limits + " || exit 9\n" + ferry_binary() + " -db -f " + cfg + " 2>" + err +
            " & p=$!\n"
            "i=0; while [ $i -lt 100 ] && kill -0 $p 2>/dev/null && ! grep -q started " +
            err +
            "; do sleep 0.1; i=$((i+1)); done\n"
            "kill $p 2>/dev/null; wait $p; s=$?; cat " +
            err + " >&2; exit $s"),
      20s);
}

}  // namespace

// As HAProxy 2.6 (strict-limits is on by default): a limit maxconn needs and the hard limit
// forbids stops the start with an alert.
TEST_CASE("maxconn needing more fds than the hard limit allows stops the start") {
  const ProgramResult r = ferry_under("-n 256", "");
  CHECK_MESSAGE(r.status.code == 1, r.describe());
  CHECK_MESSAGE(r.err.find("[ALERT]") != std::string::npos, r.describe());
  CHECK_MESSAGE(
      r.err.find("cannot raise the fd limit (RLIMIT_NOFILE) to 2700 for 'maxconn "
                 "1000': the hard limit is 256; raise the hard limit") != std::string::npos,
      r.describe());
  CHECK(r.err.find("started") == std::string::npos);
}

TEST_CASE("no strict-limits starts anyway and warns that the fd limit is too low for maxconn") {
  const ProgramResult r = ferry_under("-n 256", "    no strict-limits\n");
  CHECK_MESSAGE(r.err.find("started (pid") != std::string::npos, r.describe());
  CHECK(r.err.find("[WARNING]") != std::string::npos);
  CHECK(r.err.find("cannot raise the fd limit (RLIMIT_NOFILE) to 2700 for 'maxconn 1000': the "
                   "hard limit is 256\n") != std::string::npos);
  CHECK(r.err.find("the fd limit (256) is too low for maxconn 1000, which needs about 2700 fds: "
                   "accepts beyond about 90 connections will fail (EMFILE)") != std::string::npos);
}

// Where the hard limit allows, ferry raises the soft limit itself, as HAProxy does: no message.
// An explicit ulimit-n below what maxconn needs gets a warning (HAProxy 2.6 says nothing).
TEST_CASE("the soft fd limit is raised for maxconn and a low ulimit-n is warned about") {
  rlimit rl{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
  if (rl.rlim_max < 3000) return;  // this machine's hard limit is below what maxconn 1000 needs
  const ProgramResult raised = ferry_under("-S -n 256", "");
  CHECK_MESSAGE(raised.err.find("started (pid") != std::string::npos, raised.describe());
  CHECK(raised.err.find("fd limit") == std::string::npos);
  const ProgramResult low = ferry_under("-S -n 100", "    ulimit-n 300\n");
  CHECK_MESSAGE(low.err.find("started (pid") != std::string::npos, low.describe());
  CHECK(low.err.find("the fd limit (300) is too low for maxconn 1000") != std::string::npos);
}
