#include "tests/soak/verdict.hpp"

#include <algorithm>
#include <unordered_map>

namespace ferry::test::soak {

namespace {

std::string describe(const ClientRecord& c, const ServerRecord* s) {
  std::string out = "connection " + std::to_string(c.preamble.seed) + " (up " +
                    std::to_string(c.preamble.up) + ", down " + std::to_string(c.preamble.down) +
                    "): client " + (c.connected ? "" : "not connected, ") + "sent " +
                    std::to_string(c.result.sent) + " received " +
                    std::to_string(c.result.received) + " errno " + std::to_string(c.result.error) +
                    (c.result.completed ? " completed" : "");
  if (!s) return out + "; the server never saw it";
  return out + "; server received " + std::to_string(s->result.received) + " sent " +
         std::to_string(s->result.sent) + (s->result.completed ? " completed" : "");
}

// A connection lasts until both ends are done: the client may finish sending long before the
// server has read it all (megabytes wait in socket buffers and pipes on the way).
Clock::time_point last_end(const ClientRecord& c, const ServerRecord* s) {
  return s ? std::max(c.end, s->end) : c.end;
}

bool cut_by_fault(const ClientRecord& c, const ServerRecord* s,
                  const std::vector<FaultWindow>& faults, Millis slack) {
  for (const FaultWindow& f : faults) {
    if (f.cuts && (!s || s->server == f.server) && c.start <= f.end + slack &&
        last_end(c, s) >= f.start)
      return true;
  }
  return false;
}

// The cutting fault nearest to the connection, for the report of an unexplained failure.
std::string nearest_fault(const ClientRecord& c, const ServerRecord* s,
                          const std::vector<FaultWindow>& faults) {
  const FaultWindow* best = nullptr;
  Millis gap{};
  for (const FaultWindow& f : faults) {
    if (!f.cuts) continue;
    const auto d = std::chrono::duration_cast<Millis>(
        f.start > last_end(c, s) ? f.start - last_end(c, s) : c.start - std::min(c.start, f.end));
    if (!best || d < gap) best = &f, gap = d;
  }
  if (!best) return "; no cutting fault at all";
  const auto since = std::chrono::duration_cast<Millis>(best->start - c.start).count();
  return "; nearest cutting fault: " + best->what + " " + std::to_string(since) +
         " ms after the connection began, which lasted " +
         std::to_string(std::chrono::duration_cast<Millis>(last_end(c, s) - c.start).count()) +
         " ms";
}

// Whatever arrived on either side must be the start of what the other side sent.
bool intact_prefixes(const ClientRecord& c, const ServerRecord* s) {
  const uint64_t down = c.preamble.seed ^ kDownSeed;
  if (prefix_checksum(down, c.result.received) != c.result.received_checksum) return false;
  return !s || prefix_checksum(c.preamble.seed, s->result.received) == s->result.received_checksum;
}

// The bytes an end did not get of what it was told it would get.
uint64_t missing_bytes(const ClientRecord& c, const ServerRecord* s) {
  const Preamble& p = c.preamble;
  const uint64_t down = p.down - std::min(p.down, c.result.received);
  return down + (s ? p.up - std::min(p.up, s->result.received) : p.up);
}

// Each end sent its whole stream, saw the other's end, and received exactly what the other sent.
bool completed(const ClientRecord& c, const ServerRecord* s) {
  const Preamble& p = c.preamble;
  return c.connected && c.result.completed && c.result.error == 0 && s && s->result.completed &&
         c.result.sent == p.up && s->result.received == p.up && s->result.sent == p.down &&
         c.result.received == p.down;
}

}  // namespace

Verdict judge(const std::vector<ClientRecord>& clients, const std::vector<ServerRecord>& servers,
              const std::vector<FaultWindow>& faults, Millis slack) {
  std::unordered_map<uint64_t, const ServerRecord*> by_seed;
  for (const ServerRecord& s : servers)
    by_seed[s.preamble.seed] = &s;
  Verdict v;
  const auto problem = [&](const std::string& what) {
    if (v.problems.size() < 10) v.problems.push_back(what);
  };
  for (const ClientRecord& c : clients) {
    ++v.connections;
    v.bytes_moved += c.result.sent + c.result.received;
    const auto it = by_seed.find(c.preamble.seed);
    const ServerRecord* s = it == by_seed.end() ? nullptr : it->second;
    if (completed(c, s)) {
      if (s->result.received_checksum != c.result.sent_checksum ||
          c.result.received_checksum != s->result.sent_checksum) {
        ++v.corrupted;
        problem("changed bytes: " + describe(c, s));
      }
      continue;
    }
    ++v.failed;
    if (!intact_prefixes(c, s)) {
      ++v.corrupted;
      problem("changed bytes before a cut: " + describe(c, s));
    }
    if (!cut_by_fault(c, s, faults, slack)) {
      ++v.unexplained;
      v.bytes_lost += missing_bytes(c, s);
      problem("failed with no fault under way: " + describe(c, s) + nearest_fault(c, s, faults));
    }
  }
  return v;
}

}  // namespace ferry::test::soak
