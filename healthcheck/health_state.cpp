#include "healthcheck/health_state.hpp"

#include <cassert>
#include <string>

namespace ferry::healthcheck {

using core::CheckStatus;
using core::Millis;
using core::OpState;

namespace {

// Results that say nothing about the server's health (HAProxy's neutral results).
bool neutral(CheckStatus status) {
  return status == CheckStatus::Unknown || status == CheckStatus::Init ||
         status == CheckStatus::Checked;
}

CheckResult analysis_failure(int errors) {
  return {CheckStatus::Hana, -1,
          "Detected " + std::to_string(errors) +
              " consecutive errors, last one was: L4 unsuccessful connection",
          -1};
}

}  // namespace

HealthParams HealthParams::from(const conf::ServerConf& conf) {
  HealthParams p;
  p.check = conf.check;
  p.disabled = conf.disabled;
  p.inter = conf.inter;
  p.fastinter = conf.fastinter;
  p.downinter = conf.downinter;
  p.rise = conf.rise;
  p.fall = conf.fall;
  p.error_limit = conf.error_limit;
  p.observe = conf.observe;
  p.on_error = conf.on_error;
  p.slowstart = conf.slowstart;
  return p;
}

HealthState::HealthState(core::Server& server, const HealthParams& params)
    : server_(server), params_(params) {
  assert(params.rise > 0 && params.fall > 0);
}

void HealthState::start(Millis now) {
  core::CheckInfo& c = server_.check;
  c.configured = c.enabled = params_.check;
  c.rise = params_.rise;
  c.fall = params_.fall;
  c.in_progress = false;
  c.observe = params_.observe == conf::Observe::Layer4;
  c.consecutive_errors = 0;
  record({CheckStatus::Init, -1, "", -1});
  if (params_.disabled)
    server_.admin_flags |= core::admin::kConfigMaint | core::admin::kForcedMaint;
  server_.last_change = now;
  if (server_.in_maint()) {
    c.paused = c.configured;
    c.health = 0;
    server_.op = OpState::Stopped;
    server_.down_since = now;
    return;
  }
  c.paused = false;
  c.health = params_.rise;  // HAProxy shows rise for unchecked servers too
  server_.op = OpState::Running;
  server_.down_since = Millis{-1};
}

bool HealthState::checking() const {
  const core::CheckInfo& c = server_.check;
  return c.configured && c.enabled && !c.paused;
}

void HealthState::on_check_started() {
  server_.check.in_progress = true;
  server_.check.last_text.clear();
}

Transition HealthState::on_check_result(const CheckResult& result, Millis now) {
  assert(server_.check.configured);
  server_.check.in_progress = false;
  if (!checking()) return Transition::None;  // a probe that outlived `disable health` / maint
  record(result);
  if (neutral(result.status)) return Transition::None;
  if (!check_passed(result.status)) return count_failure(now);
  server_.check.consecutive_errors = 0;
  return count_success(now);
}

ObserveOutcome HealthState::on_traffic_result(bool connected, Millis now) {
  core::CheckInfo& c = server_.check;
  if (params_.observe != conf::Observe::Layer4 || !checking()) return {};
  if (connected) {
    c.consecutive_errors = 0;
    return {};
  }
  if (++c.consecutive_errors < params_.error_limit) return {};
  const int errors = c.consecutive_errors;
  c.consecutive_errors = 0;
  ++c.hanafail;
  ObserveOutcome out{true, run_on_error(errors, now), std::nullopt};
  if (params_.fastinter) out.check_due_by = now + *params_.fastinter;
  return out;
}

Transition HealthState::run_on_error(int errors, Millis now) {
  core::CheckInfo& c = server_.check;
  switch (params_.on_error) {
    case conf::OnError::FastInter:
      return Transition::None;
    case conf::OnError::SuddenDeath:
      if (c.health > params_.rise) c.health = params_.rise + 1;  // one failure from DOWN
      break;
    case conf::OnError::MarkDown:
      c.health = params_.rise;  // the simulated failure below takes it DOWN
      break;
    case conf::OnError::FailCheck:
      break;
  }
  record(analysis_failure(errors));
  return count_failure(now);
}

Millis HealthState::next_interval() const {
  const core::CheckInfo& c = server_.check;
  if (!checking() || c.health == full_health()) return params_.inter;
  if (server_.op == OpState::Stopped && c.health == 0) {
    return params_.downinter.value_or(params_.inter);
  }
  return params_.fastinter.value_or(params_.inter);
}

MaintEntry HealthState::enter_maint(Millis now) {
  const bool was_in_maint = server_.in_maint();
  server_.admin_flags |= core::admin::kForcedMaint;
  if (was_in_maint) return MaintEntry::AlreadyInMaint;
  server_.check.paused = server_.check.configured;
  server_.check.health = 0;
  const bool was_down = server_.op == OpState::Stopped;
  if (!was_down) ++server_.check.chkdown;
  change_op(OpState::Stopped, now);  // also resets last_change when it was already down
  return was_down ? MaintEntry::WasDown : MaintEntry::WentDown;
}

Transition HealthState::leave_maint(Millis now) {
  // kConfigMaint (`disabled` in the config) stays: it only records the config, as HAProxy's
  // admin state 4 after `enable server`.
  if ((server_.admin_flags & core::admin::kForcedMaint) == 0) return Transition::None;
  server_.admin_flags &= ~core::admin::kForcedMaint;
  if (server_.in_maint()) return Transition::None;
  core::CheckInfo& c = server_.check;
  c.paused = false;
  if (c.configured && c.enabled) c.health = params_.rise;  // UP 1/3; the next check decides
  change_op(up_state(), now);
  return Transition::WentUp;
}

void HealthState::disable_checks() {
  server_.check.enabled = false;
}

void HealthState::enable_checks() {
  server_.check.enabled = server_.check.configured;
}

Transition HealthState::force_health(ForcedHealth health, Millis now) {
  switch (health) {
    case ForcedHealth::Up:
      server_.check.health = full_health();
      return set_running(now);
    case ForcedHealth::Stopping:
      server_.check.health = full_health();
      return set_stopping(now);
    case ForcedHealth::Down:
      server_.check.health = 0;
      return set_stopped(now);
  }
  return Transition::None;
}

void HealthState::end_warmup() {
  if (server_.op == OpState::Starting) server_.op = OpState::Running;
}

void HealthState::record(const CheckResult& result) {
  core::CheckInfo& c = server_.check;
  c.status = result.status;
  c.code = result.code;
  c.last_text = result.text;
  c.duration_ms = result.duration_ms;
}

// HAProxy's rule: a failure only counts while health > 0; falling below rise drops to 0.
Transition HealthState::count_failure(Millis now) {
  core::CheckInfo& c = server_.check;
  if (c.health > 0) {
    ++c.chkfail;
    if (--c.health < params_.rise) c.health = 0;
  }
  return c.health == 0 ? set_stopped(now) : Transition::None;
}

// A success climbs by one; reaching rise jumps to full health.
Transition HealthState::count_success(Millis now) {
  core::CheckInfo& c = server_.check;
  if (c.health < full_health() && ++c.health >= params_.rise) c.health = full_health();
  return c.health == full_health() ? set_running(now) : Transition::None;
}

OpState HealthState::up_state() const {
  return params_.slowstart && *params_.slowstart > Millis{0} ? OpState::Starting : OpState::Running;
}

Transition HealthState::set_stopped(Millis now) {
  if (server_.in_maint() || server_.op == OpState::Stopped) return Transition::None;
  ++server_.check.chkdown;
  change_op(OpState::Stopped, now);
  return Transition::WentDown;
}

Transition HealthState::set_running(Millis now) {
  if (server_.in_maint() || server_.running()) return Transition::None;
  change_op(up_state(), now);
  return Transition::WentUp;
}

Transition HealthState::set_stopping(Millis now) {
  if (server_.in_maint() || server_.op == OpState::Stopping) return Transition::None;
  change_op(OpState::Stopping, now);
  return Transition::WentStopping;
}

// Every state change resets last_change; downtime accrues only while Stopped.
void HealthState::change_op(OpState op, Millis now) {
  const OpState old = server_.op;
  server_.op = op;
  server_.last_change = now;
  if (op == OpState::Stopped && old != OpState::Stopped) server_.down_since = now;
  if (op != OpState::Stopped && server_.down_since >= Millis{0}) {
    server_.downtime += now - server_.down_since;
    server_.down_since = Millis{-1};
  }
}

}  // namespace ferry::healthcheck
