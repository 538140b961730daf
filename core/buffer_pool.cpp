#include "core/buffer_pool.hpp"

#include <cassert>

namespace ferry::core {

BufferPool::BufferPool(size_t buffer_size, size_t keep) : size_(buffer_size), keep_(keep) {}

BufferPool::~BufferPool() {
  for (char* p : free_)
    delete[] p;
}

void BufferPool::take(Buffer& buf) {
  assert(!buf.held());
  if (free_.empty()) {
    buf.data = new char[size_];
  } else {
    buf.data = free_.back();
    free_.pop_back();
  }
  buf.head = buf.tail = 0;
  in_use_.store(in_use_.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);  // one writer
}

void BufferPool::give_back(Buffer& buf) {
  if (!buf.held()) return;
  if (free_.size() < keep_)
    free_.push_back(buf.data);
  else
    delete[] buf.data;
  buf = Buffer{};
  in_use_.store(in_use_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

}  // namespace ferry::core
