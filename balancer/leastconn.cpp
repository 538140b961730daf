#include "balancer/leastconn.hpp"

namespace ferry::balancer {

namespace {
constexpr uint64_t kEwMax = 4096;
}  // namespace

LeastConn::LeastConn(std::vector<core::Server*> servers, bool allbackups)
    : groups_(std::move(servers), allbackups), slots_(groups_.servers().size()) {
  for (core::Server* s : groups_.servers()) {
    if (groups_.usable(*s)) insert(*s);
  }
}

uint64_t LeastConn::key_of(const core::Server& server, int64_t ew) const {
  const uint64_t inflight = server.served;  // HAProxy adds the server's queue: never used here
  return inflight == 0 ? 0 : (inflight + 1) * kEwMax / static_cast<uint64_t>(ew);
}

void LeastConn::insert(core::Server& server) {
  Slot& slot = slots_[server.index];
  slot.ew = server.eweight();
  slot.entry = Entry{key_of(server, slot.ew), seq_++, server.index};
  tree_of(server).insert(slot.entry);
}

void LeastConn::reposition(core::Server& server) {
  Slot& slot = slots_[server.index];
  if (slot.ew == 0) return;  // out of its tier: keyed afresh when it comes back
  slot.ew = server.eweight();
  if (std::get<0>(slot.entry) == key_of(server, slot.ew)) return;  // keeps its place
  tree_of(server).erase(slot.entry);
  insert(server);
}

core::PickResult LeastConn::pick(const core::PickRequest& request) {
  Scan scan(request);
  const std::optional<Tier> tier = groups_.serving_tier();
  if (!tier) return scan.none();
  if (core::Server* sole = groups_.sole_server()) return scan.only(*sole);
  for (const Entry& e : trees_[tier_index(*tier)]) {
    core::Server* s = groups_.servers()[std::get<2>(e)];
    if (scan.takes(*s)) return scan.found(s);
  }
  return scan.none();
}

void LeastConn::updated(core::Server& server) {
  groups_.refresh(server);
  Slot& slot = slots_[server.index];
  const bool in = slot.ew != 0;
  const bool usable = server.usable();
  if (in && !usable) {
    tree_of(server).erase(slot.entry);
    slot.ew = 0;
  } else if (!in && usable) {
    insert(server);
  } else if (in && slot.ew != server.eweight()) {
    // A new weight always moves the server behind its equals, even when its key is unchanged.
    tree_of(server).erase(slot.entry);
    insert(server);
  } else if (in) {
    reposition(server);
  }
}

}  // namespace ferry::balancer
