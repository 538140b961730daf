// Bulk transfers with end-to-end checks: a deterministic byte stream per seed, an order-sensitive
// checksum, and a full-duplex exchange (send N bytes, half-close, read to EOF, all at once) used
// by both the test client and the bulk backend.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tests/support/deadline.hpp"

namespace ferry::test {

// Order-sensitive 64-bit checksum over a byte stream fed in arbitrary pieces.
class StreamChecksum {
 public:
  void update(const char* data, size_t n);
  uint64_t value() const;  // includes a trailing partial word and the length
  uint64_t bytes() const { return bytes_; }

 private:
  void mix(uint64_t word) { hash_ = (hash_ ^ word) * 0x100000001b3ull + (hash_ >> 29); }
  uint64_t hash_ = 0xcbf29ce484222325ull;
  uint64_t bytes_ = 0;
  uint64_t partial_ = 0;  // bytes of an unfinished 8-byte word
  unsigned partial_len_ = 0;
};

// Fills `buf` with the bytes of stream `seed` starting at `offset` (a multiple of 8).
void fill_pattern(char* buf, size_t n, uint64_t seed, uint64_t offset);

struct BulkResult {
  bool completed = false;  // everything sent, and the peer's EOF seen, before the deadline
  uint64_t sent = 0;
  uint64_t sent_checksum = 0;
  uint64_t received = 0;
  uint64_t received_checksum = 0;
  int error = 0;  // errno of a failed send/recv
};

// On the non-blocking socket `fd`: sends `send_bytes` of stream `seed` then shuts down writing,
// while reading and checksumming everything until EOF. Single-threaded (poll on both directions).
BulkResult exchange_bulk(int fd, uint64_t send_bytes, uint64_t seed, const Deadline& deadline);

}  // namespace ferry::test
