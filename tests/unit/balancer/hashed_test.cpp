// The hashing algorithms of `balance uri|url_param|hdr` and `hash-type`: the hash functions,
// the map-based and consistent picks, and what happens without a key or when the hashed server
// cannot take the request. That the same key reaches the same server as in HAProxy 2.6 is
// checked side by side in tests/integration/http_sticky.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "balancer/hash_function.hpp"
#include "balancer/hash_ring.hpp"
#include "balancer/server_map.hpp"
#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

core::Server* with_key(core::LoadBalancer& lb, std::optional<std::string_view> key,
                       std::span<core::Server* const> tried = {}) {
  return lb.pick(core::PickRequest{nullptr, tried, key}).server;
}

TEST_CASE("hash functions: sdbm, djb2, crc32 and the avalanche mix") {
  CHECK(hash_sdbm("") == 0);
  CHECK(hash_sdbm("a") == 97);
  CHECK(hash_sdbm("ab") == 97u * 65599u + 98u);  // sdbm multiplies by 65599
  CHECK(hash_djb2("") == 5381);
  CHECK(hash_djb2("a") == 5381u * 33u + 97u);
  CHECK(hash_crc32("123456789") == 0xcbf43926u);  // the CRC-32 check value
  CHECK(avalanche(0) != 0);
  CHECK(avalanche(1) != avalanche(2));
}

TEST_CASE("uri map-based: the key's sdbm hash modulo the weighted map") {
  Farm f;
  f.weights({1, 2, 1});
  auto lb = f.make(Balance::Uri);
  CHECK(lb->stats_name() == "uri");
  CHECK(lb->is_static());
  const std::vector<core::Server*> map = build_server_map(f.servers(), 1);
  for (std::string_view key : {"/a", "/b", "/c", "/img/1.png", "/foo/bar"})
    CHECK(with_key(*lb, key) == map[hash_sdbm(key) % map.size()]);
  // The same key always gives the same server.
  CHECK(with_key(*lb, "/a") == with_key(*lb, "/a"));
}

TEST_CASE("a request without a key is balanced round robin over the map") {
  Farm f;
  f.weights({1, 1});
  auto lb = f.make(Balance::UrlParam);
  std::set<core::Server*> seen;
  for (int i = 0; i < 4; ++i)
    seen.insert(with_key(*lb, std::nullopt));
  CHECK(seen.size() == 2);
}

TEST_CASE("a hashed server already tried passes the request on") {
  Farm f;
  f.weights({1, 1, 1});
  conf::HashConf h;
  for (bool consistent : {false, true}) {
    h.consistent = consistent;
    auto lb = f.make(Balance::Uri, false, 1, h);
    core::Server* first = with_key(*lb, "/x");
    REQUIRE(first != nullptr);
    core::Server* tried[] = {first};
    core::Server* next = with_key(*lb, "/x", tried);
    CHECK(next != nullptr);
    CHECK(next != first);
  }
}

TEST_CASE("consistent ring: 16 points per weight at avalanche(id * 4096 + i)") {
  Farm f;
  f.weights({1, 2});
  const std::vector<RingPoint> ring = build_ring(f.servers());
  CHECK(ring.size() == 48);
  size_t of_b1 = 0;
  for (const RingPoint& p : ring)
    of_b1 += p.server == &f[0];
  CHECK(of_b1 == 16);
  CHECK(std::is_sorted(ring.begin(), ring.end(),
                       [](const RingPoint& a, const RingPoint& b) { return a.key < b.key; }));
  // The nearest point: the one before on a tie, around the ring's end.
  std::vector<RingPoint> small = {{100, &f[0]}, {200, &f[1]}};
  CHECK(nearest_point(small, 150) == 0);
  CHECK(nearest_point(small, 151) == 1);
  CHECK(nearest_point(small, 0xffffffffu) == 0);
  CHECK(nearest_point(small, 50) == 0);
}

TEST_CASE("consistent ring: a server leaving moves only its own keys") {
  Farm f;
  f.weights({1, 1, 1, 1});
  conf::HashConf h;
  h.consistent = true;
  auto lb = f.make(Balance::Uri, false, 1, h);
  CHECK_FALSE(lb->is_static());
  std::vector<std::string> keys;
  std::vector<core::Server*> before;
  for (int i = 0; i < 200; ++i) {
    keys.push_back("/k" + std::to_string(i));
    before.push_back(with_key(*lb, keys.back()));
  }
  f[1].admin_flags |= core::admin::kForcedMaint;
  lb->updated(f[1]);
  for (size_t i = 0; i < keys.size(); ++i) {
    core::Server* now = with_key(*lb, keys[i]);
    CHECK(now != &f[1]);
    if (before[i] != &f[1]) CHECK(now == before[i]);
  }
}

}  // namespace
}  // namespace ferry::balancer::test
