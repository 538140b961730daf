#include "healthcheck/server_controller.hpp"

#include <algorithm>
#include <cassert>

#include "core/backend.hpp"
#include "core/session.hpp"
#include "healthcheck/log_sentences.hpp"

namespace ferry::healthcheck {

namespace {

LogSubject subject_of(const core::Server& s) {
  return {s.backend->name, s.name, s.backup};
}

// The numbers the sentences print, counted after the change.
ServersLeft servers_left(const core::Backend& b) {
  return {static_cast<int>(b.usable_active()), static_cast<int>(b.usable_backup())};
}

SessionCounts session_counts(const core::Server& s) {
  return {s.served, 0, 0};  // no server queue without persistence: nothing waits there
}

// Kills the sessions on `s` (now on this thread, on their own thread soon for the others). A
// killed session may let a queued one in, which the queue may hand to `s` (`shutdown sessions`
// on a usable server): only the sessions there at the start are killed, and a session given `s`
// by the queue is not killed before it connects (HAProxy attaches it to the server then).
// Killed sessions are destroyed by their worker later, so the pointers stay valid.
void kill_sessions(core::Server& s) {
  std::vector<core::Session*> victims;
  s.sessions.for_each([&](core::Session& session) {
    if (!session.awaiting_connect()) victims.push_back(&session);
  });
  for (core::Session* session : victims)
    session->request_kill();
}

}  // namespace

ServerHealth::ServerHealth(core::Engine& engine, core::Server& srv, const conf::ServerConf& conf)
    : server(srv),
      state(srv, HealthParams::from(conf)),
      warmup(engine.loop, srv, state),
      shutdown_on_down(conf.on_marked_down_shutdown_sessions),
      shutdown_backups_on_up(conf.on_marked_up_shutdown_backup_sessions) {}

ServerController::ServerController(core::Engine& engine) : engine_(engine) {}

ServerController::~ServerController() = default;

ServerHealth& ServerController::add(std::unique_ptr<ServerHealth> health) {
  ServerHealth& sh = *health;
  by_server_[&sh.server] = &sh;
  servers_.push_back(std::move(health));
  return sh;
}

ServerHealth* ServerController::find(const core::Server& server) const {
  auto it = by_server_.find(&server);
  return it == by_server_.end() ? nullptr : it->second;
}

ServerHealth& ServerController::must_find(const core::Server& server) const {
  ServerHealth* sh = find(server);
  assert(sh != nullptr && "every server of every backend has a ServerHealth");
  return *sh;
}

void ServerController::check_completed(core::Server& server, const CheckResult& result) {
  auto lk = engine_.lock_state();
  ServerHealth& sh = must_find(server);
  apply(sh, sh.state.on_check_result(result, now()), Cause::Check);
}

void ServerController::connect_result(core::Server& server, bool ok, bool still_served) {
  auto lk = engine_.lock_state();
  ServerHealth* sh = find(server);
  if (sh == nullptr) return;
  const ObserveOutcome out = sh->state.on_traffic_result(ok, now());
  if (!out.acted) return;
  if (out.check_due_by && sh->task) sh->task->check_due_by(*out.check_due_by);
  // As HAProxy, a session whose connect failed no longer counts as active on the server.
  apply(*sh, out.transition, Cause::Check, !ok && still_served ? 1 : 0);
}

void ServerController::apply(ServerHealth& sh, Transition t, Cause cause, unsigned failing) {
  if (t == Transition::None) return;
  const Effect effect = t == Transition::WentDown ? Effect::Down
                        : t == Transition::WentUp ? Effect::Up
                                                  : Effect::None;
  settle(sh, effect, sentence(sh, t, cause, failing),
         effect == Effect::Down ? core::Severity::Alert : core::Severity::Notice);
}

std::string ServerController::sentence(const ServerHealth& sh, Transition t, Cause cause,
                                       unsigned failing) const {
  const core::Server& s = sh.server;
  const LogSubject who = subject_of(s);
  const ServersLeft left = servers_left(*s.backend);
  SessionCounts counts = session_counts(s);
  counts.sessions -= std::min(counts.sessions, failing);
  if (cause == Cause::Check) {
    if (t == Transition::WentDown) return log_down_by_check(who, s.check, left, counts);
    if (t == Transition::WentUp) return log_up_by_check(who, s.check, left, counts);
    return "";
  }
  const std::string_view from = cause == Cause::Cli ? kFromCli : kFromSavedState;
  switch (t) {
    case Transition::WentDown:
      return log_down_changed(who, from, left, counts);
    case Transition::WentUp:
      return log_up_changed(who, from, left, counts);
    case Transition::WentStopping:
      return log_stopping_changed(who, from, left, counts);
    case Transition::None:
      break;
  }
  return "";
}

void ServerController::say(const core::Server& s, const std::string& sentence,
                           core::Severity level) {
  engine_.log.console(core::Severity::Warning, sentence);
  engine_.log.send(level, sentence, s.backend->settings.log_tag);
}

// HAProxy's order: the sentence first (then the backend's own alert if it has no server left),
// then the sessions. The sentence is a warning on stderr and goes to the log targets at `level`.
void ServerController::settle(ServerHealth& sh, Effect effect, const std::string& sentence,
                              core::Severity level) {
  core::Server& s = sh.server;
  if (!sentence.empty()) say(s, sentence, level);
  sh.warmup.sync();
  s.backend->server_changed(s);
  if (effect == Effect::Down && sh.shutdown_on_down) kill_sessions(s);
  if (effect == Effect::Up && sh.shutdown_backups_on_up && !s.backup && s.usable())
    shutdown_backup_sessions(*s.backend);
}

void ServerController::shutdown_backup_sessions(core::Backend& backend) {
  for (const auto& other : backend.servers)
    if (other->backup) kill_sessions(*other);
}

void ServerController::set_maint(core::Server& server, bool on) {
  auto lk = engine_.lock_state();
  ServerHealth& sh = must_find(server);
  if (on) {
    enter_maint(sh);
  } else {
    leave_maint(sh);
  }
}

void ServerController::enter_maint(ServerHealth& sh) {
  core::Server& s = sh.server;
  // A server taken out of service is an alert in the logs; one already draining a notice.
  const core::Severity level = s.in_drain() ? core::Severity::Notice : core::Severity::Alert;
  s.admin_flags &= ~core::admin::kForcedDrain;  // `state maint` clears a forced drain
  switch (sh.state.enter_maint(now())) {
    case MaintEntry::AlreadyInMaint:
      return;
    case MaintEntry::WentDown:
      return settle(sh, Effect::Down,
                    log_going_maint(subject_of(s), servers_left(*s.backend), session_counts(s)),
                    level);
    case MaintEntry::WasDown:
      return settle(sh, Effect::Down, log_down_enters_maint(subject_of(s)));
  }
}

// `enable server` / `state ready`: clears forced maintenance and forced drain.
void ServerController::leave_maint(ServerHealth& sh) {
  core::Server& s = sh.server;
  const bool drained = s.in_drain();
  s.admin_flags &= ~core::admin::kForcedDrain;
  if (sh.state.leave_maint(now()) == Transition::WentUp)
    return settle(sh, Effect::Up, log_leaving_maint(subject_of(s), false));
  if (drained && !s.in_maint()) settle(sh, Effect::None, log_leaving_drain(subject_of(s)));
}

void ServerController::set_drain(core::Server& server, bool on) {
  auto lk = engine_.lock_state();
  ServerHealth& sh = must_find(server);
  if (on == server.in_drain()) return;
  if (!on) {
    server.admin_flags &= ~core::admin::kForcedDrain;
    return settle(sh, Effect::None, log_leaving_drain(subject_of(server)));
  }
  server.admin_flags |= core::admin::kForcedDrain;
  if (server.admin_flags & core::admin::kForcedMaint) {  // `state drain` clears forced maint
    const Transition t = sh.state.leave_maint(now());
    say(server, log_leaving_maint(subject_of(server), true), core::Severity::Notice);  // then:
    return settle(sh, t == Transition::WentUp ? Effect::Up : Effect::None,
                  log_remains_drain(subject_of(server)));
  }
  settle(
      sh, Effect::None,
      log_enters_drain(subject_of(server), servers_left(*server.backend), session_counts(server)));
}

void ServerController::set_weight(core::Server& server, int uweight) {
  auto lk = engine_.lock_state();
  server.uweight = uweight;
  settle(must_find(server), Effect::None, "");
}

void ServerController::set_health(core::Server& server, core::ForcedHealth health) {
  auto lk = engine_.lock_state();
  ServerHealth& sh = must_find(server);
  apply(sh, sh.state.force_health(health, now()), Cause::Cli);
}

void ServerController::restore_health(core::Server& server, core::ForcedHealth health) {
  auto lk = engine_.lock_state();
  ServerHealth& sh = must_find(server);
  apply(sh, sh.state.force_health(health, now()), Cause::SavedState);
}

void ServerController::set_checks_enabled(core::Server& server, bool on) {
  auto lk = engine_.lock_state();
  ServerHealth& sh = must_find(server);
  if (on) {
    sh.state.enable_checks();
  } else {
    sh.state.disable_checks();
  }
}

void ServerController::shutdown_sessions(core::Server& server) {
  auto lk = engine_.lock_state();
  kill_sessions(server);
}

}  // namespace ferry::healthcheck
