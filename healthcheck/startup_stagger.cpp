#include "healthcheck/startup_stagger.hpp"

#include <algorithm>
#include <cassert>

namespace ferry::healthcheck {

core::Millis stagger_min_interval(std::span<const core::Millis> initial_intervals) {
  core::Millis min{0};
  for (core::Millis inter : initial_intervals) {
    if (inter >= kStaggerThreshold && (min == core::Millis{0} || inter < min)) min = inter;
  }
  return min;
}

core::Millis first_check_delay(size_t k, size_t n, core::Millis own_interval,
                               core::Millis mininter) {
  assert(k < n);
  const auto base = std::max(mininter, own_interval).count();
  return core::Millis{base * static_cast<int64_t>(k) / static_cast<int64_t>(n)};
}

}  // namespace ferry::healthcheck
