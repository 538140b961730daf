#include "healthcheck/warmup.hpp"

#include <algorithm>

#include "core/backend.hpp"
#include "core/engine.hpp"

namespace ferry::healthcheck {

namespace {
constexpr int64_t kWeightSteps = 16;  // HAProxy's weight divisor for dynamic algorithms
}

int warmup_throttle(core::Millis elapsed, core::Millis slowstart) {
  const int64_t period = slowstart.count();
  if (period <= 0 || elapsed >= slowstart) return 100;
  const int64_t done = std::max<int64_t>(0, elapsed.count());
  const int64_t steps = (kWeightSteps * done + period) / period;  // 1 .. 16
  return static_cast<int>((100 * steps + kWeightSteps - 1) / kWeightSteps);
}

core::Millis warmup_step(core::Millis slowstart) {
  return std::max(core::Millis{1000}, slowstart / 20);
}

Warmup::Warmup(core::EventLoop& loop, core::Server& server, HealthState& state)
    : loop_(loop), server_(server), state_(state), timer_(loop, this) {}

void Warmup::sync() {
  const auto& slowstart = state_.params().slowstart;
  if (server_.op != core::OpState::Starting || !slowstart) {
    timer_.stop();
    server_.throttle_pct = 100;
    return;
  }
  if (timer_.active()) return;
  began_ = loop_.now();
  server_.throttle_pct = warmup_throttle(core::Millis{0}, *slowstart);
  timer_.start(warmup_step(*slowstart));
}

void Warmup::on_tick() {
  auto lk = server_.backend->engine.lock_state();
  const core::Millis slowstart = *state_.params().slowstart;
  const core::Millis elapsed = loop_.now() - began_;
  server_.throttle_pct = warmup_throttle(elapsed, slowstart);
  if (server_.throttle_pct < 100) {
    timer_.start(std::min(warmup_step(slowstart), slowstart - elapsed));
  } else {
    state_.end_warmup();
  }
  server_.backend->server_changed(server_);
}

}  // namespace ferry::healthcheck
