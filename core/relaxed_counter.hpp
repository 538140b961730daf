// A total that every worker thread adds to without the state lock: the byte counters, bumped on
// every read. Taking the lock there made each read a point where one thread could wait for
// another that the scheduler had preempted while holding it (a whole scheduler tick, ~4 ms).
// Each add is one relaxed atomic increment; a reader sees some recent total, as HAProxy's
// counters do. Copyable, so the counter structs stay assignable (`clear counters`).
#pragma once

#include <atomic>
#include <cstdint>

namespace ferry::core {

class RelaxedCounter {
 public:
  RelaxedCounter() = default;
  RelaxedCounter(const RelaxedCounter& other) : v_(other.get()) {}
  RelaxedCounter& operator=(const RelaxedCounter& other) {
    v_.store(other.get(), std::memory_order_relaxed);
    return *this;
  }
  RelaxedCounter& operator+=(uint64_t n) {
    v_.fetch_add(n, std::memory_order_relaxed);
    return *this;
  }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }
  operator uint64_t() const { return get(); }  // NOLINT: reads like the plain counters beside it

 private:
  std::atomic<uint64_t> v_{0};
};

}  // namespace ferry::core
