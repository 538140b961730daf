// The backends of the soak tests (tests/soak/), on UnixServer: one thread per connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "tests/support/bulk_data.hpp"
#include "tests/support/test_backends.hpp"

namespace ferry::test::soak {

// What a soak client sends before its stream: the bytes it sends (up), the bytes it wants back
// (down) and the seed naming the connection. Its stream is stream `seed`; the server's reply is
// stream `seed ^ kDownSeed` (bulk_data.hpp).
struct Preamble {
  uint64_t up = 0;
  uint64_t down = 0;
  uint64_t seed = 0;
};
inline constexpr uint64_t kDownSeed = 0x6d2b79f5a1c3e5d7ull;

// One connection as the server saw it.
struct ServerRecord {
  size_t server = 0;  // which ExchangeServer
  Preamble preamble;
  BulkResult result;
  Clock::time_point end;  // when the server was done with it
};

// Reads a Preamble, then sends `down` bytes of the reply stream while reading and checksumming
// everything until the client's EOF (exchange_bulk). Connections that end before a whole
// preamble (health checks, cuts) are only counted.
class ExchangeServer : public UnixServer {
 public:
  ExchangeServer(UnixAddress addr, size_t index);
  ~ExchangeServer() override;
  std::vector<ServerRecord> records() const;
  uint64_t without_preamble() const { return without_preamble_; }

 protected:
  void serve(int fd) override;

 private:
  const size_t index_;
  mutable std::mutex mutex_;
  std::vector<ServerRecord> records_;  // guarded by mutex_
  std::atomic<uint64_t> without_preamble_{0};
};

// Writes a stream to every connection until the peer goes away, never reading: a backend that
// floods clients that never read.
class FloodServer : public UnixServer {
 public:
  explicit FloodServer(UnixAddress addr);
  ~FloodServer() override;
  uint64_t sent() const { return sent_; }

 protected:
  void serve(int fd) override;

 private:
  std::atomic<uint64_t> sent_{0};
};

// The checksum of the first `n` bytes of stream `seed`: what a receiver cut after `n` bytes must
// have seen.
uint64_t prefix_checksum(uint64_t seed, uint64_t n);

}  // namespace ferry::test::soak
