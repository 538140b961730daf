// `slowstart`: a server coming back (by checks, `enable server` or `set server health up`) starts
// in the Starting state and its weight ramps up over the slowstart period (HAProxy's
// server_warmup). The ramp is HAProxy's: in 1/16 steps of the weight, one step at once and the
// rest spread evenly, re-evaluated every max(1 s, slowstart / 20); the stats show the fraction as
// `throttle`. When the period is over the server is Running at full weight.
#pragma once

#include "core/event_loop.hpp"
#include "core/server.hpp"
#include "healthcheck/health_state.hpp"

namespace ferry::healthcheck {

// The throttle (percent of the user weight, 1..100) `elapsed` into a `slowstart` period.
int warmup_throttle(core::Millis elapsed, core::Millis slowstart);
// How often the ramp is re-evaluated.
core::Millis warmup_step(core::Millis slowstart);

// One server's ramp, on the server's loop. Does nothing for a server without `slowstart`.
class Warmup {
 public:
  Warmup(core::EventLoop& loop, core::Server& server, HealthState& state);
  Warmup(const Warmup&) = delete;
  Warmup& operator=(const Warmup&) = delete;

  // Follows the server's state after a change: starts the ramp when the server has just entered
  // Starting, ends it (throttle back to 100) when it left Starting. The caller then tells the
  // backend (server_changed).
  void sync();
  bool ramping() const { return timer_.active(); }

 private:
  void on_tick();

  core::EventLoop& loop_;
  core::Server& server_;
  HealthState& state_;
  core::Millis began_{0};
  core::TimerWatcher<Warmup, &Warmup::on_tick> timer_;
};

}  // namespace ferry::healthcheck
