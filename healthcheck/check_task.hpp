// One server's health check on the engine's loop: a timer that starts a probe when it is due, and
// the probe's socket I/O performed per the contract in probe.hpp. One probe runs at a time; its
// fd is nonblocking, never blocks the loop, and is closed when the probe ends (or the task goes).
//
// Schedule: the first check runs after the start-up delay the caller computed (staggering); each
// next one runs HealthState::next_interval() after the END of the previous one. While checks are
// disabled or paused the task keeps ticking every `inter` without probing (reference 3.3).
// Deadline: CheckTimeouts (reference 3.5). The verdict goes to a CheckSink, which applies it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/server.hpp"
#include "healthcheck/check_result.hpp"
#include "healthcheck/check_timeouts.hpp"
#include "healthcheck/health_state.hpp"
#include "healthcheck/probe.hpp"

namespace ferry::healthcheck {

// Receives each finished check. Called from the task's own callback: it may act on the server,
// the backend and sessions, and ask the task to check sooner, but must not destroy the task.
class CheckSink {
 public:
  virtual ~CheckSink() = default;
  // `result.duration_ms` is filled in. The state machine has not seen the result yet.
  virtual void check_completed(core::Server& server, const CheckResult& result) = 0;
};

class CheckTask {
 public:
  // `probe`, `state`, `sink` and `server` must outlive the task.
  CheckTask(core::Engine& engine, core::Server& server, HealthState& state, const Probe& probe,
            CheckTimeouts timeouts, CheckSink& sink);
  ~CheckTask();
  CheckTask(const CheckTask&) = delete;
  CheckTask& operator=(const CheckTask&) = delete;

  // Arms the first check `first_delay` from now.
  void start(core::Millis first_delay);
  // Runs the next check no later than `at` (loop time); ignored while a probe runs, whose end
  // schedules the next one anyway.
  void check_due_by(core::Millis at);
  bool probing() const { return run_ != nullptr; }

 private:
  enum class Wait { None, Connect, Send, Receive };
  using Next = std::optional<ProbeAction>;  // the next action, or nullopt while waiting or done

  void on_tick();
  void on_deadline();
  void on_io(int revents);
  void schedule(core::Millis after);
  void begin();
  void run_steps(Next next);
  Next step(ProbeAction action);
  Next connect();
  Next connected();
  Next send_pending();
  Next receive();
  Next wait(Wait what, int events);
  Next fail(CheckResult result);
  void finish(CheckResult result);
  void release_socket();

  core::Engine& engine_;
  core::Server& server_;
  HealthState& state_;
  const Probe& probe_;
  const CheckTimeouts timeouts_;
  CheckSink& sink_;

  std::unique_ptr<ProbeRun> run_;  // the probe under way, null between checks
  core::Millis started_at_{0};
  core::Millis next_at_{0};  // when the tick timer fires (valid while no probe runs)
  Wait waiting_ = Wait::None;
  std::string out_;  // bytes of the Send under way
  size_t out_done_ = 0;
  std::string in_;  // bytes received since the last Send or Connect
  bool peer_closed_ = false;
  bool conclusive_ = false;  // the probe was shown a final answer (EOF or a full buffer)
  core::Fd fd_;              // destroyed after io_, which is stopped first
  core::IoWatcher<CheckTask, &CheckTask::on_io> io_;
  core::TimerWatcher<CheckTask, &CheckTask::on_tick> tick_;
  core::TimerWatcher<CheckTask, &CheckTask::on_deadline> deadline_;
};

}  // namespace ferry::healthcheck
