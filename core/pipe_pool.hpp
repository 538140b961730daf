// Kernel pipes for splice(2): bytes move socket -> pipe -> socket without being copied through
// user space. Like buffers, a pipe is held by a connection only while bytes sit in it, and goes
// back to the pool once empty. The pool caps how many exist (each costs two fds).
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

namespace ferry::core {

struct Pipe {
  int read_fd = -1;
  int write_fd = -1;
  size_t bytes = 0;  // in the pipe, not yet written out
  bool held() const { return read_fd >= 0; }
};

class PipePool {
 public:
  // `max_pipes` 0 disables splicing.
  explicit PipePool(size_t max_pipes = 0);
  ~PipePool();
  PipePool(const PipePool&) = delete;
  PipePool& operator=(const PipePool&) = delete;

  // False when the cap is reached or the kernel refuses: the caller copies instead.
  bool take(Pipe& pipe);
  // `pipe` must be empty. It is kept for reuse (or closed beyond what is kept).
  void give_back(Pipe& pipe);
  // A pipe left with bytes in it (the connection died) cannot be reused: it is closed.
  void discard(Pipe& pipe);
  // The cap given at construction.
  size_t max() const { return max_; }
  // Readable from any thread (the stats), changed only by the owning loop's thread.
  size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }
  size_t free_count() const { return free_count_.load(std::memory_order_relaxed); }

 private:
  void count_free() { free_count_.store(free_.size(), std::memory_order_relaxed); }
  const size_t max_;
  std::atomic<size_t> in_use_{0};
  std::atomic<size_t> free_count_{0};
  std::vector<Pipe> free_;
};

}  // namespace ferry::core
