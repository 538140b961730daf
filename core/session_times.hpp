// The `qtime/ctime/ttime` columns (and their `_max`): average queue, connect and total times of
// the recent sessions, as HAProxy computes them: a sliding sum over a window of min(sessions,
// 1024) samples, so early averages are not diluted. Updated once per session, when it ends.
#pragma once

#include <algorithm>
#include <cstdint>

namespace ferry::core {

class SlidingAverage {
 public:
  static constexpr uint64_t kWindow = 1024;
  void add(uint64_t value, uint64_t window) {
    sum_ = sum_ + value - (sum_ + window - 1) / window;
    max_ = std::max(max_, value);
  }
  uint64_t average(uint64_t window) const { return window ? (sum_ + window - 1) / window : 0; }
  uint64_t max() const { return max_; }

 private:
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

struct SessionTimes {
  SlidingAverage queue, connect, total;
  uint64_t samples = 0;  // sessions measured

  uint64_t window() const { return std::min(samples, SlidingAverage::kWindow); }
  // Milliseconds; a negative value (phase never reached) counts as 0, as HAProxy does.
  void add(int64_t tw, int64_t tc, int64_t tt) {
    ++samples;
    queue.add(static_cast<uint64_t>(std::max<int64_t>(tw, 0)), window());
    connect.add(static_cast<uint64_t>(std::max<int64_t>(tc, 0)), window());
    total.add(static_cast<uint64_t>(std::max<int64_t>(tt, 0)), window());
  }
};

}  // namespace ferry::core
