// One direction of a relay: bytes read from one socket are written to the other, byte for byte.
// The buffer is taken from the pool when a read is about to happen and given back as soon as it
// drains; a peer's FIN is forwarded as shutdown(SHUT_WR) once everything before it is written.
#pragma once

#include <cstdint>

#include "core/buffer_pool.hpp"

namespace ferry::core {

class Flow {
 public:
  enum class Status { Ok, ReadError, WriteError };

  // Moves what it can from `from` to `to` without blocking. `moved` receives the bytes read.
  Status pump(int from, int to, BufferPool& pool, uint64_t& moved);
  // Only writes out what is already buffered (the destination became writable).
  Status flush(int to, BufferPool& pool);

  bool wants_read() const { return !eof_ && (!buf_.held() || buf_.tail < cap_); }
  bool wants_write() const { return buf_.held() && !buf_.empty(); }
  bool done() const { return shut_; }          // FIN forwarded: nothing more will move
  bool eof_seen() const { return eof_; }
  int error() const { return err_; }            // errno of the last failure
  void release(BufferPool& pool) { pool.give_back(buf_); }

 private:
  Status read_some(int from, BufferPool& pool, uint64_t& moved);
  Buffer buf_;
  uint32_t cap_ = 0;
  bool eof_ = false;
  bool shut_ = false;
  int err_ = 0;
};

}  // namespace ferry::core
