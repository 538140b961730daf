#include "healthcheck/check_timeouts.hpp"

#include <algorithm>

namespace ferry::healthcheck {

core::Millis CheckTimeouts::connect_budget() const {
  if (check && connect) return std::min(inter, *connect);
  return inter;
}

}  // namespace ferry::healthcheck
