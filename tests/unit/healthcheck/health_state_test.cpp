// The health counter (reference 3.2, 3.4): every transition with a fake clock.
#include <doctest/doctest.h>

#include "tests/unit/healthcheck/health_fixture.hpp"

namespace ferry::healthcheck::test {

TEST_CASE("a checked server starts UP 1/3 with INI and takes traffic") {
  HealthFixture f;
  CHECK(f.status() == "UP 1/3");
  CHECK(f.check().health == 2);
  CHECK(f.check().status == CheckStatus::Init);
  CHECK(check_status_description(f.check().status) == "Initializing");
  CHECK(f.check().duration_ms == -1);
  CHECK(f.server.op == core::OpState::Running);
  CHECK(f.server.usable());
  CHECK(f.server.last_change == f.now);
  CHECK(f.server.down_since == Millis{-1});
}

TEST_CASE("the first check failing takes a starting server straight DOWN") {
  HealthFixture f;
  CHECK(f.fail(Millis{5}) == Transition::WentDown);
  CHECK(f.status() == "DOWN");
  CHECK(f.check().chkfail == 1);
  CHECK(f.check().chkdown == 1);
  CHECK(f.server.op == core::OpState::Stopped);
  CHECK(f.server.down_since == f.now);
  CHECK(f.server.last_change == f.now);
  CHECK(f.check().status == CheckStatus::SockErr);
  CHECK(f.check().last_text == "General socket error (No such file or directory)");
}

TEST_CASE("the first check passing gives full health without a transition") {
  HealthFixture f;
  CHECK(f.pass() == Transition::None);
  CHECK(f.status() == "UP");
  CHECK(f.check().health == 4);
  CHECK(f.check().status == CheckStatus::L4Ok);
}

TEST_CASE("from fully up it takes `fall` failures to go DOWN") {
  HealthFixture f;
  f.pass();
  CHECK(f.fail() == Transition::None);
  CHECK(f.status() == "UP 2/3");
  CHECK(f.fail() == Transition::None);
  CHECK(f.status() == "UP 1/3");
  CHECK(f.server.usable());
  CHECK(f.fail() == Transition::WentDown);
  CHECK(f.status() == "DOWN");
  CHECK(f.check().chkfail == 3);
  CHECK(f.check().chkdown == 1);
}

TEST_CASE("from DOWN it takes `rise` successes to come UP, and downtime accrues") {
  HealthFixture f;
  f.fail();
  const Millis went_down = f.now;
  CHECK(f.pass(Millis{2000}) == Transition::None);
  CHECK(f.status() == "DOWN 1/2");
  CHECK(!f.server.usable());
  CHECK(f.pass(Millis{2000}) == Transition::WentUp);
  CHECK(f.status() == "UP");
  CHECK(f.server.op == core::OpState::Running);
  CHECK(f.server.downtime == f.now - went_down);
  CHECK(f.server.down_since == Millis{-1});
  CHECK(f.server.last_change == f.now);
}

TEST_CASE("one success restores full health from a partially failed UP") {
  HealthFixture f;
  f.pass();
  f.fail();
  REQUIRE(f.status() == "UP 2/3");
  CHECK(f.pass() == Transition::None);
  CHECK(f.status() == "UP");
  CHECK(f.check().health == 4);
}

TEST_CASE("a failure at health 0 changes nothing, not even chkfail") {
  HealthFixture f;
  f.fail();
  REQUIRE(f.check().chkfail == 1);
  CHECK(f.fail() == Transition::None);
  CHECK(f.fail() == Transition::None);
  CHECK(f.check().chkfail == 1);
  CHECK(f.check().chkdown == 1);
  CHECK(f.check().health == 0);
}

TEST_CASE("a failure during recovery drops back to 0") {
  HealthParams p = checked_params();
  p.rise = 3;
  HealthFixture f(p);
  f.fail();
  f.pass();
  f.pass();
  REQUIRE(f.status() == "DOWN 2/3");
  CHECK(f.fail() == Transition::None);
  CHECK(f.status() == "DOWN");
  CHECK(f.check().chkfail == 2);
}

TEST_CASE("rise 1 fall 1 flips on every result") {
  HealthParams p = checked_params();
  p.rise = 1;
  p.fall = 1;
  HealthFixture f(p);
  CHECK(f.status() == "UP");
  CHECK(f.fail() == Transition::WentDown);
  CHECK(f.pass() == Transition::WentUp);
  CHECK(f.fail() == Transition::WentDown);
}

TEST_CASE("slowstart makes a server come up Starting") {
  HealthParams p = checked_params();
  p.slowstart = Millis{10000};
  HealthFixture f(p);
  CHECK(f.server.op == core::OpState::Running);  // at start-up HAProxy does not ramp
  f.fail();
  f.pass();
  CHECK(f.pass() == Transition::WentUp);
  CHECK(f.server.op == core::OpState::Starting);
  CHECK(f.status() == "UP");
}

TEST_CASE("a probe in progress shows '* ' and an empty last_chk") {
  HealthFixture f;
  f.fail();
  f.hs.on_check_started();
  CHECK(check_status_field(f.check()) == "* SOCKERR");
  CHECK(f.check().last_text.empty());
  f.pass();
  CHECK(check_status_field(f.check()) == "L4OK");
  CHECK(!f.check().in_progress);
}

TEST_CASE("a check result records code, text and duration") {
  HealthFixture f;
  f.hs.on_check_result({CheckStatus::L7Sts, 503, "Service Unavailable", 12}, f.now);
  CHECK(f.check().status == CheckStatus::L7Sts);
  CHECK(f.check().code == 503);
  CHECK(f.check().last_text == "Service Unavailable");
  CHECK(f.check().duration_ms == 12);
  CHECK(f.status() == "DOWN");
}

TEST_CASE("neutral results do not move the counter") {
  HealthFixture f;
  CHECK(f.hs.on_check_result({CheckStatus::Checked, -1, "", 0}, f.now) == Transition::None);
  CHECK(f.check().health == 2);
}

TEST_CASE("an unchecked server starts as `no check` with health = rise, as HAProxy shows it") {
  HealthFixture f(HealthParams{});
  CHECK(f.status() == "no check");
  CHECK(f.check().health == 2);
  CHECK(!f.check().configured);
  CHECK(!f.hs.checking());
}

TEST_CASE("a disabled server starts in MAINT with checks paused") {
  HealthParams p = checked_params();
  p.disabled = true;
  HealthFixture f(p);
  CHECK(f.status() == "MAINT");
  CHECK(f.server.admin_flags == (core::admin::kForcedMaint | core::admin::kConfigMaint));
  CHECK(f.server.op == core::OpState::Stopped);
  CHECK(f.check().paused);
  CHECK(f.check().health == 0);
  CHECK(f.server.down_since == f.now);
  CHECK(!check_columns_shown(f.check()));
}

TEST_CASE("a server already in maintenance at start stays there") {
  core::Server server;
  server.admin_flags = core::admin::kForcedMaint;
  HealthState hs(server, checked_params());
  hs.start(Millis{0});
  CHECK(server_status_text(server) == "MAINT");
  CHECK(server.check.paused);
}

}  // namespace ferry::healthcheck::test
