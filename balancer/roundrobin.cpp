#include "balancer/roundrobin.hpp"

#include <algorithm>
#include <cassert>

namespace ferry::balancer {

namespace {
constexpr int64_t kEwMax = 4096;   // largest effective weight: 256 * 16
constexpr int64_t kUwRange = 256;  // position weight of a curr key, above the weight tiebreak
constexpr int64_t kEwScale = 16;   // effective weight units per user weight unit
}  // namespace

RoundRobin::RoundRobin(std::vector<core::Server*> servers, bool allbackups)
    : groups_(std::move(servers), allbackups), slots_(groups_.servers().size()) {
  // Every usable server starts in `init`, heaviest first, ties in declaration order.
  for (core::Server* s : groups_.servers()) {
    if (!groups_.usable(*s)) continue;
    Cycle& c = cycle_of(*s);
    slots_[s->index].ew = s->eweight();
    c.next_weight += s->eweight();
    enqueue_by_weight(c, s->index, c.init);
  }
  for (Cycle& c : cycles_)
    c.curr_pos = c.curr_weight = c.next_weight;
}

void RoundRobin::enqueue(Cycle& c, size_t i, int queue, uint64_t key) {
  Slot& slot = slots_[i];
  assert(slot.queue == kOut);
  slot.entry = Entry{key, seq_++, i};
  slot.queue = queue;
  c.queues[queue].insert(slot.entry);
}

void RoundRobin::enqueue_by_weight(Cycle& c, size_t i, int queue) {
  enqueue(c, i, queue, static_cast<uint64_t>(kEwMax - slots_[i].ew));
}

void RoundRobin::dequeue(Cycle& c, size_t i) {
  Slot& slot = slots_[i];
  if (slot.queue == kOut) return;
  c.queues[slot.queue].erase(slot.entry);
  slot.queue = kOut;
}

// Puts a dequeued server back: into `curr` by due position while that position stays within
// this cycle (below 2 * curr_weight and curr_weight + next_weight), else into `next` (by weight)
// with its position rebased on the next cycle.
void RoundRobin::requeue(Cycle& c, size_t i) {
  Slot& s = slots_[i];
  if (s.npos >= 2 * c.curr_weight || s.npos >= c.curr_weight + c.next_weight) {
    s.npos -= c.curr_weight;
    enqueue_by_weight(c, i, c.next());
    return;
  }
  const int64_t key = kUwRange * s.npos + (kEwMax + s.rweight - s.ew) / kEwScale;
  enqueue(c, i, kCurr, static_cast<uint64_t>(std::max<int64_t>(key, 0)));
}

// The server the cycle offers next: the first of `curr` when it is due, else the first of
// `init` (starting afresh), else the first of `curr` even if early; nullopt when both are empty.
std::optional<size_t> RoundRobin::head(Cycle& c) {
  const std::set<Entry>& curr = c.queues[kCurr];
  if (!curr.empty()) {
    const size_t i = std::get<2>(*curr.begin());
    if (slots_[i].npos <= c.curr_pos) return i;
  }
  const std::set<Entry>& init = c.queues[c.init];
  if (!init.empty()) {
    const size_t i = std::get<2>(*init.begin());
    slots_[i].npos = slots_[i].rweight = 0;
    return i;
  }
  if (!curr.empty()) return std::get<2>(*curr.begin());
  return std::nullopt;
}

// Takes server i out of its queue and moves its due position one step ahead.
void RoundRobin::consume(Cycle& c, size_t i) {
  Slot& s = slots_[i];
  if (s.npos == 0) s.npos = c.curr_pos;
  s.lpos = s.npos;
  s.npos += c.next_weight / s.ew;
  s.rweight += c.next_weight % s.ew;
  if (s.rweight >= s.ew) {
    s.rweight -= s.ew;
    ++s.npos;
  }
  dequeue(c, i);
  ++c.curr_pos;
}

core::Server* RoundRobin::pick_in(Cycle& c, Scan& scan) {
  if (c.curr_weight == 0) c.curr_pos = c.curr_weight = c.next_weight;
  aside_.clear();
  core::Server* chosen = nullptr;
  bool switched = false;
  for (;;) {
    const std::optional<size_t> i = head(c);
    if (!i) {
      if (switched) break;
      // The cycle is over: `next` becomes `init` and a new cycle starts.
      switched = true;
      c.init = c.next();
      c.curr_pos = c.curr_weight = c.next_weight;
      continue;
    }
    consume(c, *i);
    core::Server* s = groups_.servers()[*i];
    if (scan.takes(*s)) {
      chosen = s;
      requeue(c, *i);
      break;
    }
    aside_.push_back(*i);
  }
  for (size_t i : aside_)
    requeue(c, i);
  return chosen;
}

core::PickResult RoundRobin::pick(const core::PickRequest& request) {
  Scan scan(request);
  const std::optional<Tier> tier = groups_.serving_tier();
  if (!tier) return scan.none();
  if (core::Server* sole = groups_.sole_server()) return scan.only(*sole);
  core::Server* s = pick_in(cycles_[tier_index(*tier)], scan);
  return s ? scan.found(s) : scan.none();
}

// A server (re)entering its tier mid-cycle is placed at the share of the remaining window its
// weight gives it, so it neither floods the cycle nor waits a whole one. It keeps the remainder
// (rweight) it carried when it left, as haproxy 2.6.12 does.
void RoundRobin::join(Cycle& c, size_t i, int64_t ew) {
  Slot& s = slots_[i];
  s.ew = ew;
  c.next_weight += ew;
  s.npos = c.curr_pos + (c.next_weight + c.curr_weight - c.curr_pos) / ew;
  requeue(c, i);
}

void RoundRobin::leave(Cycle& c, size_t i) {
  Slot& s = slots_[i];
  c.next_weight -= s.ew;
  dequeue(c, i);
  s.ew = 0;
}

// A weight change while the server stays usable (set weight, slowstart): a server waiting in
// `init` is re-sorted by its new weight; otherwise its next turn becomes one new step after the
// position it was last due at, never later than it was already due, and never in the next two
// positions (then one full step from now). Behaviour checked side by side with haproxy 2.6.12.
void RoundRobin::reweigh(Cycle& c, size_t i, int64_t ew) {
  Slot& s = slots_[i];
  c.next_weight += ew - s.ew;
  s.ew = ew;
  const int queue = s.queue;
  dequeue(c, i);
  if (queue == c.init) {
    enqueue_by_weight(c, i, c.init);
    return;
  }
  if (queue == c.next()) s.npos += c.curr_weight;  // back to this cycle's positions
  const int64_t step = c.next_weight / ew;
  s.npos = std::min(s.npos, s.lpos + step);
  if (s.npos < c.curr_pos + 2) s.npos = c.curr_pos + step;
  s.rweight = 0;
  requeue(c, i);
}

void RoundRobin::updated(core::Server& server) {
  groups_.refresh(server);
  const size_t i = server.index;
  const int64_t ew = server.usable() ? server.eweight() : 0;
  const int64_t was = slots_[i].ew;
  if (ew == was) return;
  Cycle& c = cycle_of(server);
  if (was == 0) {
    join(c, i, ew);
  } else if (ew == 0) {
    leave(c, i);
  } else {
    reweigh(c, i, ew);
  }
}

}  // namespace ferry::balancer
