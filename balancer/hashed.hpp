// The hashing algorithms: `balance source` (the client's address) and `balance uri`,
// `url_param`, `hdr(name)` (bytes of the request, PickRequest::key), over the weighted map
// (`hash-type map-based`, the default: server = map[hash % size]) or the consistent-hash ring
// (hash_ring.hpp). The key's bytes are hashed by the hash-type's function, then mixed by
// `avalanche` if asked or on the consistent ring (the address of `source` is only mixed). A request
// with nothing to hash is balanced round robin over the map, as HAProxy 2.6 does.
#pragma once

#include <cstdint>
#include <optional>

#include "balancer/server_map.hpp"

namespace ferry::balancer {

// The hash of `request` under `algo` and `conf`; nullopt when it has nothing to hash.
std::optional<uint32_t> pick_hash(conf::Balance algo, const conf::HashConf& conf,
                                  const core::PickRequest& request);

class MapHash final : public MapBalancer {
 public:
  MapHash(conf::Balance algo, conf::HashConf conf, std::vector<core::Server*> servers,
          bool allbackups)
      : MapBalancer(std::move(servers), allbackups), algo_(algo), conf_(std::move(conf)) {}

  std::string_view stats_name() const override { return conf::to_string(algo_); }
  core::PickResult pick(const core::PickRequest& request) override;

 private:
  conf::Balance algo_;
  conf::HashConf conf_;
};

}  // namespace ferry::balancer
