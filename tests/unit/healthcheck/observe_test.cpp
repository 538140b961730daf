// observe layer4 / error-limit / on-error (reference 3.8).
#include <doctest/doctest.h>

#include "healthcheck/log_sentences.hpp"
#include "tests/unit/healthcheck/health_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

HealthParams observing(conf::OnError on_error, int error_limit) {
  HealthParams p = checked_params();
  p.observe = conf::Observe::Layer4;
  p.on_error = on_error;
  p.error_limit = error_limit;
  return p;
}

constexpr const char* kTwoErrors =
    "Detected 2 consecutive errors, last one was: L4 unsuccessful connection";

}  // namespace

TEST_CASE("fail-check: error-limit 2, four failed attempts, two simulated failures") {
  HealthFixture f(observing(conf::OnError::FailCheck, 2));
  CHECK(f.check().observe);  // the stats show hanafail
  f.pass();
  REQUIRE(f.status() == "UP");
  CHECK(!f.traffic(false).acted);
  const ObserveOutcome second = f.traffic(false);
  CHECK(second.acted);
  CHECK(second.transition == Transition::None);
  CHECK(f.status() == "UP 2/3");
  CHECK(!f.traffic(false).acted);
  CHECK(f.traffic(false).acted);
  CHECK(f.status() == "UP 1/3");
  CHECK(f.check().chkfail == 2);
  CHECK(f.check().hanafail == 2);
  CHECK(f.check().status == CheckStatus::Hana);
  CHECK(check_status_description(f.check().status) == "Health analyze");
  CHECK(f.check().last_text == kTwoErrors);
  CHECK(f.check().duration_ms == -1);
  CHECK(f.check().consecutive_errors == 0);
}

TEST_CASE("an established connection resets the consecutive errors") {
  HealthFixture f(observing(conf::OnError::FailCheck, 2));
  f.traffic(false);
  f.traffic(true);
  CHECK(!f.traffic(false).acted);
  CHECK(f.check().hanafail == 0);
}

TEST_CASE("a passed check resets the consecutive errors") {
  HealthFixture f(observing(conf::OnError::FailCheck, 2));
  f.traffic(false);
  f.pass();
  CHECK(!f.traffic(false).acted);
}

TEST_CASE("mark-down: DOWN at once, with HAProxy's log line, each later error counts chkfail") {
  HealthFixture f(observing(conf::OnError::MarkDown, 1));
  const ObserveOutcome out = f.traffic(false);
  CHECK(out.acted);
  CHECK(out.transition == Transition::WentDown);
  CHECK(f.status() == "DOWN");
  CHECK(log_down_by_check({"obs2", "o2", false}, f.check(), {0, 0}, {}) ==
        "Server obs2/o2 is DOWN, reason: Health analyze, info: \"Detected 1 consecutive errors, "
        "last one was: L4 unsuccessful connection\". 0 active and 0 backup servers left. "
        "0 sessions active, 0 requeued, 0 remaining in queue.");
  // OBS: retries 3 -> 4 failed attempts -> chkfail 4, chkdown 1.
  for (int i = 0; i < 3; ++i)
    CHECK(f.traffic(false).transition == Transition::None);
  CHECK(f.check().chkfail == 4);
  CHECK(f.check().chkdown == 1);
  CHECK(f.check().hanafail == 4);
}

TEST_CASE("sudden-death: from full health one error leaves one failure before DOWN") {
  HealthFixture f(observing(conf::OnError::SuddenDeath, 1));
  f.pass();
  CHECK(f.traffic(false).transition == Transition::None);
  CHECK(f.status() == "UP 1/3");
  CHECK(f.check().chkfail == 1);
  CHECK(f.traffic(false).transition == Transition::WentDown);
  CHECK(f.status() == "DOWN");
}

TEST_CASE("fastinter: only counts and reschedules") {
  HealthParams p = observing(conf::OnError::FastInter, 1);
  p.fastinter = Millis{300};
  HealthFixture f(p);
  f.pass();
  const ObserveOutcome out = f.traffic(false);
  CHECK(out.acted);
  CHECK(out.transition == Transition::None);
  REQUIRE(out.check_due_by.has_value());
  CHECK(*out.check_due_by == f.now + Millis{300});
  CHECK(f.status() == "UP");
  CHECK(f.check().status == CheckStatus::L4Ok);
  CHECK(f.check().chkfail == 0);
  CHECK(f.check().hanafail == 1);
}

TEST_CASE("every mode moves the next check to now + fastinter when fastinter is set") {
  for (conf::OnError mode : {conf::OnError::FailCheck, conf::OnError::SuddenDeath,
                             conf::OnError::MarkDown, conf::OnError::FastInter}) {
    HealthParams p = observing(mode, 1);
    p.fastinter = Millis{250};
    HealthFixture f(p);
    const ObserveOutcome out = f.traffic(false);
    REQUIRE(out.check_due_by.has_value());
    CHECK(*out.check_due_by == f.now + Millis{250});
  }
  HealthFixture no_fastinter(observing(conf::OnError::FailCheck, 1));
  CHECK(!no_fastinter.traffic(false).check_due_by.has_value());
}

TEST_CASE("without observe layer4, traffic is not judged") {
  HealthParams p = checked_params();
  p.error_limit = 1;
  HealthFixture f(p);
  CHECK(!f.check().observe);
  CHECK(!f.traffic(false).acted);
  CHECK(f.check().consecutive_errors == 0);
  CHECK(f.status() == "UP 1/3");
}

TEST_CASE("traffic is not judged while checks are paused or disabled") {
  HealthFixture f(observing(conf::OnError::MarkDown, 1));
  f.hs.disable_checks();
  CHECK(!f.traffic(false).acted);
  f.hs.enable_checks();
  f.hs.enter_maint(f.now);
  CHECK(!f.traffic(false).acted);
  CHECK(f.check().hanafail == 0);
}

}  // namespace ferry::healthcheck::test
