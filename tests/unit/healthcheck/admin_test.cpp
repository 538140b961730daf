// Maintenance, `disable/enable health` and `set server health` (reference 3.6, 5).
#include <doctest/doctest.h>

#include "tests/unit/healthcheck/health_fixture.hpp"

namespace ferry::healthcheck::test {

using core::ForcedHealth;

TEST_CASE("entering maintenance from UP pauses checks and counts a down transition") {
  HealthFixture f;
  f.pass();
  f.now += Millis{700};
  CHECK(f.hs.enter_maint(f.now) == MaintEntry::WentDown);
  CHECK(f.status() == "MAINT");
  CHECK(f.server.admin_flags == core::admin::kForcedMaint);
  CHECK(f.server.op == core::OpState::Stopped);
  CHECK(f.check().paused);
  CHECK(f.check().health == 0);
  CHECK(f.check().chkdown == 1);
  CHECK(f.server.last_change == f.now);
  CHECK(f.server.down_since == f.now);
  CHECK(!check_columns_shown(f.check()));
  CHECK(f.hs.enter_maint(f.now) == MaintEntry::AlreadyInMaint);
  CHECK(f.check().chkdown == 1);
}

TEST_CASE("entering maintenance while DOWN: `was DOWN`, no extra down transition") {
  HealthFixture f;
  f.fail();
  f.now += Millis{300};
  CHECK(f.hs.enter_maint(f.now) == MaintEntry::WasDown);
  CHECK(f.check().chkdown == 1);
  CHECK(f.server.last_change == f.now);
  CHECK(f.status() == "MAINT");
}

TEST_CASE("leaving maintenance: health = rise, UP 1/3 at once, the next check decides") {
  HealthFixture f;
  f.pass();
  f.hs.enter_maint(f.now);
  const Millis entered = f.now;
  f.now += Millis{4000};
  CHECK(f.hs.leave_maint(f.now) == Transition::WentUp);
  CHECK(f.status() == "UP 1/3");
  CHECK(f.server.admin_flags == 0);
  CHECK(!f.check().paused);
  CHECK(f.server.usable());
  CHECK(f.server.downtime == f.now - entered);
  CHECK(f.server.last_change == f.now);
  CHECK(f.fail() == Transition::WentDown);
}

TEST_CASE("leaving maintenance when not in it does nothing") {
  HealthFixture f;
  CHECK(f.hs.leave_maint(f.now) == Transition::None);
  CHECK(f.status() == "UP 1/3");
}

TEST_CASE("a `disabled` server leaves maintenance like a forced one") {
  HealthParams p = checked_params();
  p.disabled = true;
  HealthFixture f(p);
  CHECK(f.hs.leave_maint(f.now) == Transition::WentUp);
  CHECK(f.status() == "UP 1/3");
  CHECK(f.check().status == CheckStatus::Init);
  CHECK(!f.server.in_maint());
  CHECK(f.server.admin_flags == core::admin::kConfigMaint);  // HAProxy's admin state 4
}

TEST_CASE("another maintenance reason keeps the server in MAINT") {
  HealthFixture f;
  f.server.admin_flags |= core::admin::kInheritedMaint;
  f.hs.enter_maint(f.now);
  CHECK(f.hs.leave_maint(f.now) == Transition::None);
  CHECK(f.status() == "MAINT");
}

TEST_CASE("an unchecked server enters and leaves maintenance too") {
  HealthFixture f(HealthParams{});
  CHECK(f.hs.enter_maint(f.now) == MaintEntry::WentDown);
  CHECK(f.status() == "MAINT");
  CHECK(!f.check().paused);
  CHECK(f.hs.leave_maint(f.now) == Transition::WentUp);
  CHECK(f.status() == "no check");
}

TEST_CASE("check results arriving during maintenance are ignored") {
  HealthFixture f;
  f.hs.enter_maint(f.now);
  f.hs.on_check_started();
  CHECK(f.pass() == Transition::None);
  CHECK(f.check().health == 0);
  CHECK(!f.check().in_progress);
  CHECK(f.status() == "MAINT");
}

TEST_CASE("disable health freezes the state, enable health resumes with the same health") {
  HealthFixture f;
  f.pass();
  f.fail();
  f.hs.disable_checks();
  CHECK(f.status() == "no check");
  CHECK(!check_columns_shown(f.check()));
  CHECK(f.fail() == Transition::None);
  CHECK(f.check().health == 3);
  f.hs.enable_checks();
  CHECK(f.status() == "UP 2/3");
}

TEST_CASE("a DOWN server with checks disabled stays DOWN") {
  HealthFixture f;
  f.fail();
  f.hs.disable_checks();
  CHECK(f.pass() == Transition::None);
  CHECK(f.pass() == Transition::None);
  CHECK(f.status() == "DOWN");
}

TEST_CASE("set server health up / stopping / down") {
  HealthFixture f;
  f.fail();
  CHECK(f.hs.force_health(ForcedHealth::Up, f.now) == Transition::WentUp);
  CHECK(f.status() == "UP");
  CHECK(f.check().health == 4);
  CHECK(f.hs.force_health(ForcedHealth::Stopping, f.now) == Transition::WentStopping);
  CHECK(f.status() == "NOLB");
  CHECK(!f.server.usable());
  CHECK(f.hs.force_health(ForcedHealth::Stopping, f.now) == Transition::None);
  CHECK(f.hs.force_health(ForcedHealth::Down, f.now) == Transition::WentDown);
  CHECK(f.status() == "DOWN");
  CHECK(f.check().chkdown == 2);
  CHECK(f.hs.force_health(ForcedHealth::Down, f.now) == Transition::None);
}

TEST_CASE("a stopping server comes back to Running on a passed check") {
  HealthFixture f;
  f.hs.force_health(ForcedHealth::Stopping, f.now);
  f.fail();
  CHECK(f.status() == "NOLB 2/3");
  CHECK(f.pass() == Transition::WentUp);
  CHECK(f.status() == "UP");
}

TEST_CASE("set server health in maintenance changes health only") {
  HealthFixture f;
  f.hs.enter_maint(f.now);
  CHECK(f.hs.force_health(ForcedHealth::Up, f.now) == Transition::None);
  CHECK(f.check().health == 4);
  CHECK(f.status() == "MAINT");
}

TEST_CASE("set server health on an unchecked server") {
  HealthFixture f(HealthParams{});
  CHECK(f.hs.force_health(ForcedHealth::Down, f.now) == Transition::WentDown);
  CHECK(f.status() == "DOWN");
  CHECK(f.hs.force_health(ForcedHealth::Up, f.now) == Transition::WentUp);
  CHECK(f.status() == "no check");
}

}  // namespace ferry::healthcheck::test
