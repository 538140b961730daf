#include <doctest/doctest.h>

#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

TEST_CASE("roundrobin: equal weights go in declaration order") {
  Farm f;
  f.weights({1, 1, 1});
  auto lb = f.make(Balance::RoundRobin);
  CHECK(lb->stats_name() == "roundrobin");
  CHECK_FALSE(lb->is_static());
  CHECK(sequence(*lb, 12) == repeat("b1 b2 b3", 4));
}

TEST_CASE("roundrobin: weights 1,2,3 give the observed interleaving") {
  Farm f;
  f.weights({1, 2, 3});
  auto lb = f.make(Balance::RoundRobin);
  CHECK(sequence(*lb, 36) == repeat("b3 b2 b3 b1 b3 b2", 6));
}

TEST_CASE("roundrobin: weights 5,3,1 give the observed interleaving") {
  Farm f;
  f.weights({5, 3, 1});
  auto lb = f.make(Balance::RoundRobin);
  CHECK(sequence(*lb, 45) == repeat("b1 b1 b2 b1 b3 b2 b1 b1 b2", 5));
}

TEST_CASE("roundrobin: shares follow the weights over many cycles") {
  Farm f;
  f.weights({5, 3, 1, 7});
  auto lb = f.make(Balance::RoundRobin);
  auto t = tally(*lb, 16 * 1000);
  CHECK(t["b1"] == 5000);
  CHECK(t["b2"] == 3000);
  CHECK(t["b3"] == 1000);
  CHECK(t["b4"] == 7000);
}

TEST_CASE("roundrobin: long-run shares are as (im)precise as haproxy's") {
  Farm f;
  f.weights({2, 3, 3});
  auto lb = f.make(Balance::RoundRobin);
  auto t = tally(*lb, 1600);
  // Observed on haproxy 2.6.12 with the same 1600 connections (exact would be 400/600/600).
  CHECK(t["b1"] == 390);
  CHECK(t["b2"] == 605);
  CHECK(t["b3"] == 605);
}

TEST_CASE("roundrobin: the observed sequences keep repeating across cycle boundaries") {
  Farm f;
  f.weights({1, 2, 3});
  auto lb = f.make(Balance::RoundRobin);
  // A cycle spans about T = 96 positions; run well past several of them.
  CHECK(sequence(*lb, 600) == repeat("b3 b2 b3 b1 b3 b2", 100));
}

TEST_CASE("roundrobin: a server at maxconn is skipped as if consumed") {
  Farm f;
  f.add(1, false, 1);
  f.add(1);
  f.add(1);
  auto lb = f.make(Balance::RoundRobin);
  CHECK(connect(*lb, true) == &f[0]);  // b1 now holds its only slot
  CHECK(sequence(*lb, 6) == "b2 b3 b2 b3 b2 b3");
  release(*lb, f[0]);
  CHECK(sequence(*lb, 3) == "b1 b2 b3");
}

TEST_CASE("roundrobin: maxconn skipping (sequence observed on haproxy 2.6.12)") {
  Farm f;
  f.add(1);
  f.add(2, false, 2);
  f.add(3, false, 1);
  auto lb = f.make(Balance::RoundRobin);
  CHECK(sequence(*lb, 3, true) == "b3 b2 b1");  // b3 full after its first
  CHECK(sequence(*lb, 14) == "b2 b2 b1 b2 b2 b1 b2 b2 b1 b2 b2 b1 b2 b2");
  release(*lb, f[2]);
  CHECK(sequence(*lb, 12) == repeat("b3 b1 b3 b2 b3 b2", 2));
}

TEST_CASE("roundrobin: weight changes at run time") {
  Farm f;
  f.weights({1, 1});
  auto lb = f.make(Balance::RoundRobin);
  CHECK(sequence(*lb, 3) == "b1 b2 b1");

  SUBCASE("raised to three times the other (sequence observed on haproxy 2.6.12)") {
    f[0].uweight = 3;
    lb->updated(f[0]);
    CHECK(sequence(*lb, 16) == "b2 " + repeat("b1 b1 b1 b2", 3) + " b1 b1 b1");
    auto t = tally(*lb, 4000);
    CHECK(t["b1"] == doctest::Approx(3000).epsilon(0.01));
    CHECK(t["b2"] == doctest::Approx(1000).epsilon(0.01));
  }
  SUBCASE("weight 0 is never picked, and back again") {
    f[1].uweight = 0;
    lb->updated(f[1]);
    CHECK(sequence(*lb, 5) == "b1 b1 b1 b1 b1");
    f[1].uweight = 1;
    lb->updated(f[1]);
    auto t = tally(*lb, 1000);
    CHECK(t["b1"] == doctest::Approx(500).epsilon(0.01));
    CHECK(t["b2"] == doctest::Approx(500).epsilon(0.01));
  }
  SUBCASE("slowstart throttle lowers the share") {
    f[1].throttle_pct = 25;  // eweight 4 against 16
    lb->updated(f[1]);
    auto t = tally(*lb, 2000);
    CHECK(t["b1"] == doctest::Approx(1600).epsilon(0.01));
    CHECK(t["b2"] == doctest::Approx(400).epsilon(0.02));
  }
}

TEST_CASE("roundrobin: lowered weight (sequence observed on haproxy 2.6.12)") {
  Farm f;
  f.weights({3, 1});
  auto lb = f.make(Balance::RoundRobin);
  CHECK(sequence(*lb, 3) == "b1 b1 b1");
  f[0].uweight = 1;
  lb->updated(f[0]);
  CHECK(sequence(*lb, 16) == repeat("b2 b1", 8));
}

TEST_CASE("roundrobin: a server coming back mid-cycle (sequence observed on haproxy 2.6.12)") {
  Farm f;
  f.weights({1, 1, 1});
  auto lb = f.make(Balance::RoundRobin);
  CHECK(sequence(*lb, 4) == "b1 b2 b3 b1");
  f[2].admin_flags = core::admin::kForcedMaint;
  lb->updated(f[2]);
  CHECK(sequence(*lb, 4) == "b2 b1 b2 b1");
  f[2].admin_flags = 0;
  lb->updated(f[2]);
  CHECK(sequence(*lb, 12) == repeat("b2 b1 b3", 4));
}

TEST_CASE("roundrobin: down, reweighted while down, and back (observed on haproxy 2.6.12)") {
  Farm f;
  f.weights({3, 3, 5, 7, 4});
  auto lb = f.make(Balance::RoundRobin);
  auto maint = [&](size_t i, bool on) {
    f[i].admin_flags = on ? core::admin::kForcedMaint : 0;
    lb->updated(f[i]);
  };
  maint(0, true);
  CHECK(sequence(*lb, 26) ==
        "b4 b3 b4 b5 b3 b4 b2 b5 b4 b3 b4 b3 b2 b5 b4 b4 b3 b5 b2 b4 b3 b4 b5 b3 b4 b2");
  maint(2, true);
  CHECK(sequence(*lb, 11) == "b5 b4 b4 b5 b4 b2 b4 b5 b4 b2 b4");
  f[0].uweight = 8;  // while in maintenance: nothing to do yet
  lb->updated(f[0]);
  maint(2, false);  // comes back keeping the remainder it had
  CHECK(sequence(*lb, 24) ==
        "b5 b4 b3 b2 b4 b5 b3 b4 b5 b4 b2 b3 b4 b5 b3 b4 b2 b4 b3 b5 b4 b3 b2 b4");
}

}  // namespace
}  // namespace ferry::balancer::test
