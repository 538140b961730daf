#include "tests/support/bulk_data.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace ferry::test {

namespace {

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

constexpr size_t kChunk = 256 * 1024;  // a multiple of 8, so chunk offsets stay word-aligned

// One direction of the exchange that sends: the chunk being written and how far it got.
struct Sender {
  Sender(uint64_t t, uint64_t s) : total(t), seed(s) {}
  uint64_t total;
  uint64_t seed;
  uint64_t offset = 0;  // of the chunk in `buf`
  size_t len = 0;
  size_t done = 0;
  std::vector<char> buf = std::vector<char>(kChunk);
  StreamChecksum sum;

  bool finished() const { return offset + done >= total && done == len; }
  void refill() {
    offset += len;
    len = static_cast<size_t>(std::min<uint64_t>(kChunk, total - offset));
    done = 0;
    fill_pattern(buf.data(), len, seed, offset);
    sum.update(buf.data(), len);
  }
};

// Writes what the socket takes; false on a hard error (errno kept in `error`).
bool pump_send(int fd, Sender& s, int& error) {
  for (;;) {
    if (s.done == s.len) {
      if (s.offset + s.len >= s.total) return true;
      s.refill();
    }
    const ssize_t n = ::send(fd, s.buf.data() + s.done, s.len - s.done, MSG_NOSIGNAL);
    if (n > 0) {
      s.done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    error = errno;
    return false;
  }
}

// Reads what is there; returns 1 at EOF, 0 when it would block, -1 on error.
int pump_recv(int fd, std::vector<char>& buf, StreamChecksum& sum, int& error) {
  for (;;) {
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n > 0) {
      sum.update(buf.data(), static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return 1;
    if (errno == EAGAIN || errno == EINTR) return 0;
    error = errno;
    return -1;
  }
}

}  // namespace

void StreamChecksum::update(const char* data, size_t n) {
  bytes_ += n;
  while (n > 0 && partial_len_ != 0) {
    partial_ |= static_cast<uint64_t>(static_cast<unsigned char>(*data++)) << (8 * partial_len_);
    --n;
    if (++partial_len_ == 8) {
      mix(partial_);
      partial_ = 0;
      partial_len_ = 0;
    }
  }
  for (; n >= 8; n -= 8, data += 8) {
    uint64_t w;
    std::memcpy(&w, data, 8);
    mix(w);
  }
  for (size_t i = 0; i < n; ++i)
    partial_ |= static_cast<uint64_t>(static_cast<unsigned char>(data[i])) << (8 * partial_len_++);
}

uint64_t StreamChecksum::value() const {
  uint64_t h = hash_;
  if (partial_len_ != 0) h = (h ^ partial_) * 0x100000001b3ull;
  return splitmix(h ^ bytes_);
}

void fill_pattern(char* buf, size_t n, uint64_t seed, uint64_t offset) {
  uint64_t index = offset / 8;
  for (; n >= 8; n -= 8, buf += 8) {
    const uint64_t w = splitmix(seed ^ (index++ * 0x2545f4914f6cdd1dull));
    std::memcpy(buf, &w, 8);
  }
  if (n > 0) {
    const uint64_t w = splitmix(seed ^ (index * 0x2545f4914f6cdd1dull));
    std::memcpy(buf, &w, n);
  }
}

BulkResult exchange_bulk(int fd, uint64_t send_bytes, uint64_t seed, const Deadline& deadline) {
  BulkResult r;
  Sender s(send_bytes, seed);
  StreamChecksum got;
  std::vector<char> rbuf(kChunk);
  bool shut = false, eof = false;
  while (!(shut && eof) && !deadline.expired()) {
    if (!shut && !pump_send(fd, s, r.error)) break;
    if (!shut && s.finished()) {
      ::shutdown(fd, SHUT_WR);
      shut = true;
    }
    if (!eof) {
      const int st = pump_recv(fd, rbuf, got, r.error);
      if (st < 0) break;
      eof = st == 1;
    }
    if (shut && eof) break;
    pollfd p{fd, static_cast<short>((eof ? 0 : POLLIN) | (shut ? 0 : POLLOUT)), 0};
    ::poll(&p, 1, std::min(deadline.poll_timeout(), 1000));
  }
  r.completed = shut && eof;
  r.sent = s.offset + s.done;
  r.sent_checksum = s.sum.value();
  r.received = got.bytes();
  r.received_checksum = got.value();
  return r;
}

}  // namespace ferry::test
