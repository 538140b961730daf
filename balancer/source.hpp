// `balance source` with the default map-based hashing (reference 4.5): the client's IP picks a
// slot of the weighted map, h % size, with h = the IPv4 address as a host-order number or the XOR
// of the four host-order words of an IPv6 address (no avalanche). Clients without an IP (UNIX
// frontends) get round robin over the map, as HAProxy 2.6 does. When the hashed server cannot take
// the connection (tried, full) the map is walked forward to the next one that can.
#pragma once

#include <cstdint>
#include <optional>

#include "balancer/server_map.hpp"

namespace ferry::balancer {

// The hash of an IPv4 or IPv6 address; nullopt for any other family (or no address).
std::optional<uint32_t> source_hash(const core::SockAddr* client);

class Source final : public MapBalancer {
 public:
  Source(std::vector<core::Server*> servers, bool allbackups)
      : MapBalancer(std::move(servers), allbackups) {}

  std::string_view stats_name() const override { return "source"; }
  core::PickResult pick(const core::PickRequest& request) override;
};

}  // namespace ferry::balancer
