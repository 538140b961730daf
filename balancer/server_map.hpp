// The lookup table of the map-based algorithms, static-rr and source (reference 4.5), and the
// base class they share. Every serving server appears weight/gcd times (gcd of the configured
// weights of all the backend's servers), spread by a smooth fill: for each slot every server adds
// its weight to its score, the highest (score + total) / total wins (first declared on ties) and
// gives back `total`. The map is rebuilt lazily, on the first pick after any server changed; the
// round-robin cursor survives a rebuild unless it now points past the end (then it restarts at the
// first slot, as HAProxy's does).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "balancer/server_group.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer {

// Greatest common divisor of the non-zero configured weights (iweight); 1 when there are none.
int weight_gcd(std::span<core::Server* const> servers);

// The map of `serving` (declaration order), each server weighted uweight / gcd (at least 1).
std::vector<core::Server*> build_server_map(std::span<core::Server* const> serving, int gcd);

class MapBalancer : public core::LoadBalancer {
 public:
  bool is_static() const override { return true; }
  void updated(core::Server& server) override;

 protected:
  MapBalancer(std::vector<core::Server*> servers, bool allbackups);

  // The current map, rebuilt first if a server changed since the last build.
  const std::vector<core::Server*>& map();
  // Walks the map cyclically from the round-robin cursor; the cursor moves past the chosen slot.
  core::PickResult pick_rr(const core::PickRequest& request);
  // The server at `slot` (modulo the map size), or the next acceptable one walking forward.
  core::PickResult pick_from(size_t slot, const core::PickRequest& request);

 private:
  std::optional<size_t> find_from(size_t slot, Scan& scan);

  ServerGroups groups_;
  int gcd_;
  std::vector<core::Server*> map_;
  std::vector<core::Server*> serving_;  // scratch for rebuilds
  bool stale_ = true;
  size_t rr_next_ = 0;  // the slot round robin looks at first
};

}  // namespace ferry::balancer
