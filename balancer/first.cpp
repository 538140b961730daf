#include "balancer/first.hpp"

#include <algorithm>

namespace ferry::balancer {

First::First(std::vector<core::Server*> servers, bool allbackups)
    : groups_(std::move(servers), allbackups) {
  for (core::Server* s : groups_.servers())
    by_id_[tier_index(tier_of(*s))].push_back(s);
  for (auto& tier : by_id_) {
    std::stable_sort(tier.begin(), tier.end(),
                     [](const core::Server* a, const core::Server* b) { return a->id < b->id; });
  }
}

core::PickResult First::pick(const core::PickRequest& request) {
  Scan scan(request);
  const std::optional<Tier> tier = groups_.serving_tier();
  if (!tier) return scan.none();
  if (core::Server* sole = groups_.sole_server()) return scan.only(*sole);
  for (core::Server* s : by_id_[tier_index(*tier)]) {
    if (scan.takes(*s)) return scan.found(s);
  }
  return scan.none();
}

}  // namespace ferry::balancer
