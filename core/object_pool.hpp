// Recycles the memory of one kind of object, so a busy loop does not go to the allocator for
// every connection. Only raw storage is pooled: the caller constructs with placement new and
// destroys explicitly. Single-threaded, like the loop that owns it.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace ferry::core {

template <typename T>
class ObjectPool {
 public:
  explicit ObjectPool(size_t keep = 1024) : keep_(keep) {}
  ~ObjectPool() {
    for (void* p : free_)
      ::operator delete(p, std::align_val_t(alignof(T)));
  }
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  template <typename... Args>
  T* create(Args&&... args) {
    void* mem = free_.empty() ? ::operator new(sizeof(T), std::align_val_t(alignof(T))) : pop();
    return new (mem) T(std::forward<Args>(args)...);
  }
  void destroy(T* obj) {
    obj->~T();
    if (free_.size() < keep_)
      free_.push_back(obj);
    else
      ::operator delete(obj, std::align_val_t(alignof(T)));
  }

 private:
  void* pop() {
    void* p = free_.back();
    free_.pop_back();
    return p;
  }
  size_t keep_;
  std::vector<void*> free_;
};

}  // namespace ferry::core
