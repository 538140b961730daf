#include <doctest/doctest.h>

#include "balancer/source.hpp"
#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

core::Server* from(core::LoadBalancer& lb, const core::SockAddr& client,
                   std::span<core::Server* const> tried = {}) {
  return lb.pick(core::PickRequest{&client, tried, {}}).server;
}

TEST_CASE("source: hash of IPv4 and IPv6 addresses") {
  core::SockAddr v4 = ipv4("127.0.0.1");
  CHECK(source_hash(&v4) == 0x7f000001u);
  core::SockAddr v6 = ipv6("2001:db8:0:1::7");
  CHECK(source_hash(&v6) == (0x20010db8u ^ 0x00000001u ^ 0x00000007u));
  core::SockAddr local = unix_path();
  CHECK_FALSE(source_hash(&local).has_value());
  CHECK_FALSE(source_hash(nullptr).has_value());
}

TEST_CASE("source: 127.0.0.1 with three equal servers always goes to b3") {
  Farm f;
  f.weights({1, 1, 1});
  auto lb = f.make(Balance::Source);
  CHECK(lb->stats_name() == "source");
  CHECK(lb->is_static());
  core::SockAddr client = ipv4("127.0.0.1");  // 0x7f000001 % 3 = 2
  for (int i = 0; i < 5; ++i)
    CHECK(from(*lb, client) == &f[2]);
  CHECK(from(*lb, ipv4("127.0.0.2")) == &f[0]);
  CHECK(from(*lb, ipv4("127.0.0.3")) == &f[1]);
  CHECK(from(*lb, ipv6("::1")) == &f[1]);
}

TEST_CASE("source: the map carries the weights") {
  Farm f;
  f.weights({1, 2, 3});  // map: b1 b3 b2 b3 b2 b3
  auto lb = f.make(Balance::Source);
  CHECK(from(*lb, ipv4("127.0.0.2")) == &f[0]);  // % 6 = 0
  CHECK(from(*lb, ipv4("127.0.0.3")) == &f[2]);  // % 6 = 1
  CHECK(from(*lb, ipv4("127.0.0.4")) == &f[1]);  // % 6 = 2
}

TEST_CASE("source: clients without an IP get round robin over the map") {
  Farm f;
  f.weights({1, 1});
  auto lb = f.make(Balance::Source);
  core::SockAddr local = unix_path();
  CHECK(sequence(*lb, 4, false, core::PickRequest{&local, {}, {}}) == "b1 b2 b1 b2");
  CHECK(sequence(*lb, 4) == "b1 b2 b1 b2");  // no address at all
}

TEST_CASE("source: the map is rebuilt when servers change, one server takes all") {
  Farm f;
  f.weights({1, 1, 1});
  auto lb = f.make(Balance::Source);
  core::SockAddr client = ipv4("127.0.0.1");
  f[2].admin_flags = core::admin::kForcedMaint;
  lb->updated(f[2]);
  CHECK(from(*lb, client) == &f[1]);  // % 2 = 1
  f[1].op = core::OpState::Stopped;
  lb->updated(f[1]);
  CHECK(from(*lb, client) == &f[0]);
  CHECK(from(*lb, ipv4("10.1.2.3")) == &f[0]);
  f[2].admin_flags = 0;
  lb->updated(f[2]);
  CHECK(from(*lb, client) == &f[2]);  // map b1 b3, % 2 = 1
}

TEST_CASE("source: a tried or full hashed server passes to the next one in the map") {
  Farm f;
  f.add(1, false, 1);
  f.add(1, false, 1);
  f.add(1, false, 1);
  auto lb = f.make(Balance::Source);
  core::SockAddr client = ipv4("127.0.0.1");
  std::vector<core::Server*> tried{&f[2]};
  CHECK(from(*lb, client, tried) == &f[0]);  // slot 2 tried, wraps to slot 0
  take(*lb, f[2]);                           // b3 full
  CHECK(from(*lb, client) == &f[0]);
  take(*lb, f[0]);
  CHECK(from(*lb, client) == &f[1]);
  take(*lb, f[1]);
  core::PickResult r = lb->pick(core::PickRequest{&client, {}, {}});
  CHECK(r.server == nullptr);
  CHECK(r.saturated);
}

}  // namespace
}  // namespace ferry::balancer::test
