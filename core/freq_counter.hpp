// Events per second over the last second, as HAProxy's `rate` columns: the current second's count
// blended with the previous second's. Updated lazily from the loop clock; no timer needed.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/event_loop.hpp"

namespace ferry::core {

class FreqCounter {
 public:
  void add(Millis now, uint32_t n = 1) {
    rotate(now);
    curr_ += n;
    const uint32_t r = rate(now);
    if (r > max_) max_ = r;
  }
  uint32_t rate(Millis now) {
    rotate(now);
    // ms elapsed in the current second; threads' clocks may lag each other by a few ms
    const int64_t into = std::clamp<int64_t>(now.count() - start_ms_, 0, 1000);
    return curr_ + static_cast<uint32_t>(prev_ * (1000 - into) / 1000);
  }
  uint32_t max() const { return max_; }
  void clear_max() { max_ = 0; }

 private:
  void rotate(Millis now) {
    const int64_t ms = now.count();
    if (ms - start_ms_ < 1000) return;
    prev_ = (ms - start_ms_ < 2000) ? curr_ : 0;
    curr_ = 0;
    start_ms_ = ms - (ms % 1000);
  }
  int64_t start_ms_ = 0;
  uint32_t curr_ = 0;
  uint32_t prev_ = 0;
  uint32_t max_ = 0;
};

}  // namespace ferry::core
