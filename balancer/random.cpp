#include "balancer/random.hpp"

#include <cassert>

namespace ferry::balancer {

namespace {

// Whether a carries strictly more load per unit of weight than b.
bool busier(const core::Server& a, const core::Server& b) {
  return uint64_t{a.served} * static_cast<uint64_t>(b.eweight()) >
         uint64_t{b.served} * static_cast<uint64_t>(a.eweight());
}

}  // namespace

Random::Random(std::vector<core::Server*> servers, bool allbackups, uint64_t seed, int draws)
    : groups_(std::move(servers), allbackups), rng_(seed), draws_(draws) {
  assert(draws_ >= 1);
}

// One weighted draw among candidates_. `rng % total` keeps the sequence the same on every
// standard library (the distributions are implementation-defined); the bias is negligible.
core::Server* Random::draw(uint64_t total_weight) {
  uint64_t r = rng_() % total_weight;
  for (core::Server* s : candidates_) {
    const auto w = static_cast<uint64_t>(s->eweight());
    if (r < w) return s;
    r -= w;
  }
  return candidates_.back();
}

core::PickResult Random::pick(const core::PickRequest& request) {
  Scan scan(request);
  groups_.serving(serving_);
  candidates_.clear();
  uint64_t total = 0;
  for (core::Server* s : serving_) {
    if (!scan.takes(*s)) continue;
    candidates_.push_back(s);
    total += static_cast<uint64_t>(s->eweight());
  }
  if (candidates_.empty()) return scan.none();
  core::Server* best = draw(total);
  for (int n = 1; n < draws_; ++n) {
    core::Server* other = draw(total);
    if (!busier(*other, *best)) best = other;
  }
  return scan.found(best);
}

}  // namespace ferry::balancer
