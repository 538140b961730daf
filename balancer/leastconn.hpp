// `balance leastconn` (reference 4.3): each tier keeps its usable servers ordered by
// key = 0 when idle, else (inflight + 1) * 4096 / eweight, with inflight = served (HAProxy adds
// the server's own queue, which ferry never fills: it has no persistence).
// The lowest key wins; equal keys go to the server (re)inserted earliest, and a server moves
// behind its equals whenever its key changes (taken, released) or its weight changes.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <tuple>
#include <vector>

#include "balancer/server_group.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer {

class LeastConn final : public core::LoadBalancer {
 public:
  LeastConn(std::vector<core::Server*> servers, bool allbackups);

  std::string_view stats_name() const override { return "leastconn"; }
  core::PickResult pick(const core::PickRequest& request) override;
  void taken(core::Server& server) override { reposition(server); }
  void released(core::Server& server) override { reposition(server); }
  void updated(core::Server& server) override;

 private:
  // (key, insertion sequence, server index)
  using Entry = std::tuple<uint64_t, uint64_t, size_t>;

  struct Slot {
    int64_t ew = 0;  // eweight the key was computed with; 0 while out of its tier
    Entry entry{};
  };

  std::set<Entry>& tree_of(const core::Server& s) { return trees_[tier_index(tier_of(s))]; }
  uint64_t key_of(const core::Server& server, int64_t ew) const;
  void insert(core::Server& server);
  void reposition(core::Server& server);

  ServerGroups groups_;
  std::vector<Slot> slots_;               // indexed by Server::index
  std::array<std::set<Entry>, 2> trees_;  // per Tier
  uint64_t seq_ = 0;
};

}  // namespace ferry::balancer
