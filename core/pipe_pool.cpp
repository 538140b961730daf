#include "core/pipe_pool.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace ferry::core {

namespace {
constexpr size_t kKeep = 64;           // idle pipes kept open for reuse
constexpr int kPipeSize = 256 * 1024;  // bytes a pipe may hold (raised from the 64 KiB default)

void close_pipe(Pipe& p) {
  if (p.read_fd >= 0) ::close(p.read_fd);
  if (p.write_fd >= 0) ::close(p.write_fd);
  p = Pipe{};
}
}  // namespace

PipePool::PipePool(size_t max_pipes) : max_(max_pipes) {}

PipePool::~PipePool() {
  for (auto& p : free_)
    close_pipe(p);
}

bool PipePool::take(Pipe& pipe) {
  if (in_use() >= max_) return false;
  if (!free_.empty()) {
    pipe = free_.back();
    free_.pop_back();
    count_free();
  } else {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return false;
    ::fcntl(fds[1], F_SETPIPE_SZ, kPipeSize);  // best effort: the default size works too
    pipe = Pipe{fds[0], fds[1], 0};
  }
  in_use_.store(in_use_.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);  // one writer
  return true;
}

void PipePool::give_back(Pipe& pipe) {
  if (!pipe.held()) return;
  in_use_.store(in_use_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  if (pipe.bytes == 0 && free_.size() < kKeep) {
    free_.push_back(pipe);
    count_free();
    pipe = Pipe{};
  } else {
    close_pipe(pipe);
  }
}

void PipePool::discard(Pipe& pipe) {
  if (!pipe.held()) return;
  in_use_.store(in_use_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  close_pipe(pipe);
}

}  // namespace ferry::core
