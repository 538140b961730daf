// The one place that changes a server's state at runtime: health-check verdicts, `observe
// layer4`, and the operator's commands (core::ServerControl, reference 3.6, 3.7, 5) all end in
// settle(), which logs HAProxy's sentence (reference 3.9), tells the backend (balancer, up/down,
// queue), follows the slowstart ramp and shuts sessions as `on-marked-down` / `on-marked-up` say.
// Lives on the main thread's loop and changes servers under the engine's state lock; the engine
// (and its servers) outlive it.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "conf/model.hpp"
#include "core/engine.hpp"
#include "core/server_control.hpp"
#include "healthcheck/check_task.hpp"
#include "healthcheck/health_state.hpp"
#include "healthcheck/warmup.hpp"

namespace ferry::healthcheck {

// What health checking keeps per server, checked or not.
struct ServerHealth {
  ServerHealth(core::Engine& engine, core::Server& server, const conf::ServerConf& conf);

  core::Server& server;
  HealthState state;
  Warmup warmup;
  const bool shutdown_on_down;        // on-marked-down shutdown-sessions
  const bool shutdown_backups_on_up;  // on-marked-up shutdown-backup-sessions
  std::unique_ptr<CheckTask> task;    // null when the server has no `check`
};

class ServerController final : public core::ServerControl,
                               public core::ConnectObserver,
                               public CheckSink {
 public:
  explicit ServerController(core::Engine& engine);
  ~ServerController() override;

  // Takes a server's health (its state already started) under control.
  ServerHealth& add(std::unique_ptr<ServerHealth> health);
  ServerHealth* find(const core::Server& server) const;
  const std::vector<std::unique_ptr<ServerHealth>>& servers() const { return servers_; }

  // core::ServerControl
  void set_maint(core::Server& server, bool on) override;
  void set_drain(core::Server& server, bool on) override;
  void set_weight(core::Server& server, int uweight) override;
  void set_health(core::Server& server, core::ForcedHealth health) override;
  void set_checks_enabled(core::Server& server, bool on) override;
  void restore_health(core::Server& server, core::ForcedHealth health) override;
  void shutdown_sessions(core::Server& server) override;

  // core::ConnectObserver (`observe layer4`)
  void connect_result(core::Server& server, bool ok, bool still_served) override;

  // CheckSink
  void check_completed(core::Server& server, const CheckResult& result) override;

 private:
  // What a change means for traffic beyond the balancer.
  enum class Effect { None, Down, Up };
  enum class Cause { Check, Cli, SavedState };

  // `failing`: sessions on the server whose connect just failed (not counted as active).
  void apply(ServerHealth& sh, Transition t, Cause cause, unsigned failing = 0);
  std::string sentence(const ServerHealth& sh, Transition t, Cause cause, unsigned failing) const;
  // A server event: a warning on stderr (in the foreground), `level` in the log targets.
  void say(const core::Server& s, const std::string& sentence, core::Severity level);
  // `level`: the sentence's severity in the log targets (HAProxy 2.6: alert when a server in
  // service goes down, notice for every other change).
  void settle(ServerHealth& sh, Effect effect, const std::string& sentence,
              core::Severity level = core::Severity::Notice);
  void enter_maint(ServerHealth& sh);
  void leave_maint(ServerHealth& sh);
  void shutdown_backup_sessions(core::Backend& backend);
  ServerHealth& must_find(const core::Server& server) const;
  core::Millis now() const { return engine_.loop.now(); }

  core::Engine& engine_;
  std::vector<std::unique_ptr<ServerHealth>> servers_;
  std::unordered_map<const core::Server*, ServerHealth*> by_server_;
};

}  // namespace ferry::healthcheck
