// `hash-type consistent`: every serving server owns eweight points on a 32-bit ring (16 per
// unit of weight, fewer while slowstart ramps up), point i of the server with id N at
// avalanche(N * 4096 + i), as HAProxy 2.6 places them, so the same request goes to the same
// server in both. A hash goes to the point nearest to it (the one before on a tie); a server
// that cannot take the request (tried, full) passes it to the next point's. Without a hash
// (nothing to hash in the request) the ring is walked round robin. A server going down moves
// only its own share; the ring is rebuilt on the first pick after any change.
#pragma once

#include <cstdint>
#include <vector>

#include "balancer/server_group.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer {

struct RingPoint {
  uint32_t key;
  core::Server* server;
};

// The ring of `serving`, sorted by key (points of equal key in declaration order).
std::vector<RingPoint> build_ring(std::span<core::Server* const> serving);
// The index of the point nearest to `hash` in a non-empty ring.
size_t nearest_point(const std::vector<RingPoint>& ring, uint32_t hash);

class HashRing final : public core::LoadBalancer {
 public:
  HashRing(conf::Balance algo, conf::HashConf conf, std::vector<core::Server*> servers,
           bool allbackups)
      : algo_(algo), conf_(std::move(conf)), groups_(std::move(servers), allbackups) {}

  std::string_view stats_name() const override { return conf::to_string(algo_); }
  core::PickResult pick(const core::PickRequest& request) override;
  void updated(core::Server& server) override;

 private:
  const std::vector<RingPoint>& ring();

  conf::Balance algo_;
  conf::HashConf conf_;
  ServerGroups groups_;
  std::vector<RingPoint> ring_;
  std::vector<core::Server*> serving_;  // scratch for rebuilds
  bool stale_ = true;
  size_t rr_next_ = 0;  // the point round robin looks at first
};

}  // namespace ferry::balancer
