#include "healthcheck/probe.hpp"

#include <cassert>
#include <cstring>

#include "healthcheck/http_check.hpp"
#include "healthcheck/redis_check.hpp"
#include "healthcheck/tcp_check.hpp"

namespace ferry::healthcheck {

namespace {

// Plain `check`: the connection is the whole test.
class ConnectRun final : public ProbeRun {
 public:
  ProbeAction start() override { return {ProbeAction::Kind::Connect, "", {}}; }
  ProbeAction done() override {
    return {ProbeAction::Kind::Finish, "", {core::CheckStatus::L4Ok, -1, "", -1}};
  }
  ProbeAction received(std::string_view, bool) override {
    assert(false && "a connect check never receives");
    return done();
  }
  CheckResult connect_failed(int err, ConnectPhase phase) override {
    return connect_failure(err, phase);
  }
  CheckResult io_failed(int err) override {
    return {core::CheckStatus::SockErr, -1, std::strerror(err), -1};
  }
  CheckResult timed_out() override { return connect_timeout(); }
};

class ConnectProbe final : public Probe {
 public:
  std::unique_ptr<ProbeRun> start_run() const override { return std::make_unique<ConnectRun>(); }
};

}  // namespace

std::unique_ptr<Probe> make_connect_probe() {
  return std::make_unique<ConnectProbe>();
}

ProbeBuild compile_probe(const conf::HealthProbeConf& conf) {
  using K = conf::HealthProbeConf::Kind;
  switch (conf.kind) {
    case K::Connect:
      return {make_connect_probe(), ""};
    case K::RedisCheck:
      return {make_tcp_check_probe(redis_check_rules()), ""};
    case K::TcpCheck: {
      TcpCheckRulesBuild b = compile_tcp_check(conf.tcp_steps);
      if (!b.rules) return {nullptr, b.error};
      return {make_tcp_check_probe(std::move(*b.rules)), ""};
    }
    case K::HttpCheck: {
      HttpCheckBuild b = compile_http_check(conf);
      if (!b.spec) return {nullptr, b.error};
      return {make_http_check_probe(std::move(*b.spec)), ""};
    }
  }
  return {nullptr, "unknown probe kind"};
}

}  // namespace ferry::healthcheck
