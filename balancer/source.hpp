// The hash of `balance source` (reference 4.5): h = the IPv4 address as a host-order number or
// the XOR of the four host-order words of an IPv6 address. Clients without an IP (UNIX
// frontends) have none, and are balanced round robin, as HAProxy 2.6 does (balancer/hashed.hpp).
#pragma once

#include <cstdint>
#include <optional>

#include "core/sockaddr.hpp"

namespace ferry::balancer {

// The hash of an IPv4 or IPv6 address; nullopt for any other family (or no address).
std::optional<uint32_t> source_hash(const core::SockAddr* client);

}  // namespace ferry::balancer
