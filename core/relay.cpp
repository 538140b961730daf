#include "core/relay.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace ferry::core {

Flow::Status Flow::read_some(int from, BufferPool& pool, uint64_t& moved) {
  if (!buf_.held()) {
    pool.take(buf_);
    cap_ = static_cast<uint32_t>(pool.buffer_size());
  }
  const ssize_t n = ::recv(from, buf_.data + buf_.tail, cap_ - buf_.tail, 0);
  if (n > 0) {
    buf_.tail += static_cast<uint32_t>(n);
    moved += static_cast<uint64_t>(n);
    return Status::Ok;
  }
  if (n == 0) {
    eof_ = true;
    return Status::Ok;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return Status::Ok;
  err_ = errno;
  return Status::ReadError;
}

Flow::Status Flow::flush(int to, BufferPool& pool) {
  while (buf_.held() && !buf_.empty()) {
    const ssize_t n = ::send(to, buf_.data + buf_.head, buf_.size(), MSG_NOSIGNAL);
    if (n > 0) {
      buf_.head += static_cast<uint32_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Status::Ok;
    if (n < 0 && errno == EINTR) continue;
    err_ = errno;
    return Status::WriteError;
  }
  pool.give_back(buf_);  // drained: an idle direction holds no buffer
  if (eof_ && !shut_) {
    ::shutdown(to, SHUT_WR);
    shut_ = true;
  }
  return Status::Ok;
}

Flow::Status Flow::pump(int from, int to, BufferPool& pool, uint64_t& moved) {
  // A few read/write rounds per wake-up keep a fast stream from bouncing through the poller.
  for (int round = 0; round < 4 && wants_read(); ++round) {
    const uint32_t before = buf_.held() ? buf_.tail : 0;
    if (read_some(from, pool, moved) != Status::Ok) return Status::ReadError;
    const bool got = buf_.held() && buf_.tail > before;
    if (flush(to, pool) != Status::Ok) return Status::WriteError;
    if (!got || wants_write()) break;  // nothing more to read now, or the peer is slow
  }
  return flush(to, pool);  // also forwards a FIN seen before this wake-up
}

}  // namespace ferry::core

