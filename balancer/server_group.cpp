#include "balancer/server_group.hpp"

#include <algorithm>
#include <cassert>

namespace ferry::balancer {

Fit fit(const core::Server& server, const core::PickRequest& request) {
  if (!server.usable()) return Fit::Skip;
  if (std::find(request.tried.begin(), request.tried.end(), &server) != request.tried.end()) {
    return Fit::Skip;
  }
  return server.full() ? Fit::Full : Fit::Take;
}

ServerGroups::ServerGroups(std::vector<core::Server*> servers, bool allbackups)
    : servers_(std::move(servers)), usable_(servers_.size(), 0), allbackups_(allbackups) {
  for (size_t i = 0; i < servers_.size(); ++i) {
    assert(servers_[i]->index == i);
    refresh(*servers_[i]);
  }
}

bool ServerGroups::refresh(const core::Server& server) {
  assert(server.index < servers_.size() && servers_[server.index] == &server);
  const char now = server.usable() ? 1 : 0;
  char& seen = usable_[server.index];
  if (seen == now) return false;
  seen = now;
  size_t& count = usable_count_[tier_index(tier_of(server))];
  count = now ? count + 1 : count - 1;
  return true;
}

std::optional<Tier> ServerGroups::serving_tier() const {
  if (usable_count_[tier_index(Tier::Active)] > 0) return Tier::Active;
  if (usable_count_[tier_index(Tier::Backup)] > 0) return Tier::Backup;
  return std::nullopt;
}

core::Server* ServerGroups::sole_server() const {
  if (allbackups_ || serving_tier() != Tier::Backup) return nullptr;
  for (core::Server* s : servers_) {
    if (s->backup && usable(*s)) return s;
  }
  return nullptr;
}

void ServerGroups::serving(std::vector<core::Server*>& out) const {
  out.clear();
  const std::optional<Tier> tier = serving_tier();
  if (!tier) return;
  if (core::Server* sole = sole_server()) {
    out.push_back(sole);
    return;
  }
  for (core::Server* s : servers_) {
    if (tier_of(*s) == *tier && usable(*s)) out.push_back(s);
  }
}

}  // namespace ferry::balancer
