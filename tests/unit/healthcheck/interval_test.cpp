// Interval selection (reference 3.3) and first-check staggering (3.4).
#include <doctest/doctest.h>

#include <vector>

#include "healthcheck/startup_stagger.hpp"
#include "tests/unit/healthcheck/health_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

HealthParams timed(std::optional<Millis> fastinter, std::optional<Millis> downinter) {
  HealthParams p = checked_params();
  p.inter = Millis{2000};
  p.fastinter = fastinter;
  p.downinter = downinter;
  return p;
}

}  // namespace

TEST_CASE("with fastinter and downinter each state picks its interval") {
  HealthFixture f(timed(Millis{500}, Millis{5000}));
  CHECK(f.hs.next_interval() == Millis{500});  // UP 1/3 at start: transitional
  f.pass();
  CHECK(f.hs.next_interval() == Millis{2000});  // UP
  f.fail();
  CHECK(f.hs.next_interval() == Millis{500});  // UP 2/3
  f.fail();
  f.fail();
  REQUIRE(f.status() == "DOWN");
  CHECK(f.hs.next_interval() == Millis{5000});  // DOWN
  f.pass();
  CHECK(f.hs.next_interval() == Millis{500});  // DOWN 1/2
}

TEST_CASE("without fastinter and downinter every state uses inter") {
  HealthFixture f(timed(std::nullopt, std::nullopt));
  CHECK(f.hs.next_interval() == Millis{2000});
  f.fail();
  CHECK(f.hs.next_interval() == Millis{2000});
  f.pass();
  CHECK(f.hs.next_interval() == Millis{2000});
}

TEST_CASE("fastinter alone: DOWN falls back to inter") {
  HealthFixture f(timed(Millis{500}, std::nullopt));
  f.fail();
  CHECK(f.hs.next_interval() == Millis{2000});
  f.pass();
  CHECK(f.hs.next_interval() == Millis{500});
}

TEST_CASE("downinter alone: transitional states use inter") {
  HealthFixture f(timed(std::nullopt, Millis{5000}));
  CHECK(f.hs.next_interval() == Millis{2000});
  f.fail();
  CHECK(f.hs.next_interval() == Millis{5000});
  f.pass();
  CHECK(f.hs.next_interval() == Millis{2000});
}

TEST_CASE("paused or disabled checks tick every inter") {
  HealthFixture f(timed(Millis{500}, Millis{5000}));
  f.fail();
  f.hs.disable_checks();
  CHECK(f.hs.next_interval() == Millis{2000});
  f.hs.enable_checks();
  CHECK(f.hs.next_interval() == Millis{5000});
  f.hs.enter_maint(f.now);
  CHECK(f.hs.next_interval() == Millis{2000});
}

TEST_CASE("detection time from UP is inter + (fall-1) * fastinter") {
  HealthFixture f(timed(Millis{500}, Millis{5000}));
  f.pass();
  const Millis last_success = f.now;
  while (f.fail(f.hs.next_interval()) != Transition::WentDown) {
  }
  CHECK(f.now - last_success == Millis{2000 + 2 * 500});
}

TEST_CASE("recovery time from DOWN is downinter + (rise-1) * fastinter") {
  HealthFixture f(timed(Millis{500}, Millis{5000}));
  f.fail();
  const Millis went_down = f.now;
  while (f.pass(f.hs.next_interval()) != Transition::WentUp) {
  }
  CHECK(f.now - went_down == Millis{5000 + 1 * 500});
}

TEST_CASE("stagger_min_interval ignores intervals under one second") {
  const std::vector<Millis> v{Millis{500}, Millis{2000}, Millis{1500}, Millis{999}};
  CHECK(stagger_min_interval(v) == Millis{1500});
  const std::vector<Millis> small{Millis{100}, Millis{999}};
  CHECK(stagger_min_interval(small) == Millis{0});
  CHECK(stagger_min_interval({}) == Millis{0});
}

TEST_CASE("first checks are spread over max(mininter, own interval)") {
  CHECK(first_check_delay(0, 4, Millis{2000}, Millis{1500}) == Millis{0});
  CHECK(first_check_delay(1, 4, Millis{2000}, Millis{1500}) == Millis{500});
  CHECK(first_check_delay(3, 4, Millis{2000}, Millis{1500}) == Millis{1500});
  CHECK(first_check_delay(3, 4, Millis{1000}, Millis{1500}) == Millis{1125});
  CHECK(first_check_delay(1, 3, Millis{1000}, Millis{0}) == Millis{333});
}

TEST_CASE("the initial interval for staggering is fastinter (state is transitional)") {
  HealthFixture a(timed(Millis{500}, std::nullopt));
  HealthFixture b(timed(std::nullopt, std::nullopt));
  const std::vector<Millis> initial{a.hs.next_interval(), b.hs.next_interval()};
  CHECK(initial[0] == Millis{500});
  const Millis mininter = stagger_min_interval(initial);
  CHECK(mininter == Millis{2000});
  CHECK(first_check_delay(0, 2, initial[0], mininter) == Millis{0});
  CHECK(first_check_delay(1, 2, initial[1], mininter) == Millis{1000});
}

}  // namespace ferry::healthcheck::test
