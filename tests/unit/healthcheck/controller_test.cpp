// The ServerController on a real engine: admin commands (reference 3.6, 5), observe, slowstart,
// and what each change does to the backend.
#include "healthcheck/server_controller.hpp"

#include <doctest/doctest.h>

#include "healthcheck/status_text.hpp"
#include "healthcheck/warmup.hpp"
#include "tests/unit/healthcheck/runtime_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

conf::ServerConf checked_conf() {
  conf::ServerConf c;
  c.check = true;
  return c;
}

struct ControllerFixture : RuntimeFixture {
  ServerController control{engine};

  ServerHealth& add(const std::string& name, const conf::ServerConf& conf, bool backup = false) {
    core::Server& s = add_server(name, backup);
    auto sh = std::make_unique<ServerHealth>(engine, s, conf);
    sh->state.start(loop.now());
    return control.add(std::move(sh));
  }
};

std::string status(const ServerHealth& sh) {
  return server_status_text(sh.server);
}

}  // namespace

TEST_CASE("maintenance: in and out, the backend follows") {
  ControllerFixture f;
  ServerHealth& s1 = f.add("s1", checked_conf());
  f.control.set_maint(s1.server, true);
  CHECK(status(s1) == "MAINT");
  CHECK(!f.backend->up());
  CHECK(f.backend->counters.chkdown == 1);
  f.control.set_maint(s1.server, false);
  CHECK(status(s1) == "UP 1/3");
  CHECK(f.backend->up());
}

TEST_CASE("a `disabled` server keeps the config record after `enable server`") {
  ControllerFixture f;
  conf::ServerConf c = checked_conf();
  c.disabled = true;
  ServerHealth& s1 = f.add("s1", c);
  CHECK(status(s1) == "MAINT");
  f.control.set_maint(s1.server, false);
  CHECK(status(s1) == "UP 1/3");
  CHECK(s1.server.admin_flags == core::admin::kConfigMaint);
}

TEST_CASE("drain and maint exclude each other, `state ready` clears both") {
  ControllerFixture f;
  ServerHealth& s1 = f.add("s1", checked_conf());
  f.add("s2", checked_conf());
  f.control.set_drain(s1.server, true);
  CHECK(status(s1) == "DRAIN 1/3");
  CHECK(!s1.server.usable());
  f.control.set_maint(s1.server, true);
  CHECK(status(s1) == "MAINT");
  CHECK(!s1.server.in_drain());
  f.control.set_drain(s1.server, true);
  CHECK(!s1.server.in_maint());
  CHECK(status(s1) == "DRAIN 1/3");
  f.control.set_maint(s1.server, false);
  CHECK(status(s1) == "UP 1/3");
  CHECK(s1.server.usable());
}

TEST_CASE("weight and forced health") {
  ControllerFixture f;
  ServerHealth& s1 = f.add("s1", checked_conf());
  f.control.set_weight(s1.server, 0);
  CHECK(!s1.server.usable());
  CHECK(!f.backend->up());
  f.control.set_weight(s1.server, 3);
  CHECK(f.backend->up());
  f.control.set_health(s1.server, core::ForcedHealth::Down);
  CHECK(status(s1) == "DOWN");
  f.control.set_health(s1.server, core::ForcedHealth::Up);
  CHECK(status(s1) == "UP");
  f.control.set_checks_enabled(s1.server, false);
  CHECK(status(s1) == "no check");
  f.control.set_checks_enabled(s1.server, true);
  CHECK(status(s1) == "UP");
}

TEST_CASE("observe layer4 with on-error mark-down takes the server down") {
  ControllerFixture f;
  conf::ServerConf c = checked_conf();
  c.observe = conf::Observe::Layer4;
  c.error_limit = 2;
  c.on_error = conf::OnError::MarkDown;
  ServerHealth& s1 = f.add("s1", c);
  f.control.connect_result(s1.server, false, true);
  CHECK(status(s1) == "UP 1/3");
  f.control.connect_result(s1.server, false, true);
  CHECK(status(s1) == "DOWN");
  CHECK(s1.server.check.status == core::CheckStatus::Hana);
  CHECK(!f.backend->up());
}

TEST_CASE("slowstart ramps the weight of a returning server") {
  ControllerFixture f;
  conf::ServerConf c = checked_conf();
  c.slowstart = Millis{10000};
  ServerHealth& s1 = f.add("s1", c);
  CHECK(s1.server.throttle_pct == 100);  // never at start-up
  f.control.set_maint(s1.server, true);
  f.control.set_maint(s1.server, false);
  CHECK(s1.server.op == core::OpState::Starting);
  CHECK(s1.server.throttle_pct == 7);
  CHECK(s1.warmup.ramping());
  f.control.set_health(s1.server, core::ForcedHealth::Down);
  CHECK(s1.server.throttle_pct == 100);
  CHECK(!s1.warmup.ramping());
}

TEST_CASE("the slowstart ramp: one 1/16 step at once, the rest evenly, then full") {
  const Millis period{16000};
  CHECK(warmup_throttle(Millis{0}, period) == 7);
  CHECK(warmup_throttle(Millis{1000}, period) == 13);
  CHECK(warmup_throttle(Millis{8000}, period) == 57);
  CHECK(warmup_throttle(Millis{15999}, period) == 100);
  CHECK(warmup_throttle(Millis{16000}, period) == 100);
  CHECK(warmup_step(Millis{10000}) == Millis{1000});
  CHECK(warmup_step(Millis{60000}) == Millis{3000});
}

TEST_CASE("end_warmup makes a Starting server Running and nothing else") {
  ControllerFixture f;
  conf::ServerConf c = checked_conf();
  c.slowstart = Millis{1000};
  ServerHealth& s1 = f.add("s1", c);
  s1.state.end_warmup();
  CHECK(s1.server.op == core::OpState::Running);
  s1.state.enter_maint(f.loop.now());
  s1.state.end_warmup();
  CHECK(s1.server.op == core::OpState::Stopped);
}

}  // namespace ferry::healthcheck::test
