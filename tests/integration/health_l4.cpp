// Layer-4 health checks against real sockets (issue 3): a UNIX socket file that vanishes and
// comes back, TCP connect checks, and passive `observe layer4`. State is read from ferry's log
// sentences (reference 3.9) and from which server answers the clients.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// One client connection through ferry: the name of the NameServer that greeted it, or "".
std::string served_by(uint16_t port) {
  ClientConn c = ClientConn::tcp(port);
  if (!c.ok()) return "";
  std::string line = c.read_line(Deadline(2s));
  return line.empty() ? "" : line.substr(0, line.size() - 1);
}

// Clients one after another on a thread of their own, counting who served them and failures.
class ClientLoad {
 public:
  explicit ClientLoad(uint16_t port) : thread_([this, port] { run(port); }) {}
  ~ClientLoad() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  size_t served_by(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = served_.find(name);
    return it == served_.end() ? 0 : it->second;
  }
  size_t failures() const { return failures_; }
  size_t total() const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& [name, count] : served_)
      n += count;
    return n;
  }

 private:
  void run(uint16_t port) {
    while (!stop_) {
      const std::string name = ::served_by(port);
      if (name.empty()) {
        ++failures_;
      } else {
        std::lock_guard lock(mutex_);
        ++served_[name];
      }
      std::this_thread::sleep_for(1ms);  // pacing, so the load does not starve ferry's checks
    }
  }
  std::atomic<bool> stop_{false};
  std::atomic<size_t> failures_{0};
  mutable std::mutex mutex_;
  std::map<std::string, size_t> served_;
  std::thread thread_;
};

// Milliseconds until `needle` appears `n` times in ferry's stderr; -1 if not within `timeout`.
double ms_until_logged(const FerryProcess& ferry, const std::string& needle, size_t n,
                       Millis timeout) {
  const auto start = Clock::now();
  if (!poll_until([&] { return count_lines_with(ferry.stderr_text(), needle) >= n; }, timeout))
    return -1;
  return elapsed_ms(start);
}

const char* const kDefaults = R"(global
    maxconn 200
defaults
    mode tcp
    retries 3
    option redispatch
    timeout connect 1s
    timeout client 5s
    timeout server 5s
)";

}  // namespace

TEST_CASE("a deleted socket file takes the server DOWN on HAProxy's schedule, no client fails") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  NameServer s3(UnixAddress::path(dir.file("s3.sock")), "s3");
  const std::string cfg = fill_template(std::string(kDefaults) + R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
    default-server check inter 100ms fastinter 50ms rise 2 fall 3
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock
    server s3 unix@{DIR}/s3.sock
)",
                                        {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(s2.wait_accepted(2));  // two passed checks: s2 is fully UP

  ClientLoad load(port);
  REQUIRE(poll_until([&] { return load.served_by("s2") > 0; }, 5s));

  // From fully UP: the first failure within `inter`, then fall-1 more, `fastinter` apart.
  ::unlink(dir.file("s2.sock").c_str());
  const double down_ms = ms_until_logged(ferry, "Server be/s2 is DOWN", 1, 3s);
  CHECK(down_ms >= 100 - 5);          // (fall-1) * fastinter
  CHECK(down_ms <= 100 + 100 + 150);  // inter + (fall-1) * fastinter + slack
  // (How many sessions are still active on s2 depends on the client load's timing.)
  CHECK(first_line_with(ferry.stderr_text(), "is DOWN")
            .find("Server be/s2 is DOWN, reason: Socket error, info: \"General socket error (No "
                  "such file or directory)\", check duration: 0ms. 2 active and 0 backup servers "
                  "left. ") != std::string::npos);
  const size_t s2_before_up = load.served_by("s2");

  // From DOWN: the first success within `inter` (no downinter), then rise-1 more.
  s2.stop();
  s2.start();
  const double up_ms = ms_until_logged(ferry, "Server be/s2 is UP", 1, 3s);
  CHECK(up_ms >= 50 - 5);          // (rise-1) * fastinter
  CHECK(up_ms <= 100 + 50 + 150);  // inter + (rise-1) * fastinter + slack
  CHECK(first_line_with(ferry.stderr_text(), "is UP")
            .ends_with("Server be/s2 is UP, reason: Layer4 check passed, check duration: 0ms. 3 "
                       "active and 0 backup servers online. 0 sessions requeued, 0 total in "
                       "queue."));
  CHECK(poll_until([&] { return load.served_by("s2") > s2_before_up; }, 5s));

  load.stop();
  CHECK(load.failures() == 0);
  CHECK(load.served_by("s1") > 0);
  CHECK(load.served_by("s3") > 0);
  CHECK(ferry.stderr_text().find("no server available") == std::string::npos);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("TCP connect checks: L4OK while the port listens, L4CON once it refuses") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  const uint16_t backend_port = free_tcp_port();
  // A listener nobody accepts on: the kernel completes the handshakes, which is all L4 needs.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(backend_port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0);
  REQUIRE(::listen(listener, 64) == 0);
  const std::string cfg =
      fill_template(std::string(kDefaults) + R"(frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server t1 127.0.0.1:{BPORT} check inter 100ms fastinter 50ms rise 2 fall 2
)",
                    {{"PORT", std::to_string(port)}, {"BPORT", std::to_string(backend_port)}});
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  CHECK(ms_until_logged(ferry, "Server be/t1 is DOWN", 1, 500ms) < 0);  // the checks pass
  ::close(listener);
  CHECK(ms_until_logged(ferry, "Server be/t1 is DOWN", 1, 3s) >= 0);
  CHECK(first_line_with(ferry.stderr_text(), "is DOWN")
            .find("is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
                  "check duration: ") != std::string::npos);
  CHECK(ferry.wait_output("backend 'be' has no server available!"));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("observe layer4: error-limit failed connects take the server down (on-error mark-down)") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  NameServer s1(UnixAddress::path(dir.file("s1.sock")), "s1");
  NameServer s2(UnixAddress::path(dir.file("s2.sock")), "s2");
  // `inter 10s`: after the first check (at start-up) only traffic can judge s1 in this test.
  const std::string cfg = fill_template(R"(defaults
    mode tcp
    retries 1
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance first
    server s1 unix@{DIR}/s1.sock check inter 10s observe layer4 error-limit 3 on-error mark-down
    server s2 unix@{DIR}/s2.sock
)",
                                        {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(s1.wait_accepted(1));  // the start-up check passed
  CHECK(served_by(port) == "s1");

  ::unlink(dir.file("s1.sock").c_str());
  CHECK(served_by(port).empty());  // 2 failed attempts (retries 1): below error-limit 3
  CHECK(ferry.stderr_text().find("is DOWN") == std::string::npos);
  CHECK(served_by(port).empty());  // the 3rd consecutive failure marks s1 down
  REQUIRE(ferry.wait_output("Server be/s1 is DOWN", 2s));
  CHECK(first_line_with(ferry.stderr_text(), "is DOWN")
            .find("Server be/s1 is DOWN, reason: Health analyze, info: \"Detected 3") !=
        std::string::npos);
  CHECK(first_line_with(ferry.stderr_text(), "is DOWN")
            .find(" consecutive errors, last one was: L4 unsuccessful connection\". 1 active and "
                  "0 backup servers left. ") != std::string::npos);
  CHECK(served_by(port) == "s2");
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
