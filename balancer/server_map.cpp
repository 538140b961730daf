#include "balancer/server_map.hpp"

#include <algorithm>
#include <numeric>

namespace ferry::balancer {

int weight_gcd(std::span<core::Server* const> servers) {
  int g = 0;
  for (const core::Server* s : servers) {
    if (s->iweight > 0) g = std::gcd(g, s->iweight);
  }
  return g == 0 ? 1 : g;
}

std::vector<core::Server*> build_server_map(std::span<core::Server* const> serving, int gcd) {
  std::vector<int> weight(serving.size());
  int total = 0;
  for (size_t i = 0; i < serving.size(); ++i) {
    weight[i] = std::max(1, serving[i]->uweight / gcd);
    total += weight[i];
  }
  std::vector<int> score(serving.size(), 0);
  std::vector<core::Server*> map(static_cast<size_t>(total));
  for (core::Server*& slot : map) {
    size_t best = 0;
    int best_v = 0;
    for (size_t i = 0; i < serving.size(); ++i) {
      score[i] += weight[i];
      const int v = (score[i] + total) / total;
      if (i == 0 || v > best_v) {
        best = i;
        best_v = v;
      }
    }
    slot = serving[best];
    score[best] -= total;
  }
  return map;
}

MapBalancer::MapBalancer(std::vector<core::Server*> servers, bool allbackups)
    : groups_(std::move(servers), allbackups), gcd_(weight_gcd(groups_.servers())) {}

void MapBalancer::updated(core::Server& server) {
  groups_.refresh(server);
  stale_ = true;
}

const std::vector<core::Server*>& MapBalancer::map() {
  if (stale_) {
    groups_.serving(serving_);
    map_ = build_server_map(serving_, gcd_);
    stale_ = false;
  }
  return map_;
}

std::optional<size_t> MapBalancer::find_from(size_t slot, Scan& scan) {
  const std::vector<core::Server*>& m = map();
  for (size_t n = 0; n < m.size(); ++n) {
    const size_t at = (slot + n) % m.size();
    if (scan.takes(*m[at])) return at;
  }
  return std::nullopt;
}

core::PickResult MapBalancer::pick_rr(const core::PickRequest& request) {
  Scan scan(request);
  if (rr_next_ >= map().size()) rr_next_ = 0;
  const std::optional<size_t> at = find_from(rr_next_, scan);
  if (!at) return scan.none();
  rr_next_ = *at + 1;
  return scan.found(map_[*at]);
}

core::PickResult MapBalancer::pick_from(size_t slot, const core::PickRequest& request) {
  Scan scan(request);
  const size_t size = map().size();
  if (size == 0) return scan.none();
  const std::optional<size_t> at = find_from(slot % size, scan);
  return at ? scan.found(map_[*at]) : scan.none();
}

}  // namespace ferry::balancer
