#include "balancer/hashed.hpp"

#include "balancer/hash_function.hpp"
#include "balancer/source.hpp"

namespace ferry::balancer {

std::optional<uint32_t> pick_hash(conf::Balance algo, const conf::HashConf& conf,
                                  const core::PickRequest& request) {
  std::optional<uint32_t> h;
  if (algo == conf::Balance::Source)
    h = source_hash(request.client);
  else if (request.key)
    h = hash_key(conf.function, *request.key);
  // HAProxy 2.6 mixes every hash it looks up on the consistent ring, avalanche or not
  // (observed: the same servers as haproxy only so).
  if (h && (conf.avalanche || conf.consistent)) h = avalanche(*h);
  return h;
}

core::PickResult MapHash::pick(const core::PickRequest& request) {
  // With a single serving server every slot holds it, so the hash needs no special case.
  const std::optional<uint32_t> h = pick_hash(algo_, conf_, request);
  return h ? pick_from(*h, request) : pick_rr(request);
}

}  // namespace ferry::balancer
