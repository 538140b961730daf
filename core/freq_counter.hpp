// Events per second, as HAProxy 2.6's `rate` columns count them (observed side by side). A
// one-second period starts at the first event after two idle periods, and the next periods
// follow it back to back. The rate is the current period's count plus the previous period's,
// scaled by how much of that period is still within the last second; a previous count of 1 with
// nothing since reads 1 until it is two periods old (a lone event does not read 0 at once). The
// max is the most events counted within one period. Updated lazily from the loop clock.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/event_loop.hpp"

namespace ferry::core {

class FreqCounter {
 public:
  void add(Millis now, uint32_t n = 1) {
    rotate(now);
    curr_ += n;
    max_ = std::max(max_, curr_);
  }
  uint32_t rate(Millis now) const {
    int64_t elapsed = now.count() - start_ms_;
    uint32_t curr = curr_;
    uint32_t past = prev_;
    if (elapsed >= kPeriod) {  // the current period ended without an event since
      past = elapsed < 2 * kPeriod ? curr : 0;
      curr = 0;
      elapsed -= kPeriod;
    }
    if (past <= 1 && curr == 0) return past;
    // threads' clocks may lag each other by a few ms
    elapsed = std::clamp<int64_t>(elapsed, 0, kPeriod);
    return curr + static_cast<uint32_t>(uint64_t{past} * (kPeriod - elapsed) / kPeriod);
  }
  uint32_t max() const { return max_; }
  void clear_max() { max_ = 0; }

 private:
  static constexpr int64_t kPeriod = 1000;
  void rotate(Millis now) {
    const int64_t ms = now.count();
    if (ms - start_ms_ < kPeriod) return;
    if (ms - start_ms_ < 2 * kPeriod) {
      prev_ = curr_;
      start_ms_ += kPeriod;
    } else {
      prev_ = 0;
      start_ms_ = ms;
    }
    curr_ = 0;
  }
  int64_t start_ms_ =
      std::numeric_limits<int64_t>::min() / 4;  // long idle: the first event anchors
  uint32_t curr_ = 0;
  uint32_t prev_ = 0;
  uint32_t max_ = 0;
};

}  // namespace ferry::core
