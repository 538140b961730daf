// One direction of a relay: bytes read from one socket are written to the other, byte for byte.
// Bytes in flight sit in a pooled buffer (copy mode) or, once the flow has shown itself to be a
// bulk transfer (a read filled a whole buffer), in a pooled kernel pipe moved with splice(2), so
// they never cross user space. Either is held only while bytes are in it. A peer's FIN is
// forwarded as shutdown(SHUT_WR) once everything before it is written.
//
// Sockets are polled edge-triggered (EdgePoller): the owner calls mark_readable() when told
// input arrived, and the flow remembers it until a read finds the socket empty.
#pragma once

#include <cstdint>

#include "core/buffer_pool.hpp"
#include "core/pipe_pool.hpp"

namespace ferry::core {

struct IoPools {
  BufferPool& buffers;
  PipePool& pipes;
};

class Flow {
 public:
  enum class Status { Ok, ReadError, WriteError };

  // Moves what it can from `from` to `to` without blocking, for a few rounds at most (then
  // can_read() may still be true: the owner comes back later). `moved` grows by the bytes read.
  // `reverse_done`: the other direction has finished, so `to` is closed as soon as this one is;
  // close() then sends the FIN and a separate shutdown() would be a wasted syscall.
  Status pump(int from, int to, IoPools pools, uint64_t& moved, bool reverse_done = false);
  // Only writes out what is already held (the destination became writable). Also forwards a
  // FIN read before, once everything before it is written.
  Status flush(int to, IoPools pools, bool reverse_done = false);
  // Reads what the source has into the buffer and writes nothing: the destination is not
  // connected yet (a session waiting for a server). Stops when the buffer is full or the source
  // is drained; the bytes go out with the first flush or pump once there is a destination.
  Status fill(int from, IoPools pools, uint64_t& moved);

  // The source reported input (or EOF, or an error) that no read has consumed yet.
  // `drain_fully`: its EOF, an error or urgent data is queued, so a short read is not the end of
  // it (EdgePoller::kDrainFully); from then on the flow reads until a read returns nothing.
  void mark_readable(bool drain_fully = false) {
    readable_ = true;
    drain_fully_ = drain_fully_ || drain_fully;
  }
  bool can_read() const { return readable_ && wants_read(); }
  // Room to take more input (a pipe or buffer with space, no EOF seen).
  bool wants_read() const {
    if (eof_) return false;
    if (pipe_.held()) return !pipe_stalled_;
    return !buf_.held() || buf_.tail < cap_;
  }
  bool wants_write() const { return pipe_.bytes > 0 || (buf_.held() && !buf_.empty()); }
  bool done() const { return shut_; }  // FIN forwarded: nothing more will move
  bool spliced() const { return bulk_; }
  int error() const { return err_; }  // errno of the last failure
  void release(IoPools pools);

 private:
  Status read_copy(int from, BufferPool& pool, uint64_t& moved);
  Status read_splice(int from, uint64_t& moved);
  Status flush_copy(int to, BufferPool& pool);
  Status flush_splice(int to, PipePool& pipes);
  Buffer buf_;
  Pipe pipe_;
  uint32_t cap_ = 0;
  bool bulk_ = false;          // a read filled a buffer: splice from now on, when pipes allow
  bool pipe_stalled_ = false;  // the pipe refused more bytes: read again once it drained some
  bool readable_ = false;      // input reported and not yet found exhausted
  bool drain_fully_ = false;   // short reads are not trusted to empty the socket
  bool eof_ = false;
  bool shut_ = false;
  int err_ = 0;
};

}  // namespace ferry::core
