#include "bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ferry::bench {

// Values below 2^(kSubBits+1) map to themselves. Above, a value with its highest bit at `m` is
// shifted right by s = m - kSubBits, leaving a sub-bucket in [2^kSubBits, 2^(kSubBits+1)); the
// index is s * 2^kSubBits + that sub-bucket, which is monotonic and contiguous.
int LatencyHistogram::index_of(uint64_t ns) {
  const int m = 63 - std::countl_zero(ns | 1);
  const int shift = std::max(0, m - kSubBits);
  return (shift << kSubBits) + static_cast<int>(ns >> shift);
}

uint64_t LatencyHistogram::midpoint_of(int index) {
  const int shift = index < (2 << kSubBits) ? 0 : (index >> kSubBits) - 1;
  const uint64_t sub = static_cast<uint64_t>(index - (shift << kSubBits));
  const uint64_t low = sub << shift;
  return shift == 0 ? low : low + (uint64_t{1} << (shift - 1));
}

void LatencyHistogram::record(uint64_t ns) {
  const int i = std::min(index_of(ns), kBuckets - 1);
  ++buckets_[static_cast<size_t>(i)];
  ++count_;
  sum_ += ns;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

uint64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const double want = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_));
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(want));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[static_cast<size_t>(i)];
    if (seen >= rank) return std::clamp(midpoint_of(i), min(), max_);
  }
  return max_;
}

}  // namespace ferry::bench
