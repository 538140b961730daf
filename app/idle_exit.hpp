// `--exit-idle-time D`: ends the process (a soft stop) once it has had no connection for D, so
// that a socket-activated service stops when unused and systemd starts it again on demand.
// Runs on the main loop.
#pragma once

#include <algorithm>
#include <string>

#include "core/engine.hpp"
#include "core/event_loop.hpp"

namespace ferry::app {

class IdleExit {
 public:
  IdleExit(core::Engine& engine, core::Millis idle)
      : engine_(engine), idle_(idle), timer_(engine.loop, this), last_busy_(engine.loop.now()) {
    timer_.start(tick());
  }

 private:
  // Checked ten times per period (10ms to 1s apart): the exit comes at most a tick late.
  core::Millis tick() const { return std::clamp(idle_ / 10, core::Millis(10), core::Millis(1000)); }

  void on_timer() {
    const core::Millis now = engine_.loop.now();
    {
      auto lk = engine_.lock_state();
      const bool busy = engine_.actconn + engine_.reserved > 0 || engine_.cum_conns != seen_;
      seen_ = engine_.cum_conns;
      if (busy) last_busy_ = now;
    }
    if (now - last_busy_ < idle_) return timer_.start(tick());
    engine_.log.notice("no connection for " + std::to_string(idle_.count()) +
                       "ms: exiting (--exit-idle-time)");
    engine_.soft_stop();
  }

  core::Engine& engine_;
  const core::Millis idle_;
  core::TimerWatcher<IdleExit, &IdleExit::on_timer> timer_;
  core::Millis last_busy_;
  uint64_t seen_ = 0;
};

}  // namespace ferry::app
