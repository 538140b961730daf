// The check task on a real loop against real UNIX sockets: verdicts, timing from the end of the
// previous check, deadlines, paused checks, and no fd left behind.
#include "healthcheck/check_task.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "healthcheck/tcp_check.hpp"
#include "tests/unit/healthcheck/runtime_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

struct Verdict {
  CheckResult result;
  Millis at;
};

// Records verdicts and feeds them to the state machine, as the controller does.
struct RecordingSink final : CheckSink {
  core::EventLoop& loop;
  HealthState& state;
  std::vector<Verdict> verdicts;
  RecordingSink(core::EventLoop& l, HealthState& s) : loop(l), state(s) {}
  void check_completed(core::Server&, const CheckResult& result) override {
    verdicts.push_back({result, loop.now()});
    state.on_check_result(result, loop.now());
  }
};

HealthParams every(Millis inter) {
  HealthParams p;
  p.check = true;
  p.inter = inter;
  return p;
}

// One checked server with its state, sink and task.
struct Checked {
  core::Server& server;
  HealthState state;
  RecordingSink sink;
  CheckTask task;
  Checked(RuntimeFixture& f, core::Server& s, const Probe& probe, HealthParams p)
      : server(s),
        state(s, p),
        sink(f.loop, state),
        task(f.engine, s, state, probe, CheckTimeouts{p.inter, {}, {}}, sink) {
    state.start(f.loop.now());
  }
};

std::unique_ptr<Probe> ping_pong_probe() {
  conf::TcpCheckStep send{{"t.cfg", 3, 0}, conf::TcpCheckStep::Kind::Send, "PING\r\n", false};
  conf::TcpCheckStep expect{
      {"t.cfg", 4, 0}, conf::TcpCheckStep::Kind::ExpectString, "+PONG", false};
  std::vector<conf::TcpCheckStep> steps{send, expect};
  return make_tcp_check_probe(std::move(*compile_tcp_check(steps).rules));
}

}  // namespace

TEST_CASE("a connect check passes against a listening UNIX socket, then runs every inter") {
  RuntimeFixture f;
  IdleListener listener(f.path("s1"));
  auto probe = make_connect_probe();
  Checked c(f, f.add_server("s1"), *probe, every(Millis{30}));
  c.task.start(Millis{0});
  REQUIRE(f.run_until([&] { return c.sink.verdicts.size() >= 3; }));
  CHECK(c.sink.verdicts[0].result.status == core::CheckStatus::L4Ok);
  CHECK(c.sink.verdicts[0].result.duration_ms == 0);
  CHECK(c.sink.verdicts[2].at - c.sink.verdicts[1].at >= Millis{30});
  CHECK(c.server.check.health == 4);
  CHECK(!c.task.probing());
}

TEST_CASE("a missing socket file is a socket error with HAProxy's text") {
  RuntimeFixture f;
  auto probe = make_connect_probe();
  Checked c(f, f.add_server("s1"), *probe, every(Millis{30}));
  c.task.start(Millis{0});
  REQUIRE(f.run_until([&] { return !c.sink.verdicts.empty(); }));
  CHECK(c.sink.verdicts[0].result.status == core::CheckStatus::SockErr);
  CHECK(c.sink.verdicts[0].result.text == "General socket error (No such file or directory)");
  CHECK(c.server.op == core::OpState::Stopped);
}

TEST_CASE("an unanswered expect times out after inter and leaves no fd open") {
  RuntimeFixture f;
  IdleListener listener(f.path("s1"));
  auto probe = ping_pong_probe();
  const int fds_before = own_fd_count();
  {
    Checked c(f, f.add_server("s1"), *probe, every(Millis{40}));
    c.task.start(Millis{0});
    REQUIRE(f.run_until([&] { return c.sink.verdicts.size() >= 3; }));
    CHECK(c.sink.verdicts[0].result.status == core::CheckStatus::L7Tout);
    CHECK(c.sink.verdicts[0].result.duration_ms >= 40);
    CHECK(c.sink.verdicts[0].result.text == " at step 2 of tcp-check (expect string '+PONG')");
    CHECK(own_fd_count() <= fds_before + 1);  // at most the probe under way
  }
  CHECK(own_fd_count() == fds_before);
}

TEST_CASE("paused checks keep ticking without probing") {
  RuntimeFixture f;
  IdleListener listener(f.path("s1"));
  auto probe = make_connect_probe();
  Checked c(f, f.add_server("s1"), *probe, every(Millis{10}));
  c.state.enter_maint(f.loop.now());
  c.task.start(Millis{0});
  f.run_until([] { return false; }, Millis{60});
  CHECK(c.sink.verdicts.empty());
  c.state.leave_maint(f.loop.now());
  CHECK(f.run_until([&] { return !c.sink.verdicts.empty(); }, Millis{500}));
}

TEST_CASE("check_due_by brings the next check forward") {
  RuntimeFixture f;
  IdleListener listener(f.path("s1"));
  auto probe = make_connect_probe();
  Checked c(f, f.add_server("s1"), *probe, every(Millis{10000}));
  c.task.start(Millis{0});
  REQUIRE(f.run_until([&] { return c.sink.verdicts.size() == 1; }));
  c.task.check_due_by(f.loop.now() + Millis{20});
  CHECK(f.run_until([&] { return c.sink.verdicts.size() == 2; }, Millis{1000}));
}

TEST_CASE("check deadlines follow `timeout check` (reference 3.5)") {
  CheckTimeouts t{Millis{2000}, {}, {}};
  CHECK(t.connect_budget() == Millis{2000});
  CHECK(!t.after_connect());
  t.connect = Millis{500};
  CHECK(t.connect_budget() == Millis{2000});  // timeout connect alone changes nothing
  t.check = Millis{300};
  CHECK(t.connect_budget() == Millis{500});
  CHECK(t.after_connect() == Millis{300});
  t.connect = Millis{5000};
  CHECK(t.connect_budget() == Millis{2000});
  t.connect.reset();
  CHECK(t.connect_budget() == Millis{2000});
}

}  // namespace ferry::healthcheck::test
