// Helpers to build probes from config pieces and to walk a run through its actions.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "healthcheck/probe.hpp"

namespace ferry::healthcheck::test {

using core::CheckStatus;
using Step = conf::TcpCheckStep;
using StepKind = conf::TcpCheckStep::Kind;
using ActionKind = ProbeAction::Kind;

inline Step step(StepKind kind, std::string arg = "", bool negate = false) {
  Step s;
  s.pos = {"t.cfg", 7, 0};
  s.kind = kind;
  s.arg = std::move(arg);
  s.negate = negate;
  return s;
}

inline std::unique_ptr<ProbeRun> run_of(const conf::HealthProbeConf& conf,
                                        std::unique_ptr<Probe>& keep) {
  ProbeBuild b = compile_probe(conf);
  REQUIRE_MESSAGE(b.probe != nullptr, b.error);
  keep = std::move(b.probe);
  return keep->start_run();
}

// A run of a tcp-check with these steps; the probe is kept alive alongside.
struct TcpCheck {
  std::unique_ptr<Probe> probe;
  std::unique_ptr<ProbeRun> run;
  explicit TcpCheck(std::vector<Step> steps) {
    conf::HealthProbeConf conf;
    conf.kind = conf::HealthProbeConf::Kind::TcpCheck;
    conf.tcp_steps = std::move(steps);
    run = run_of(conf, probe);
  }
};

inline CheckResult finished(const ProbeAction& a) {
  REQUIRE(a.kind == ActionKind::Finish);
  return a.result;
}

inline void check_result(const CheckResult& r, CheckStatus status, const std::string& text,
                         int code = -1) {
  CHECK(r.status == status);
  CHECK(r.text == text);
  CHECK(r.code == code);
}

// A verdict (of an HTTP or FastCGI check's judge) is there and is this one.
inline void expect(const std::optional<CheckResult>& r, CheckStatus status, int code,
                   const std::string& text) {
  REQUIRE(r.has_value());
  check_result(*r, status, text, code);
}

}  // namespace ferry::healthcheck::test
