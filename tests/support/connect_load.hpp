// A constant load of new connections for reload tests: `threads` clients, each connecting over
// and over (to a TCP port or a UNIX path), sending one line, expecting it echoed, and closing.
// Every failure (refused, reset, wrong or missing echo) is counted with what happened.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/socket_address.hpp"

namespace ferry::test {

class ConnectLoad {
 public:
  // Each thread targets `port` if non-zero, else the UNIX `path`; both: threads alternate.
  ConnectLoad(uint16_t port, std::string path, unsigned threads);
  ~ConnectLoad();  // stop()
  ConnectLoad(const ConnectLoad&) = delete;
  ConnectLoad& operator=(const ConnectLoad&) = delete;

  void stop();
  uint64_t succeeded() const { return ok_.load(); }
  uint64_t failed() const { return failed_.load(); }
  // The first few failures, described.
  std::vector<std::string> failures() const;

 private:
  void run(bool use_tcp);
  void record_failure(const std::string& what);

  const uint16_t port_;
  const std::string path_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> ok_{0};
  std::atomic<uint64_t> failed_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> failures_;
  std::vector<std::thread> threads_;
};

}  // namespace ferry::test
