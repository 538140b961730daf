// What every algorithm promises the backend: eligibility (usable servers, active before backup,
// first backup only unless allbackups), the tried set, maxconn and the saturated flag.
#include <doctest/doctest.h>

#include <array>

#include "farm.hpp"

namespace ferry::balancer::test {
namespace {

using conf::Balance;

constexpr std::array kAll{Balance::RoundRobin, Balance::StaticRr, Balance::LeastConn,
                          Balance::First,      Balance::Source,   Balance::Random};

std::string_view algo_name(Balance b) {
  return ferry::conf::to_string(b);
}

// Set of names that got at least one of n picks (connections ended at once).
std::string reached(core::LoadBalancer& lb, int n = 60) {
  std::string out;
  for (const auto& [name, count] : tally(lb, n))
    out += (out.empty() ? "" : " ") + name;
  return out;
}

TEST_CASE("every algorithm: factory and stats names") {
  Farm f;
  f.weights({1});
  const std::array<std::string_view, 6> names{"roundrobin", "static-rr", "leastconn",
                                              "first",      "source",    "unknown"};
  for (size_t i = 0; i < kAll.size(); ++i)
    CHECK(f.make(kAll[i])->stats_name() == names[i]);
}

TEST_CASE("every algorithm: unusable servers are never picked") {
  for (Balance algo : kAll) {
    CAPTURE(algo_name(algo));
    Farm f;
    f.weights({1, 1, 1, 1, 1, 1});
    auto lb = f.make(algo);
    f[0].uweight = 0;
    f[1].admin_flags = core::admin::kForcedDrain;
    f[2].admin_flags = core::admin::kForcedMaint;
    f[3].op = core::OpState::Stopped;
    f[4].op = core::OpState::Stopping;  // NOLB
    f[5].op = core::OpState::Starting;  // counts as up
    for (int i = 0; i < 6; ++i)
      lb->updated(f[i]);
    CHECK(reached(*lb) == "b6");

    f[5].admin_flags = core::admin::kConfigMaint | core::admin::kForcedMaint;  // `disabled`
    lb->updated(f[5]);
    core::PickResult r = lb->pick({});
    CHECK(r.server == nullptr);
    CHECK_FALSE(r.saturated);
  }
}

TEST_CASE("every algorithm: tried servers are never picked again") {
  for (Balance algo : kAll) {
    CAPTURE(algo_name(algo));
    Farm f;
    f.weights({1, 1, 1});
    auto lb = f.make(algo);
    std::vector<core::Server*> tried{&f[0], &f[2]};
    for (int i = 0; i < 20; ++i)
      CHECK(connect(*lb, false, {nullptr, tried, {}}) == &f[1]);
    tried.push_back(&f[1]);
    core::PickResult r = lb->pick({nullptr, tried, {}});
    CHECK(r.server == nullptr);
    CHECK_FALSE(r.saturated);
  }
}

TEST_CASE("every algorithm: full servers are skipped, saturated when only full ones remain") {
  for (Balance algo : kAll) {
    CAPTURE(algo_name(algo));
    Farm f;
    f.add(1, false, 2);
    f.add(1, false, 1);
    auto lb = f.make(algo);
    for (int i = 0; i < 3; ++i)
      CHECK(connect(*lb, true) != nullptr);
    CHECK(f[0].served == 2);
    CHECK(f[1].served == 1);
    core::PickResult r = lb->pick({});
    CHECK(r.server == nullptr);
    CHECK(r.saturated);

    std::vector<core::Server*> tried{&f[0]};
    r = lb->pick({nullptr, tried, {}});  // b2 untried but full
    CHECK(r.saturated);

    release(*lb, f[1]);
    CHECK(connect(*lb, true) == &f[1]);
    release(*lb, f[1]);
    r = lb->pick({nullptr, tried, {}});
    CHECK(r.server == &f[1]);
  }
}

TEST_CASE("every algorithm: backups only when no active server is usable") {
  for (Balance algo : kAll) {
    CAPTURE(algo_name(algo));
    for (bool allbackups : {false, true}) {
      CAPTURE(allbackups);
      Farm f;
      f.add(1);
      f.add(1);
      f.add(1, true);
      f.add(1, true);
      f.add(1, true);
      auto lb = f.make(algo, allbackups);
      if (algo != Balance::First) CHECK(reached(*lb) == "b1 b2");

      f[0].op = f[1].op = core::OpState::Stopped;
      lb->updated(f[0]);
      lb->updated(f[1]);
      const bool spreads = allbackups && algo != Balance::First;
      CHECK(reached(*lb) == (spreads ? "b3 b4 b5" : "b3"));

      f[2].admin_flags = core::admin::kForcedMaint;  // first backup gone: the next one
      lb->updated(f[2]);
      CHECK(reached(*lb) == (spreads ? "b4 b5" : "b4"));

      f[1].op = core::OpState::Running;  // one active back: actives only
      lb->updated(f[1]);
      CHECK(reached(*lb) == "b2");
    }
  }
}

// Actives b1 b2, backups b3, b4 (weight 2), b5. Both actives go to maintenance, then the first
// backup, which then comes back, then an active. Observed on haproxy 2.6.12 (source: a client
// at 127.0.0.1).
TEST_CASE("every algorithm: backup tier sequences observed on haproxy 2.6.12") {
  struct Row {
    Balance algo;
    bool allbackups;
    const char* expected;
  };
  const Row rows[] = {
      {Balance::RoundRobin, false,
       "b1 b2 b1 b2 b1 b2 | b3 b3 b3 b3 b3 b3 b3 b3 | b4 b4 b4 b4 b4 b4 | b3 b3 b3 b3 b3 b3 | b2 "
       "b2 b2"},
      {Balance::RoundRobin, true,
       "b1 b2 b1 b2 b1 b2 | b4 b3 b4 b5 b4 b3 b4 b5 | b4 b4 b4 b5 b4 b4 | b5 b4 b3 b4 b5 b4 | b2 "
       "b2 b2"},
      {Balance::LeastConn, false,
       "b1 b2 b1 b2 b1 b2 | b3 b3 b3 b3 b3 b3 b3 b3 | b4 b4 b4 b4 b4 b4 | b3 b3 b3 b3 b3 b3 | b2 "
       "b2 b2"},
      {Balance::LeastConn, true,
       "b1 b2 b1 b2 b1 b2 | b3 b4 b5 b3 b4 b5 b3 b4 | b5 b4 b5 b4 b5 b4 | b5 b4 b3 b5 b4 b3 | b2 "
       "b2 b2"},
      {Balance::StaticRr, false,
       "b1 b2 b1 b2 b1 b2 | b3 b3 b3 b3 b3 b3 b3 b3 | b4 b4 b4 b4 b4 b4 | b3 b3 b3 b3 b3 b3 | b2 "
       "b2 b2"},
      {Balance::StaticRr, true,
       "b1 b2 b1 b2 b1 b2 | b4 b5 b3 b4 b4 b5 b3 b4 | b5 b4 b4 b5 b4 b4 | b4 b5 b3 b4 b4 b5 | b2 "
       "b2 b2"},
      {Balance::First, false,
       "b1 b1 b1 b1 b1 b1 | b3 b3 b3 b3 b3 b3 b3 b3 | b4 b4 b4 b4 b4 b4 | b3 b3 b3 b3 b3 b3 | b2 "
       "b2 b2"},
      {Balance::First, true,
       "b1 b1 b1 b1 b1 b1 | b3 b3 b3 b3 b3 b3 b3 b3 | b4 b4 b4 b4 b4 b4 | b3 b3 b3 b3 b3 b3 | b2 "
       "b2 b2"},
      {Balance::Source, false,
       "b2 b2 b2 b2 b2 b2 | b3 b3 b3 b3 b3 b3 b3 b3 | b4 b4 b4 b4 b4 b4 | b3 b3 b3 b3 b3 b3 | b2 "
       "b2 b2"},
      {Balance::Source, true,
       "b2 b2 b2 b2 b2 b2 | b4 b4 b4 b4 b4 b4 b4 b4 | b5 b5 b5 b5 b5 b5 | b4 b4 b4 b4 b4 b4 | b2 "
       "b2 b2"},
  };
  for (const Row& row : rows) {
    CAPTURE(algo_name(row.algo));
    CAPTURE(row.allbackups);
    Farm f;
    f.add(1);
    f.add(1);
    f.add(1, true);
    f.add(2, true);
    f.add(1, true);
    auto lb = f.make(row.algo, row.allbackups);
    core::SockAddr client = ipv4("127.0.0.1");
    core::PickRequest req{&client, {}, {}};
    auto maint = [&](size_t i, bool on) {
      f[i].admin_flags = on ? core::admin::kForcedMaint : 0;
      lb->updated(f[i]);
    };
    std::string got = sequence(*lb, 6, false, req);
    maint(0, true);
    maint(1, true);
    got += " | " + sequence(*lb, 8, false, req);
    maint(2, true);
    got += " | " + sequence(*lb, 6, false, req);
    maint(2, false);
    got += " | " + sequence(*lb, 6, false, req);
    maint(1, false);
    got += " | " + sequence(*lb, 3, false, req);
    CHECK(got == row.expected);
  }
}

TEST_CASE("every algorithm: a full sole backup saturates, it does not spill to other backups") {
  for (Balance algo : kAll) {
    CAPTURE(algo_name(algo));
    Farm f;
    f.add(1).op = core::OpState::Stopped;
    f.add(1, true, 1);
    f.add(1, true);
    auto lb = f.make(algo);
    CHECK(connect(*lb, true) == &f[1]);
    core::PickResult r = lb->pick({});
    CHECK(r.server == nullptr);
    CHECK(r.saturated);
  }
}

TEST_CASE("every algorithm: full active servers queue rather than spill to backups") {
  for (Balance algo : kAll) {
    CAPTURE(algo_name(algo));
    Farm f;
    f.add(1, false, 1);
    f.add(1, true);
    auto lb = f.make(algo, true);
    CHECK(connect(*lb, true) == &f[0]);
    core::PickResult r = lb->pick({});
    CHECK(r.server == nullptr);
    CHECK(r.saturated);
  }
}

TEST_CASE("every algorithm: servers coming up get traffic again") {
  for (Balance algo : kAll) {
    CAPTURE(algo_name(algo));
    Farm f;
    f.weights({1, 1});
    f[1].op = core::OpState::Stopped;
    auto lb = f.make(algo);
    CHECK(reached(*lb) == "b1");
    f[1].op = core::OpState::Running;
    lb->updated(f[1]);
    f[0].admin_flags = core::admin::kForcedDrain;
    lb->updated(f[0]);
    CHECK(reached(*lb) == "b2");
  }
}

}  // namespace
}  // namespace ferry::balancer::test
