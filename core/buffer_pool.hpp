// Fixed-size I/O buffers handed out only while bytes are in flight. A connection takes a buffer
// when it reads and gives it back as soon as it is empty, so an idle connection holds none.
// Owned by a Worker; one pool per loop thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ferry::core {

struct Buffer {
  char* data = nullptr;  // nullptr: no buffer held
  uint32_t head = 0;     // first byte not yet written out
  uint32_t tail = 0;     // end of the bytes read in

  bool held() const { return data != nullptr; }
  uint32_t size() const { return tail - head; }
  bool empty() const { return head == tail; }
};

class BufferPool {
 public:
  static constexpr size_t kDefaultSize = 32 * 1024;
  explicit BufferPool(size_t buffer_size = kDefaultSize, size_t keep = 256);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  size_t buffer_size() const { return size_; }
  void take(Buffer& buf);       // buf must not hold one
  void give_back(Buffer& buf);  // buf becomes empty; no-op when it holds none
  // Readable from any thread (the stats), changed only by the owning loop's thread.
  size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  size_t size_;
  size_t keep_;  // free buffers kept for reuse; beyond that they go back to the allocator
  std::vector<char*> free_;
  std::atomic<size_t> in_use_{0};
};

}  // namespace ferry::core
