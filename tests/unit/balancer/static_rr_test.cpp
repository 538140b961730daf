#include <doctest/doctest.h>

#include "balancer/server_map.hpp"
#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

std::string names(const std::vector<core::Server*>& map) {
  std::string out;
  for (const core::Server* s : map)
    out += (out.empty() ? "" : " ") + s->name;
  return out;
}

TEST_CASE("server map: smooth fill, first declared wins ties, weights divided by their gcd") {
  Farm f;
  SUBCASE("equal") {
    f.weights({1, 1, 1});
    CHECK(names(build_server_map(f.servers(), weight_gcd(f.servers()))) == "b1 b2 b3");
  }
  SUBCASE("1,2,3") {
    f.weights({1, 2, 3});
    CHECK(names(build_server_map(f.servers(), 1)) == "b1 b3 b2 b3 b2 b3");
  }
  SUBCASE("gcd") {
    f.weights({20, 10, 10});
    CHECK(weight_gcd(f.servers()) == 10);
    CHECK(names(build_server_map(f.servers(), 10)) == "b1 b1 b2 b3");
  }
  SUBCASE("zero weights do not count in the gcd") {
    f.weights({0, 4, 6});
    CHECK(weight_gcd(f.servers()) == 2);
  }
}

TEST_CASE("static-rr: walks the map cyclically") {
  Farm f;
  f.weights({1, 2, 3});
  auto lb = f.make(Balance::StaticRr);
  CHECK(lb->stats_name() == "static-rr");
  CHECK(lb->is_static());
  CHECK(sequence(*lb, 12) == repeat("b1 b3 b2 b3 b2 b3", 2));
}

TEST_CASE("static-rr: servers going down and up rebuild the map") {
  Farm f;
  f.weights({1, 1, 1});
  auto lb = f.make(Balance::StaticRr);
  CHECK(sequence(*lb, 2) == "b1 b2");
  f[1].op = core::OpState::Stopped;
  lb->updated(f[1]);
  // The map is now b1 b3: the cursor (slot 2) is past its end and restarts at slot 0.
  CHECK(sequence(*lb, 3) == "b1 b3 b1");
  f[1].op = core::OpState::Running;
  lb->updated(f[1]);
  // Map b1 b2 b3 again: the cursor (slot 1) is kept across the rebuild.
  CHECK(sequence(*lb, 4) == "b2 b3 b1 b2");
}

TEST_CASE("static-rr: a cursor past the end of a smaller map restarts at slot 0, not modulo") {
  Farm f;
  f.weights({2, 2, 9, 8});  // observed on haproxy 2.6.12
  auto lb = f.make(Balance::StaticRr);
  sequence(*lb, 20);
  f[3].admin_flags = core::admin::kForcedMaint;
  lb->updated(f[3]);
  CHECK(sequence(*lb, 8) == "b1 b3 b3 b2 b3 b3 b1 b3");
}

TEST_CASE("static-rr: a full or tried server is passed over") {
  Farm f;
  f.add(1, false, 1);
  f.add(1);
  f.add(1);
  auto lb = f.make(Balance::StaticRr);
  CHECK(connect(*lb, true) == &f[0]);
  CHECK(sequence(*lb, 4) == "b2 b3 b2 b3");
  std::vector<core::Server*> tried{&f[1]};
  core::PickRequest req{nullptr, tried, {}};
  CHECK(sequence(*lb, 3, false, req) == "b3 b3 b3");
}

}  // namespace
}  // namespace ferry::balancer::test
