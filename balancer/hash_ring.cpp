#include "balancer/hash_ring.hpp"

#include <algorithm>

#include "balancer/hash_function.hpp"
#include "balancer/hashed.hpp"

namespace ferry::balancer {

namespace {
constexpr uint32_t kPointsRange = 4096;  // points a server may have: 256 weight * 16
}

std::vector<RingPoint> build_ring(std::span<core::Server* const> serving) {
  std::vector<RingPoint> ring;
  for (core::Server* s : serving) {
    const auto points = static_cast<uint32_t>(std::max(0, s->eweight()));
    for (uint32_t i = 0; i < points; ++i)
      ring.push_back({avalanche(static_cast<uint32_t>(s->id) * kPointsRange + i), s});
  }
  std::stable_sort(ring.begin(), ring.end(),
                   [](const RingPoint& a, const RingPoint& b) { return a.key < b.key; });
  return ring;
}

size_t nearest_point(const std::vector<RingPoint>& ring, uint32_t hash) {
  const auto it = std::lower_bound(ring.begin(), ring.end(), hash,
                                   [](const RingPoint& p, uint32_t h) { return p.key < h; });
  const size_t next = it == ring.end() ? 0 : static_cast<size_t>(it - ring.begin());
  const size_t prev = next == 0 ? ring.size() - 1 : next - 1;
  // Distances around the ring, in 32-bit arithmetic.
  const uint32_t to_prev = hash - ring[prev].key, to_next = ring[next].key - hash;
  return to_prev <= to_next ? prev : next;
}

void HashRing::updated(core::Server& server) {
  groups_.refresh(server);
  stale_ = true;  // weights (slowstart) matter too, not only usability
}

const std::vector<RingPoint>& HashRing::ring() {
  if (stale_) {
    groups_.serving(serving_);
    ring_ = build_ring(serving_);
    stale_ = false;
  }
  return ring_;
}

core::PickResult HashRing::pick(const core::PickRequest& request) {
  Scan scan(request);
  const std::vector<RingPoint>& r = ring();
  if (r.empty()) return scan.none();
  const std::optional<uint32_t> h = pick_hash(algo_, conf_, request);
  const size_t start = h ? nearest_point(r, *h) : rr_next_ % r.size();
  for (size_t n = 0; n < r.size(); ++n) {
    const size_t at = (start + n) % r.size();
    if (!scan.takes(*r[at].server)) continue;
    if (!h) rr_next_ = at + 1;
    return scan.found(r[at].server);
  }
  return scan.none();
}

}  // namespace ferry::balancer
