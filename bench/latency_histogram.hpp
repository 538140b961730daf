// Latency histogram with HDR-like log-linear buckets: exact below 256 ns, then 128 buckets per
// power of two, so any reported percentile is within 0.4% of the true sample. Fixed size (about
// 58 KiB), no allocation while recording. Min, max, count and sum are exact.
#pragma once

#include <array>
#include <cstdint>

namespace ferry::bench {

class LatencyHistogram {
 public:
  void record(uint64_t ns);
  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }
  // The value at quantile `q` (0..1): the smallest bucket holding the ceil(q*count)-th sample,
  // reported as that bucket's midpoint and clamped to [min, max]. 0 when empty.
  uint64_t quantile(double q) const;

 private:
  static constexpr int kSubBits = 7;  // 128 buckets per power of two
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;
  static int index_of(uint64_t ns);
  static uint64_t midpoint_of(int index);

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace ferry::bench
