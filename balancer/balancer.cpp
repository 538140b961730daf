#include "balancer/balancer.hpp"

#include "balancer/first.hpp"
#include "balancer/hash_ring.hpp"
#include "balancer/hashed.hpp"
#include "balancer/leastconn.hpp"
#include "balancer/random.hpp"
#include "balancer/roundrobin.hpp"
#include "balancer/static_rr.hpp"

namespace ferry::balancer {

std::unique_ptr<core::LoadBalancer> make_balancer(conf::Balance algo, const conf::HashConf& hash,
                                                  std::vector<core::Server*> servers,
                                                  bool allbackups, uint64_t seed) {
  switch (algo) {
    case conf::Balance::RoundRobin:
      return std::make_unique<RoundRobin>(std::move(servers), allbackups);
    case conf::Balance::StaticRr:
      return std::make_unique<StaticRr>(std::move(servers), allbackups);
    case conf::Balance::LeastConn:
      return std::make_unique<LeastConn>(std::move(servers), allbackups);
    case conf::Balance::First:
      return std::make_unique<First>(std::move(servers), allbackups);
    case conf::Balance::Source:
    case conf::Balance::Uri:
    case conf::Balance::UrlParam:
    case conf::Balance::Hdr:
      if (hash.consistent)
        return std::make_unique<HashRing>(algo, hash, std::move(servers), allbackups);
      return std::make_unique<MapHash>(algo, hash, std::move(servers), allbackups);
    case conf::Balance::Random:
      return std::make_unique<Random>(std::move(servers), allbackups, seed);
  }
  return std::make_unique<RoundRobin>(std::move(servers), allbackups);
}

}  // namespace ferry::balancer
