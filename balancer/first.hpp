// `balance first` (reference 4.4): servers in id order; the first usable one with a free slot
// takes the connection, so each fills up to its maxconn before the next one gets any. Weights
// play no part in the choice.
#pragma once

#include <array>
#include <vector>

#include "balancer/server_group.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer {

class First final : public core::LoadBalancer {
 public:
  First(std::vector<core::Server*> servers, bool allbackups);

  std::string_view stats_name() const override { return "first"; }
  core::PickResult pick(const core::PickRequest& request) override;
  void updated(core::Server& server) override { groups_.refresh(server); }

 private:
  ServerGroups groups_;
  std::array<std::vector<core::Server*>, 2> by_id_;  // per Tier, ascending id
};

}  // namespace ferry::balancer
