// `balance random` as HAProxy's default random(2) (reference 4.6): two weighted random draws
// among the servers that can take the connection, keeping the less loaded (served / eweight; the
// later draw on a tie). Deterministic for a given seed. `show stat` prints its algo as "unknown",
// as HAProxy 2.6 does.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "balancer/server_group.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer {

class Random final : public core::LoadBalancer {
 public:
  Random(std::vector<core::Server*> servers, bool allbackups, uint64_t seed, int draws = 2);

  std::string_view stats_name() const override { return "unknown"; }
  core::PickResult pick(const core::PickRequest& request) override;
  void updated(core::Server& server) override { groups_.refresh(server); }

 private:
  core::Server* draw(uint64_t total_weight);

  ServerGroups groups_;
  std::mt19937_64 rng_;
  int draws_;
  std::vector<core::Server*> serving_;     // scratch
  std::vector<core::Server*> candidates_;  // scratch: serving servers that can take it
};

}  // namespace ferry::balancer
