#include "core/relay.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace ferry::core {

namespace {
constexpr size_t kSpliceChunk = 1 << 20;  // ask for plenty: the pipe takes what fits
constexpr unsigned kSpliceFlags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;

bool transient(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}
}  // namespace

Flow::Status Flow::read_copy(int from, BufferPool& pool, uint64_t& moved) {
  if (!buf_.held()) {
    pool.take(buf_);
    cap_ = static_cast<uint32_t>(pool.buffer_size());
  }
  const uint32_t room = cap_ - buf_.tail;
  const ssize_t n = ::recv(from, buf_.data + buf_.tail, room, 0);
  if (n > 0) {
    if (buf_.tail == 0 && static_cast<uint32_t>(n) == cap_) bulk_ = true;
    // A short read emptied the socket's queue: another recv() would only say EAGAIN, a wasted
    // syscall per message. Input arriving from now on is reported anew.
    if (static_cast<uint32_t>(n) < room && !drain_fully_) readable_ = false;
    buf_.tail += static_cast<uint32_t>(n);
    moved += static_cast<uint64_t>(n);
    return Status::Ok;
  }
  if (n == 0) eof_ = true;
  if (n == 0 || (transient(errno) && errno != EINTR)) readable_ = false;
  if (n == 0 || transient(errno)) return Status::Ok;
  err_ = errno;
  return Status::ReadError;
}

Flow::Status Flow::read_splice(int from, uint64_t& moved) {
  // The pipe's room, not the socket, bounds a splice: only EAGAIN on an empty pipe says the
  // socket is empty.
  const ssize_t n = ::splice(from, nullptr, pipe_.write_fd, nullptr, kSpliceChunk, kSpliceFlags);
  if (n > 0) {
    pipe_.bytes += static_cast<size_t>(n);
    moved += static_cast<uint64_t>(n);
    return Status::Ok;
  }
  if (n == 0) {
    eof_ = true;
    readable_ = false;
    return Status::Ok;
  }
  // EAGAIN with bytes in the pipe may mean the pipe is full, not that the socket is empty: stop
  // reading until the pipe drains, then try again.
  if (transient(errno)) {
    if (errno == EINTR) return Status::Ok;
    pipe_stalled_ = pipe_.bytes > 0;
    if (!pipe_stalled_) readable_ = false;
    return Status::Ok;
  }
  err_ = errno;
  return Status::ReadError;
}

Flow::Status Flow::flush_copy(int to, BufferPool& pool) {
  while (buf_.held() && !buf_.empty()) {
    const ssize_t n = ::send(to, buf_.data + buf_.head, buf_.size(), MSG_NOSIGNAL);
    if (n > 0) {
      buf_.head += static_cast<uint32_t>(n);
    } else if (n < 0 && transient(errno)) {
      if (errno != EINTR) return Status::Ok;
    } else {
      err_ = errno;
      return Status::WriteError;
    }
  }
  pool.give_back(buf_);  // drained: an idle direction holds no buffer
  return Status::Ok;
}

Flow::Status Flow::flush_splice(int to, PipePool& pipes) {
  while (pipe_.bytes > 0) {
    const ssize_t n = ::splice(pipe_.read_fd, nullptr, to, nullptr, pipe_.bytes, kSpliceFlags);
    if (n > 0) {
      pipe_.bytes -= static_cast<size_t>(n);
      pipe_stalled_ = false;
    } else if (n < 0 && transient(errno)) {
      if (errno != EINTR) return Status::Ok;
    } else {
      err_ = n < 0 ? errno : EPIPE;
      return Status::WriteError;
    }
  }
  pipes.give_back(pipe_);  // drained: back to the pool
  return Status::Ok;
}

Flow::Status Flow::flush(int to, IoPools pools, bool reverse_done) {
  Status st = pipe_.held() ? flush_splice(to, pools.pipes) : flush_copy(to, pools.buffers);
  if (st != Status::Ok || wants_write()) return st;
  if (eof_ && !shut_) {
    if (!reverse_done) ::shutdown(to, SHUT_WR);
    shut_ = true;
  }
  return Status::Ok;
}

Flow::Status Flow::pump(int from, int to, IoPools pools, uint64_t& moved, bool reverse_done) {
  // A few read/write rounds per wake-up keep a fast stream from bouncing through the poller;
  // more would let it starve the other sessions of its thread.
  for (int round = 0; round < 4 && can_read(); ++round) {
    // Bytes never mix: a pipe is taken only when no buffer holds any, and vice versa.
    const bool splice = pipe_.held() || (bulk_ && !buf_.held() && pools.pipes.take(pipe_));
    const Status st = splice ? read_splice(from, moved) : read_copy(from, pools.buffers, moved);
    if (st != Status::Ok) return st;
    if (flush(to, pools, reverse_done) != Status::Ok) return Status::WriteError;
    if (wants_write()) break;  // the peer is slow: go on once it takes more
  }
  return flush(to, pools, reverse_done);  // also forwards a FIN seen before this wake-up
}

Flow::Status Flow::fill(int from, IoPools pools, uint64_t& moved) {
  // Bytes never mix: while a pipe holds bytes, they wait in it (only a relaying flow has one).
  Status st = Status::Ok;
  while (st == Status::Ok && can_read() && !pipe_.held())
    st = read_copy(from, pools.buffers, moved);
  if (buf_.held() && buf_.empty()) pools.buffers.give_back(buf_);  // a waiting client holds none
  return st;
}

void Flow::release(IoPools pools) {
  pools.buffers.give_back(buf_);
  if (pipe_.bytes == 0)
    pools.pipes.give_back(pipe_);
  else
    pools.pipes.discard(pipe_);  // bytes left in it: a dead connection's, never reused
}

}  // namespace ferry::core
