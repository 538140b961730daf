// The soak verdict on made-up records: what it must count as lost, changed or unexplained, so
// the soak tests' checks can fail.
#include <doctest/doctest.h>

#include "tests/soak/verdict.hpp"

using namespace ferry::test;
using namespace ferry::test::soak;

namespace {

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

// A connection of `up`/`down` bytes from kT0 + `at` for 10 ms, as both ends saw it whole.
std::pair<ClientRecord, ServerRecord> whole(uint64_t seed, uint64_t up, uint64_t down, Millis at) {
  ClientRecord c;
  c.preamble = {up, down, seed};
  c.start = kT0 + at;
  c.end = c.start + 10ms;
  c.connected = true;
  c.result = {true, up, prefix_checksum(seed, up), down, prefix_checksum(seed ^ kDownSeed, down),
              0};
  const BulkResult server{
      true, down, prefix_checksum(seed ^ kDownSeed, down), up, prefix_checksum(seed, up), 0};
  ServerRecord s{1, c.preamble, server, c.end};
  return {c, s};
}

Verdict judge_one(const ClientRecord& c, const ServerRecord& s,
                  const std::vector<FaultWindow>& faults = {}) {
  return judge({c}, {s}, faults, 500ms);
}

}  // namespace

TEST_CASE("verdict: a whole exchange is neither failed nor lost") {
  const auto [c, s] = whole(1, 1000, 3000, 0ms);
  const Verdict v = judge_one(c, s);
  CHECK(v.connections == 1);
  CHECK(v.bytes_moved == 4000);
  CHECK(v.failed == 0);
  CHECK(v.corrupted == 0);
}

TEST_CASE("verdict: a connection cut short with no fault is unexplained and its bytes lost") {
  auto [c, s] = whole(2, 1000, 3000, 0ms);
  s.result.received = 600;  // the server saw the client's end after 600 bytes of 1000
  s.result.received_checksum = prefix_checksum(2, 600);
  Verdict v = judge_one(c, s);
  CHECK(v.failed == 1);
  CHECK(v.unexplained == 1);
  CHECK(v.bytes_lost == 400);
  CHECK(v.corrupted == 0);
  // The same cut while its server's sessions were shut down is explained; on another server not.
  const FaultWindow here{"shut", 1, true, kT0 + 5ms, kT0 + 6ms};
  v = judge_one(c, s, {here});
  CHECK(v.failed == 1);
  CHECK(v.unexplained == 0);
  CHECK(v.bytes_lost == 0);
  FaultWindow elsewhere = here;
  elsewhere.server = 2;
  CHECK(judge_one(c, s, {elsewhere}).unexplained == 1);
  FaultWindow not_cutting = here;
  not_cutting.cuts = false;
  CHECK(judge_one(c, s, {not_cutting}).unexplained == 1);
  // A fault after the client was done, while the server was still reading, cut it too.
  const FaultWindow later{"kill", 1, true, kT0 + 900ms, kT0 + 901ms};
  CHECK(judge_one(c, s, {later}).unexplained == 1);
  s.end = kT0 + 1s;
  CHECK(judge_one(c, s, {later}).unexplained == 0);
}

TEST_CASE("verdict: a changed byte is corrupted - whole or cut") {
  auto [c, s] = whole(3, 1000, 3000, 0ms);
  c.result.received_checksum ^= 1;
  CHECK(judge_one(c, s).corrupted == 1);
  c.result.completed = false;  // cut: what arrived must still be the start of what was sent
  c.result.received = 100;
  c.result.received_checksum = prefix_checksum(3, 100);  // the client's stream, not the server's
  const FaultWindow kill{"kill", 1, true, kT0, kT0 + 1ms};
  const Verdict v = judge_one(c, s, {kill});
  CHECK(v.corrupted == 1);
  CHECK(v.unexplained == 0);
}
