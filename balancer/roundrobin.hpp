// `balance roundrobin`: HAProxy's dynamic weighted fair round robin (reference 4.2), rebuilt
// from its description. Each tier runs a cycle of positions; a server of effective weight ew is
// due every next_weight/ew positions (the remainder carried in rweight), heavier servers start
// first, ties keep insertion order. Servers that cannot take the connection (tried, at maxconn)
// are consumed as if picked, so the cycle does not stall on them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "balancer/server_group.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer {

class RoundRobin final : public core::LoadBalancer {
 public:
  RoundRobin(std::vector<core::Server*> servers, bool allbackups);

  std::string_view stats_name() const override { return "roundrobin"; }
  core::PickResult pick(const core::PickRequest& request) override;
  void updated(core::Server& server) override;

 private:
  // (sort key, insertion sequence, server index): equal keys keep insertion order.
  using Entry = std::tuple<uint64_t, uint64_t, size_t>;
  static constexpr int kCurr = 0;  // Cycle::queues[kCurr]; the other two swap init/next roles
  static constexpr int kOut = -1;  // Slot::queue when not queued

  // Per-server scheduling state, indexed by Server::index.
  struct Slot {
    int64_t ew = 0;       // eweight the server is scheduled with; 0 while out of its tier
    int64_t npos = 0;     // position it is due at; 0 = not placed in this cycle yet
    int64_t lpos = 0;     // position it was last due at (consumed)
    int64_t rweight = 0;  // remainder of next_weight / ew carried to the next step
    int queue = kOut;
    Entry entry{};
  };

  // One tier's cycle.
  struct Cycle {
    int64_t curr_pos = 0;
    int64_t curr_weight = 0;                // total weight the running cycle was sized for
    int64_t next_weight = 0;                // total weight of the tier now
    std::array<std::set<Entry>, 3> queues;  // kCurr by position; init and next by weight
    int init = 1;                           // index of `init`; `next` is 3 - init
    int next() const { return 3 - init; }
  };

  Cycle& cycle_of(const core::Server& server) { return cycles_[tier_index(tier_of(server))]; }
  void enqueue(Cycle& c, size_t i, int queue, uint64_t key);
  void enqueue_by_weight(Cycle& c, size_t i, int queue);
  void dequeue(Cycle& c, size_t i);
  void requeue(Cycle& c, size_t i);
  std::optional<size_t> head(Cycle& c);
  void consume(Cycle& c, size_t i);
  core::Server* pick_in(Cycle& c, Scan& scan);

  void join(Cycle& c, size_t i, int64_t ew);
  void leave(Cycle& c, size_t i);
  void reweigh(Cycle& c, size_t i, int64_t ew);

  ServerGroups groups_;
  std::vector<Slot> slots_;
  std::array<Cycle, 2> cycles_;  // per Tier
  uint64_t seq_ = 0;
  std::vector<size_t> aside_;  // servers consumed without being chosen, during one pick
};

}  // namespace ferry::balancer
