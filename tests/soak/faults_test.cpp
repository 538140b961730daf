// Checksummed traffic through ferry while its backends are killed and re-created, its servers
// disabled and enabled and their sessions shut down: no byte may be lost or changed, only the
// connections a fault cut may fail, and ferry's fds and memory come back to where they were.
#include <doctest/doctest.h>

#include <cstdio>
#include <memory>
#include <random>
#include <sstream>

#include "tests/soak/soak_env.hpp"
#include "tests/soak/verdict.hpp"
#include "tests/support/admin_client.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"

using namespace ferry::test;
using namespace ferry::test::soak;

namespace {

const char* const kConfig = R"(global
    maxconn 2000
    stats socket {DIR}/admin.sock level admin
defaults
    mode tcp
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    retries 3
    option redispatch
frontend fe
    bind 127.0.0.1:{PORT}
    bind unix@{DIR}/fe.sock
    default_backend be
backend be
    server s0 unix@{DIR}/s0.sock check inter 200ms
    server s1 unix@{DIR}/s1.sock check inter 200ms
    server s2 unix@{DIR}/s2.sock check inter 200ms
)";
constexpr size_t kServers = 3;

// Injects one fault at a time, each kind in turn, on a server picked at random, and keeps its
// window. A fault lasts until the clients have made `hold` more connections (so traffic meets
// it), the next one comes `gap` connections later; neither waits more than a second.
class Faults {
 public:
  Faults(std::vector<std::unique_ptr<ExchangeServer>>& servers, AdminTarget admin,
         const Traffic& traffic, uint64_t hold, uint64_t gap)
      : servers_(servers), admin_(std::move(admin)), traffic_(traffic), hold_(hold), gap_(gap) {}

  void inject_one() {
    const size_t i = rng_() % servers_.size();
    const std::string name = "be/s" + std::to_string(i);
    switch (windows_.size() % 3) {
      case 0:
        return window(
            "backend " + name + " killed", i, true, [&] { servers_[i]->stop(); },
            [&] { servers_[i]->start(); });
      case 1:
        return window(
            "server " + name + " disabled", i, false,
            [&] { CHECK(query("disable server " + name).empty()); },
            [&] { CHECK(query("enable server " + name).empty()); });
      default:
        return window(
            "sessions of " + name + " shut down", i, true,
            [&] { CHECK(query("shutdown sessions server " + name).empty()); }, [] {});
    }
  }
  void pause() { connections_meanwhile(gap_); }
  const std::vector<FaultWindow>& windows() const { return windows_; }

 private:
  template <typename Begin, typename End>
  void window(std::string what, size_t server, bool cuts, Begin begin, End end) {
    FaultWindow w{std::move(what), server, cuts, Clock::now(), {}};
    begin();
    if (cuts) w.end = Clock::now();  // a cut happens at once; what follows is recovery
    connections_meanwhile(hold_);
    end();
    if (!cuts) w.end = Clock::now();
    windows_.push_back(std::move(w));
  }
  void connections_meanwhile(uint64_t n) {
    const uint64_t from = traffic_.connections();
    poll_until([&] { return traffic_.connections() >= from + n; }, 1s);
  }
  std::string query(const std::string& command) {
    std::string reply = admin_query(admin_, command);
    while (!reply.empty() && reply.back() == '\n')
      reply.pop_back();
    return reply;
  }

  std::vector<std::unique_ptr<ExchangeServer>>& servers_;
  AdminTarget admin_;
  const Traffic& traffic_;
  uint64_t hold_;
  uint64_t gap_;
  std::mt19937 rng_{42};
  std::vector<FaultWindow> windows_;
};

std::vector<ServerRecord> all_records(const std::vector<std::unique_ptr<ExchangeServer>>& servers) {
  std::vector<ServerRecord> out;
  for (const auto& s : servers) {
    const auto r = s->records();
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

// The first columns of `show stat`, down to the current sessions of each proxy and server.
std::string session_counts(const AdminTarget& admin) {
  std::string out, line;
  std::istringstream stat(admin_query(admin, "show stat"));
  while (std::getline(stat, line)) {
    size_t end = 0;
    for (int comma = 0; comma < 5 && end != std::string::npos; ++comma)
      end = line.find(',', end + 1);
    out += line.substr(0, end) + "\n";
  }
  return out;
}

void report(const Verdict& v, const std::vector<FaultWindow>& faults, Millis took,
            const Usage& before, const Usage& warm, const Usage& after) {
  size_t kills = 0, disables = 0;
  for (const FaultWindow& f : faults) {
    kills += f.what.starts_with("backend");
    disables += !f.cuts;
  }
  std::printf(
      "soak faults: %.1f s, %llu connections, %.2f GiB moved, %zu faults injected (%zu backends "
      "killed, %zu servers disabled, %zu session shutdowns), %llu connections failed (%llu "
      "unexplained), %llu corrupted, %llu bytes lost\n"
      "soak faults: ferry before %s, warm %s, after %s\n",
      took.count() / 1000.0, static_cast<unsigned long long>(v.connections),
      v.bytes_moved / 1073741824.0, faults.size(), kills, disables,
      faults.size() - kills - disables, static_cast<unsigned long long>(v.failed),
      static_cast<unsigned long long>(v.unexplained), static_cast<unsigned long long>(v.corrupted),
      static_cast<unsigned long long>(v.bytes_lost), to_string(before).c_str(),
      to_string(warm).c_str(), to_string(after).c_str());
  for (const std::string& p : v.problems)
    std::printf("soak faults: %s\n", p.c_str());
}

}  // namespace

TEST_CASE("checksummed traffic through backends killed - servers disabled and sessions shut") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  std::vector<std::unique_ptr<ExchangeServer>> servers;
  for (size_t i = 0; i < kServers; ++i)
    servers.push_back(std::make_unique<ExchangeServer>(
        UnixAddress::path(dir.file("s" + std::to_string(i) + ".sock")), i));
  FerryProcess ferry(dir,
                     fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  REQUIRE(ferry.wait_listening_unix(UnixAddress::path(dir.file("fe.sock"))));
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  const Usage before = usage_of(ferry.pid());

  const Millis duration = soak_duration();
  const auto start = Clock::now();
  Traffic traffic({.port = port,
                   .unix_path = dir.file("fe.sock"),
                   .threads = 8,
                   .large = ferry_sanitized() ? 8u << 20 : 64u << 20});
  Faults faults(servers, admin, traffic, 50, 300);
  Usage warm;
  while (Clock::now() - start < duration) {
    faults.pause();
    faults.inject_one();
    if (warm.fds < 0 && Clock::now() - start >= duration / 4) warm = usage_of(ferry.pid());
  }
  traffic.stop();
  const Millis took = std::chrono::duration_cast<Millis>(Clock::now() - start);
  const Settled after = wait_settled(ferry.pid(), before.fds, dir.file("admin.sock"), 5s);
  CHECK_MESSAGE(after.ok, "ferry holds " << after.usage.fds << " fds, not " << after.expected_fds
                                         << "; sessions open now:\n"
                                         << session_counts(admin));
  for (auto& s : servers)
    s->stop();  // every record is in
  const Verdict v = judge(traffic.records(), all_records(servers), faults.windows(), 500ms);
  report(v, faults.windows(), took, before, warm, after.usage);

  CHECK(v.connections > 0);
  CHECK(v.bytes_lost == 0);
  CHECK(v.corrupted == 0);
  CHECK(v.unexplained == 0);
  if (!ferry_sanitized()) {
    // The buffer pool keeps up to 256 buffers of 32 KiB once traffic has used them; beyond
    // that, memory must not grow with time.
    CHECK(after.usage.rss_kib - before.rss_kib < 24 * 1024);
    CHECK(after.usage.rss_kib - warm.rss_kib < 4 * 1024);
  }
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
