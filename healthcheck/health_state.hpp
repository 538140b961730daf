// The health counter of one server: HAProxy's single counter with rise/fall hysteresis, the
// passive `observe layer4` analysis and the admin actions that touch health (maintenance,
// `disable/enable health`, `set server health`). Pure: every call gets the current time, nothing
// here does I/O or schedules anything; the caller logs, tells the balancer and moves sessions
// according to what each call returns.
//
// One HealthState per server, checked or not (maintenance and `set server health` apply to both).
// It writes the server's CheckInfo, op state, admin maintenance flags, last_change, downtime and
// the chkfail/chkdown/hanafail counters; it never reads or writes anything else of the server.
// Lives on the server's loop; the server outlives it.
#pragma once

#include <optional>

#include "conf/model.hpp"
#include "core/server.hpp"
#include "core/server_control.hpp"
#include "healthcheck/check_result.hpp"

namespace ferry::healthcheck {

struct HealthParams {
  bool check = false;     // `check` on the server line
  bool disabled = false;  // `disabled`: starts in maintenance
  core::Millis inter{2000};
  std::optional<core::Millis> fastinter;
  std::optional<core::Millis> downinter;
  int rise = 2;
  int fall = 3;
  int error_limit = 10;
  conf::Observe observe = conf::Observe::None;
  conf::OnError on_error = conf::OnError::FailCheck;
  std::optional<core::Millis> slowstart;  // set: coming up enters Starting (the caller ramps)

  static HealthParams from(const conf::ServerConf& conf);
};

// A change of the server's operational state, for the caller to act on.
enum class Transition {
  None,
  WentDown,      // now Stopped: log, remove from the balancer, maybe shut sessions
  WentUp,        // now Running (or Starting with slowstart): log, add back to the balancer
  WentStopping,  // now Stopping (only by `set server health stopping`)
};

// What `disable server` did.
enum class MaintEntry {
  AlreadyInMaint,  // nothing changed
  WentDown,        // was up: "is going DOWN for maintenance"
  WasDown,         // was already stopped: "was DOWN and now enters maintenance"
};

using core::ForcedHealth;

// What one real-traffic connection attempt caused under `observe layer4`.
struct ObserveOutcome {
  bool acted = false;  // error-limit reached: the on-error action ran and hanafail grew
  Transition transition = Transition::None;
  // When set, the next check must run no later than this (now + fastinter).
  std::optional<core::Millis> check_due_by;
};

class HealthState {
 public:
  HealthState(core::Server& server, const HealthParams& params);

  // Initial state: a checked server is Running with health = rise ("UP 1/3", INI); an unchecked
  // one is Running at full health ("no check"); a `disabled` one (or one already in maintenance,
  // e.g. carried over by a reload) is Stopped in MAINT with checks paused and health 0.
  void start(core::Millis now);

  // A probe begins: stats show "* " before the status and an empty last_chk until it ends.
  void on_check_started();
  // A probe ended. Applies the counter rules; ignored (None) while checks are disabled or paused.
  Transition on_check_result(const CheckResult& result, core::Millis now);
  // One real-traffic connection attempt to the server ended (`connected` = established).
  ObserveOutcome on_traffic_result(bool connected, core::Millis now);

  // Delay from the end of a check to the next one (HAProxy's srv_getinter); `inter` while checks
  // are disabled or paused (the check task keeps ticking without checking).
  core::Millis next_interval() const;

  MaintEntry enter_maint(core::Millis now);
  // Clears forced maintenance (kConfigMaint, the `disabled` record, stays); WentUp unless another
  // maintenance reason remains.
  // Drain is the caller's business (`enable server` clears it separately).
  Transition leave_maint(core::Millis now);
  void disable_checks();
  void enable_checks();
  // `set server health up|stopping|down`: health full/full/0. The state does not change while
  // the server is in maintenance.
  Transition force_health(ForcedHealth health, core::Millis now);

  // The slowstart ramp is over: Starting becomes Running (last_change stays, as HAProxy).
  void end_warmup();

  int full_health() const { return params_.rise + params_.fall - 1; }
  bool checking() const;  // configured, enabled and not paused
  const HealthParams& params() const { return params_; }

 private:
  void record(const CheckResult& result);
  Transition count_failure(core::Millis now);
  Transition count_success(core::Millis now);
  Transition set_stopped(core::Millis now);
  Transition set_running(core::Millis now);
  Transition set_stopping(core::Millis now);
  core::OpState up_state() const;
  void change_op(core::OpState op, core::Millis now);
  Transition run_on_error(int errors, core::Millis now);

  core::Server& server_;
  HealthParams params_;
};

}  // namespace ferry::healthcheck
