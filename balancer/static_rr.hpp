// `balance static-rr` (reference 4.2, 4.5): the weighted map walked cyclically. Static: weights
// may only go to 0% or 100% at run time.
#pragma once

#include "balancer/server_map.hpp"

namespace ferry::balancer {

class StaticRr final : public MapBalancer {
 public:
  StaticRr(std::vector<core::Server*> servers, bool allbackups)
      : MapBalancer(std::move(servers), allbackups) {}

  std::string_view stats_name() const override { return "static-rr"; }
  core::PickResult pick(const core::PickRequest& request) override { return pick_rr(request); }
};

}  // namespace ferry::balancer
