#include "tests/soak/soak_backends.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace ferry::test::soak {

ExchangeServer::ExchangeServer(UnixAddress addr, size_t index)
    : UnixServer(std::move(addr)), index_(index) {
  start();
}
ExchangeServer::~ExchangeServer() {
  stop();
}

std::vector<ServerRecord> ExchangeServer::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

void ExchangeServer::serve(int fd) {
  Preamble p;
  ssize_t n;
  do {
    n = ::recv(fd, &p, sizeof p, MSG_WAITALL);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof p)) {
    ++without_preamble_;
    return;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  const BulkResult r = exchange_bulk(fd, p.down, p.seed ^ kDownSeed, Deadline(120s));
  std::lock_guard lock(mutex_);
  records_.push_back({index_, p, r, Clock::now()});
}

FloodServer::FloodServer(UnixAddress addr) : UnixServer(std::move(addr)) {
  start();
}
FloodServer::~FloodServer() {
  stop();
}

void FloodServer::serve(int fd) {
  std::vector<char> buf(64 * 1024);
  fill_pattern(buf.data(), buf.size(), 7, 0);
  for (;;) {
    const ssize_t n = ::send(fd, buf.data(), buf.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent_ += static_cast<uint64_t>(n);
  }
}

uint64_t prefix_checksum(uint64_t seed, uint64_t n) {
  StreamChecksum sum;
  std::vector<char> buf(256 * 1024);
  for (uint64_t offset = 0; offset < n; offset += buf.size()) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(buf.size(), n - offset));
    fill_pattern(buf.data(), len, seed, offset);
    sum.update(buf.data(), len);
  }
  return sum.value();
}

}  // namespace ferry::test::soak
