#include <doctest/doctest.h>

#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

TEST_CASE("first: maxconn 2 each fills servers in id order") {
  Farm f;
  for (int i = 0; i < 3; ++i)
    f.add(1, false, 2);
  auto lb = f.make(Balance::First);
  CHECK(lb->stats_name() == "first");
  CHECK(sequence(*lb, 6, true) == "b1 b1 b2 b2 b3 b3");
  core::PickResult r = lb->pick({});
  CHECK(r.server == nullptr);
  CHECK(r.saturated);
  release(*lb, f[1]);
  CHECK(connect(*lb, true) == &f[1]);
}

TEST_CASE("first: without maxconn the first server takes everything") {
  Farm f;
  f.weights({1, 10});
  auto lb = f.make(Balance::First);
  CHECK(sequence(*lb, 4, true) == "b1 b1 b1 b1");
}

TEST_CASE("first: order is by id, not declaration") {
  Farm f;
  f.weights({1, 1, 1});
  f[0].id = 30;
  f[1].id = 10;
  f[2].id = 20;
  auto lb = f.make(Balance::First);
  CHECK(connect(*lb) == &f[1]);
  f[1].admin_flags = core::admin::kForcedDrain;
  lb->updated(f[1]);
  CHECK(connect(*lb) == &f[2]);
}

TEST_CASE("first: weight changes are accepted and weight 0 removes the server") {
  Farm f;
  f.weights({1, 1});
  auto lb = f.make(Balance::First);
  CHECK_FALSE(lb->is_static());
  f[0].uweight = 0;
  lb->updated(f[0]);
  CHECK(connect(*lb) == &f[1]);
  f[0].uweight = 7;
  lb->updated(f[0]);
  CHECK(connect(*lb) == &f[0]);
}

}  // namespace
}  // namespace ferry::balancer::test
