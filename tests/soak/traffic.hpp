// The soak clients: threads that each open one connection after another through ferry (over TCP
// and over a UNIX socket, alternately), send a Preamble, then exchange checksummed streams of
// random sizes in both directions at once, and record how each connection went.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/soak/soak_backends.hpp"
#include "tests/support/deadline.hpp"

namespace ferry::test::soak {

struct ClientRecord {
  Preamble preamble;
  Clock::time_point start, end;
  bool connected = false;  // connected and the preamble sent
  BulkResult result;
};

class Traffic {
 public:
  struct Options {
    uint16_t port = 0;      // ferry's TCP frontend
    std::string unix_path;  // ferry's UNIX frontend
    unsigned threads = 8;
    uint64_t large = 0;  // the largest stream; most are far smaller (see traffic.cpp)
  };
  explicit Traffic(Options options);
  ~Traffic();  // stop()
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  // Lets every connection in progress finish, then joins the threads.
  void stop();
  std::vector<ClientRecord> records() const;
  uint64_t connections() const { return connections_; }

 private:
  void run(unsigned index);
  ClientRecord one_connection(const Preamble& p, bool tcp) const;

  const Options options_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> connections_{0};
  mutable std::mutex mutex_;
  std::vector<ClientRecord> records_;  // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace ferry::test::soak
