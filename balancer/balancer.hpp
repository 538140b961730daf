// The balancer layer's entry point: builds the algorithm a backend's `balance` line names.
// Each algorithm lives in its own file (roundrobin, static_rr, leastconn, first, random, hashed:
// source, uri, url_param, hdr); which servers are eligible at all is decided in one place,
// server_group.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "conf/model.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer {

// `servers` in declaration order, servers[i]->index == i; they must outlive the balancer.
// `hash`: what the hashing algorithms hash and how (hash-type). `allbackups`: `option
// allbackups`. `seed` feeds the random algorithm's generator.
std::unique_ptr<core::LoadBalancer> make_balancer(conf::Balance algo, const conf::HashConf& hash,
                                                  std::vector<core::Server*> servers,
                                                  bool allbackups, uint64_t seed);

}  // namespace ferry::balancer
