// A doubly linked list threaded through its elements: no allocation to link or unlink, O(1)
// removal from the middle. Used for a server's live sessions and a backend's queue. An element
// joins a list of a given Tag by deriving from ListHook<Tag>; the list never owns its elements.
#pragma once

#include <cassert>
#include <cstddef>

namespace ferry::core {

template <typename Tag>
struct ListHook {
  ListHook* prev = nullptr;
  ListHook* next = nullptr;
  bool linked() const { return prev != nullptr; }
};

template <typename T, typename Tag>
class IntrusiveList {
  using Hook = ListHook<Tag>;

 public:
  IntrusiveList() { head_.prev = head_.next = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  ~IntrusiveList() { assert(empty()); }

  bool empty() const { return head_.next == &head_; }
  size_t size() const { return size_; }

  void push_back(T& item) {
    Hook& h = item;
    assert(!h.linked());
    h.prev = head_.prev;
    h.next = &head_;
    head_.prev->next = &h;
    head_.prev = &h;
    ++size_;
  }
  void remove(T& item) {
    Hook& h = item;
    assert(h.linked());
    h.prev->next = h.next;
    h.next->prev = h.prev;
    h.prev = h.next = nullptr;
    --size_;
  }
  bool contains(const T& item) const { return static_cast<const Hook&>(item).linked(); }
  T* front() { return empty() ? nullptr : static_cast<T*>(head_.next); }
  T* pop_front() {
    T* item = front();
    if (item) remove(*item);
    return item;
  }
  // Calls fn on every element in order; fn may remove the element it is given (and only that).
  template <typename Fn>
  void for_each(Fn&& fn) {
    for (Hook* h = head_.next; h != &head_;) {
      Hook* next = h->next;
      fn(*static_cast<T*>(h));
      h = next;
    }
  }

 private:
  Hook head_;
  size_t size_ = 0;
};

}  // namespace ferry::core
