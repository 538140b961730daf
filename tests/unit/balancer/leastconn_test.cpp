#include <doctest/doctest.h>

#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

TEST_CASE("leastconn: weights 1,2,1 with every connection held give the observed sequence") {
  Farm f;
  f.weights({1, 2, 1});
  auto lb = f.make(Balance::LeastConn);
  CHECK(lb->stats_name() == "leastconn");
  CHECK_FALSE(lb->is_static());
  CHECK(sequence(*lb, 12, true) == "b1 b2 b3 b2 b2 b1 b3 b2 b2 b1 b3 b2");
}

TEST_CASE("leastconn: idle servers beat busy ones whatever their weight") {
  Farm f;
  f.weights({256, 1});
  auto lb = f.make(Balance::LeastConn);
  CHECK(connect(*lb, true) == &f[0]);
  CHECK(connect(*lb, true) == &f[1]);  // key 0 beats (1+1)*4096/4096 = 2
  CHECK(connect(*lb, true) == &f[0]);  // 3*4096/4096 = 2 < 2*4096/16 = 512
}

TEST_CASE("leastconn: equal keys go to the server re-inserted earliest") {
  Farm f;
  f.weights({1, 1, 1});
  auto lb = f.make(Balance::LeastConn);
  // Connections that end at once bring every key back to 0, each server moving behind the
  // others: plain rotation.
  CHECK(sequence(*lb, 6) == "b1 b2 b3 b1 b2 b3");

  core::Server* a = connect(*lb, true);  // b1
  core::Server* b = connect(*lb, true);  // b2
  CHECK(a == &f[0]);
  CHECK(b == &f[1]);
  release(*lb, *b);  // b2 idle again, re-inserted behind b3
  CHECK(connect(*lb, true) == &f[2]);
  CHECK(connect(*lb, true) == &f[1]);
  // Now b1, b3, b2 each hold one: keys equal, order of (re)insertion: b1, b3, b2.
  CHECK(sequence(*lb, 3, true) == "b1 b3 b2");
}

TEST_CASE("leastconn: released connections lower the key") {
  Farm f;
  f.weights({1, 1});
  auto lb = f.make(Balance::LeastConn);
  for (int i = 0; i < 4; ++i)
    connect(*lb, true);  // two each
  release(*lb, f[1]);
  CHECK(connect(*lb, true) == &f[1]);
  CHECK(f[0].served == 2);
  CHECK(f[1].served == 2);
}

TEST_CASE("leastconn: weight changes re-key the server") {
  Farm f;
  f.weights({1, 1});
  auto lb = f.make(Balance::LeastConn);
  connect(*lb, true);  // b1: key 512
  connect(*lb, true);  // b2: key 512
  f[1].uweight = 4;    // b2: 2*4096/64 = 128
  lb->updated(f[1]);
  CHECK(sequence(*lb, 3, true) == "b2 b2 b2");  // 192, 256, 320 < 512 ... then 384 < 512
  CHECK(connect(*lb, true) == &f[1]);
  CHECK(connect(*lb, true) == &f[1]);  // 448
  CHECK(connect(*lb, true) == &f[1]);  // 512, ties with b1 but b1 was inserted earlier
  CHECK(connect(*lb, true) == &f[0]);
}

TEST_CASE("leastconn: any weight change moves the server behind its equals (haproxy 2.6.12)") {
  Farm f;
  f.weights({2, 1, 11, 7});
  auto lb = f.make(Balance::LeastConn);
  f[0].uweight = 1;  // idle: key stays 0, but b1 is re-inserted last
  lb->updated(f[0]);
  CHECK(sequence(*lb, 6, true) == "b2 b3 b4 b1 b3 b3");
}

TEST_CASE("leastconn: a full server is skipped") {
  Farm f;
  f.add(1, false, 1);
  f.add(1);
  auto lb = f.make(Balance::LeastConn);
  CHECK(connect(*lb, true) == &f[0]);
  CHECK(sequence(*lb, 3, true) == "b2 b2 b2");
  release(*lb, f[0]);
  CHECK(connect(*lb, true) == &f[0]);
}

}  // namespace
}  // namespace ferry::balancer::test
