#include <doctest/doctest.h>

#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

TEST_CASE("random: stats name is HAProxy 2.6's \"unknown\"") {
  Farm f;
  f.weights({1});
  auto lb = f.make(Balance::Random);
  CHECK(lb->stats_name() == "unknown");
  CHECK_FALSE(lb->is_static());
}

TEST_CASE("random: the same seed gives the same choices, another seed others") {
  Farm f;
  f.weights({1, 1, 1, 1});
  auto a = f.make(Balance::Random, false, 42);
  auto b = f.make(Balance::Random, false, 42);
  auto c = f.make(Balance::Random, false, 43);
  const std::string sa = sequence(*a, 64);
  CHECK(sa == sequence(*b, 64));
  CHECK(sa != sequence(*c, 64));
}

TEST_CASE("random: draws are weighted") {
  Farm f;
  f.weights({3, 1});
  auto lb = f.make(Balance::Random, false, 7);
  // Idle servers tie, so the later draw wins: P(b1) = 3/4.
  auto t = tally(*lb, 8000);
  CHECK(t["b1"] == doctest::Approx(6000).epsilon(0.03));
  CHECK(t["b2"] == doctest::Approx(2000).epsilon(0.08));
}

TEST_CASE("random: of two draws the less loaded one wins") {
  Farm f;
  f.weights({1, 1});
  auto lb = f.make(Balance::Random, false, 9);
  for (int i = 0; i < 5; ++i)
    take(*lb, f[0]);
  // b1 only when both draws are b1.
  auto t = tally(*lb, 8000);
  CHECK(t["b1"] == doctest::Approx(2000).epsilon(0.08));
  CHECK(t["b2"] == doctest::Approx(6000).epsilon(0.03));
}

TEST_CASE("random: load is measured per unit of weight") {
  Farm f;
  f.weights({4, 1});
  auto lb = f.make(Balance::Random, false, 11);
  for (int i = 0; i < 3; ++i)
    take(*lb, f[0]);  // 3/64 per weight
  take(*lb, f[1]);    // 1/16 per weight: busier
  // b2 only when both draws are b2: 1/25.
  auto t = tally(*lb, 10000);
  CHECK(t["b2"] == doctest::Approx(400).epsilon(0.25));
}

TEST_CASE("random: with held connections the load evens out") {
  Farm f;
  f.weights({1, 1, 1});
  auto lb = f.make(Balance::Random, false, 5);
  for (int i = 0; i < 300; ++i)
    connect(*lb, true);
  for (int i = 0; i < 3; ++i) {
    CHECK(f[i].served >= 80);
    CHECK(f[i].served <= 120);
  }
}

}  // namespace
}  // namespace ferry::balancer::test
