// Judging a soak run: every connection's bytes, both ways, against what the other end sent,
// and every failed connection against the faults injected while it was open.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/soak/soak_backends.hpp"
#include "tests/soak/traffic.hpp"

namespace ferry::test::soak {

// A fault on one server, from the moment it was injected to the moment it was over. A cutting
// fault (its backend killed, its sessions shut down) may fail the connections open on that
// server meanwhile, and those not on a server yet (a killed backend resets the connections
// waiting in its backlog); the others (the server disabled, then enabled) may not fail any.
struct FaultWindow {
  std::string what;
  size_t server = 0;
  bool cuts = false;
  Clock::time_point start, end;
};

struct Verdict {
  uint64_t connections = 0;
  uint64_t bytes_moved = 0;  // sent and received by the clients
  // Not completed: an end did not send or receive its whole stream (the Preamble says how
  // long each is), or did not see the other's end.
  uint64_t failed = 0;
  uint64_t unexplained = 0;           // failed while no cutting fault was under way
  uint64_t bytes_lost = 0;            // what the ends of those did not receive
  uint64_t corrupted = 0;             // connections on which a byte differs from what was sent
  std::vector<std::string> problems;  // the first few unexplained, corrupted or lossy ones
};

// `slack`: how long after a cutting fault ends a connection it cut may still be noticed failing.
Verdict judge(const std::vector<ClientRecord>& clients, const std::vector<ServerRecord>& servers,
              const std::vector<FaultWindow>& faults, Millis slack);

}  // namespace ferry::test::soak
