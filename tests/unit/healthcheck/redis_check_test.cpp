// option redis-check (observed texts).
#include <doctest/doctest.h>

#include <cerrno>

#include "tests/unit/healthcheck/probe_fixture.hpp"

namespace ferry::healthcheck::test {

namespace {

struct Redis {
  std::unique_ptr<Probe> probe;
  std::unique_ptr<ProbeRun> run;
  Redis() {
    conf::HealthProbeConf conf;
    conf.kind = conf::HealthProbeConf::Kind::RedisCheck;
    run = run_of(conf, probe);
  }
  ProbeRun& receiving() {
    REQUIRE(run->start().kind == ActionKind::Connect);
    const ProbeAction send = run->done();
    REQUIRE(send.kind == ActionKind::Send);
    CHECK(send.bytes == "PING\r\n");
    REQUIRE(run->done().kind == ActionKind::Receive);
    return *run;
  }
};

}  // namespace

TEST_CASE("+PONG passes with Redis wording") {
  Redis r;
  check_result(finished(r.receiving().received("+PONG\r\n", false)), CheckStatus::L7Ok,
               "Redis server is ok", 0);
}

TEST_CASE("another answer fails with L7STS and its first line, once conclusive") {
  Redis r;
  ProbeRun& run = r.receiving();
  CHECK(run.received("-ERR down\r\n", false).kind == ActionKind::Receive);
  check_result(finished(run.received("-ERR down\r\nmore", true)), CheckStatus::L7Sts, "-ERR down",
               0);
  check_result(finished(run.received("+PO", true)), CheckStatus::L7Sts, "+PO", 0);
  check_result(finished(run.received("\n", true)), CheckStatus::L7Sts, "", 0);
  check_result(finished(run.received("", true)), CheckStatus::L7Sts,
               "TCPCHK got an empty response at step 2", 0);
}

TEST_CASE("errors and timeouts carry no tcp-check context") {
  Redis r;
  r.run->start();
  check_result(r.run->connect_failed(ENOENT, ConnectPhase::Immediate), CheckStatus::SockErr,
               "General socket error (No such file or directory)");
  check_result(r.run->timed_out(), CheckStatus::L4Tout, "");
  ProbeRun& run = r.receiving();
  check_result(run.io_failed(ECONNRESET), CheckStatus::SockErr, "Connection reset by peer");
  check_result(run.timed_out(), CheckStatus::L7Tout, "");
}

}  // namespace ferry::healthcheck::test
