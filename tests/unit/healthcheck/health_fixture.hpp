// A server, its HealthState and a fake clock, for the health-state tests.
#pragma once

#include <string>

#include "core/server.hpp"
#include "healthcheck/health_state.hpp"
#include "healthcheck/status_text.hpp"

namespace ferry::healthcheck::test {

using core::CheckStatus;
using core::Millis;

inline HealthParams checked_params() {
  HealthParams p;
  p.check = true;
  return p;
}

struct HealthFixture {
  core::Server server;
  Millis now{10000};
  HealthState hs;

  explicit HealthFixture(const HealthParams& params = checked_params()) : hs(server, params) {
    hs.start(now);
  }

  Transition pass(Millis after = Millis{0}) {
    now += after;
    return hs.on_check_result({CheckStatus::L4Ok, -1, "", 0}, now);
  }
  Transition fail(Millis after = Millis{0}) {
    now += after;
    return hs.on_check_result(
        {CheckStatus::SockErr, -1, "General socket error (No such file or directory)", 0}, now);
  }
  ObserveOutcome traffic(bool connected) { return hs.on_traffic_result(connected, now); }
  std::string status() const { return server_status_text(server); }
  const core::CheckInfo& check() const { return server.check; }
};

}  // namespace ferry::healthcheck::test
