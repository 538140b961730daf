// ferry: wires the layers together. Parses the command line, loads and validates the config,
// builds the runtime, binds, optionally daemonizes, and runs the loop until told to stop.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "app/build_info.hpp"
#include "app/command_line.hpp"
#include "app/guarded_main.hpp"
#include "app/idle_exit.hpp"
#include "app/master.hpp"
#include "app/master_channel.hpp"
#include "app/process_control.hpp"
#include "app/runtime_builder.hpp"
#include "app/server_state_files.hpp"
#include "app/socket_takeover.hpp"
#include "conf/dump_json.hpp"
#include "conf/model.hpp"
#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/log.hpp"
#include "core/privileges.hpp"
#include "healthcheck/health_checks.hpp"
#include "stats/admin_socket.hpp"

namespace ferry::app {
namespace {

constexpr const char* kVersion = "0.1.0";

// Prints every diagnostic; returns the number of errors among them.
size_t report(const conf::LoadResult& result, bool quiet) {
  size_t errors = 0;
  for (const auto& d : result.diagnostics) {
    const bool is_error = d.severity == conf::Diagnostic::Severity::Error;
    errors += is_error ? 1 : 0;
    if (is_error || !quiet) std::cerr << d.to_string() << "\n";
  }
  return errors;
}

// Receives the process signals on the loop (single-process mode).
class SignalHandlers {
 public:
  SignalHandlers(core::EventLoop& loop, core::Engine& engine)
      : engine_(engine),
        term_(loop, this, SIGTERM),
        intr_(loop, this, SIGINT),
        usr1_(loop, this, SIGUSR1),
        usr2_(loop, this, SIGUSR2),
        hup_(loop, this, SIGHUP),
        ttou_(loop, this, SIGTTOU),
        ttin_(loop, this, SIGTTIN) {}

 private:
  void on_signal(int sig) {
    switch (sig) {
      case SIGUSR1:
        return engine_.soft_stop();
      case SIGTERM:
      case SIGINT:
        engine_.log.notice(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                           ", stopping now");
        return engine_.hard_stop();
      case SIGUSR2:
        return engine_.log.notice(
            "received SIGUSR2: ignored (reloading needs master-worker mode, -W or -Ws; in "
            "single-process mode start a new process with -sf)");
      case SIGHUP:
        return engine_.reopen_logs();
      default:  // SIGTTOU, SIGTTIN
        return engine_.log.notice(std::string("received ") +
                                  (sig == SIGTTOU ? "SIGTTOU" : "SIGTTIN") +
                                  ": ignored (ferry does not pause or resume its listeners)");
    }
  }
  core::Engine& engine_;
  core::SignalWatcher<SignalHandlers, &SignalHandlers::on_signal> term_, intr_, usr1_, usr2_, hup_,
      ttou_, ttin_;
};

std::string listening_summary(const core::Engine& engine) {
  std::string out;
  for (const auto& fe : engine.frontends)
    for (const auto& l : fe->listeners)
      out += (out.empty() ? "" : ", ") + l->addr.to_string();
  return out;
}

// On a reload, the servers' state of the process this one replaces, applied before serving: a
// worker has it from its master; a single process started with -x takes it over the old one's
// stats socket (without -x there is no way to ask: only a server state file carries it).
std::vector<std::string> carry_server_state(const CommandLine& cmd, const conf::Config& config,
                                            core::Engine& engine, const WorkerStart* worker) {
  if (worker && !worker->server_state.empty())
    return apply_handed_over_state(
        config, engine, worker->server_state,
        "the server state of worker " + std::to_string(worker->state_from));
  if (worker || cmd.takeover_socket.empty()) return {};
  std::string state;
  if (auto err = take_server_state(cmd.takeover_socket, state); !err.empty())
    return {err + "; the servers start from the configuration"};
  return apply_handed_over_state(config, engine, state, "the server state of the old process");
}

// Runs one process carrying the traffic: a single process, or a worker forked by the master
// (`worker` set), which listens on the master's sockets and leaves the pidfile to it.
int run(const CommandLine& cmd, const conf::Config& config, WorkerStart* worker = nullptr) {
  core::EventLoop loop;
  core::Log log;
  log.set_debug(cmd.debug);
  log.set_tag(config.global.log_tag);
  if (const auto log_errors = log.set_targets(config.global.logs, config.longest_log_length());
      !log_errors.empty()) {
    for (const auto& e : log_errors)
      log.alert(e);
    return 1;
  }
  // A worker's master has raised the limit already, and said what there was to say.
  const ProcessLimits limits = raise_limits_for(config);
  for (const auto& w : limits.warnings)
    if (!worker) log.warning(w);
  if (!limits.error.empty()) return log.alert(limits.error), 1;
  // A buffer holds at least a whole tune.bufsize (an HTTP head of up to bufsize - maxrewrite).
  core::Engine engine(
      loop, log, limits.maxconn, static_cast<unsigned>(std::max(1, config.global.nbthread)),
      std::max<size_t>(core::BufferPool::kDefaultSize,
                       static_cast<size_t>(config.global.tune_bufsize + 15) & ~size_t{15}));
  engine.hard_stop_after = config.global.hard_stop_after;
  BuildOptions build;
  build.takeover = !cmd.soft_stop_pids.empty() || !cmd.hard_stop_pids.empty() || worker ||
                   !cmd.takeover_socket.empty();
  build.held = worker ? worker->sockets : nullptr;
  HeldSockets taken;  // -x: the old process's sockets
  if (!worker && !cmd.takeover_socket.empty()) {
    if (auto err = take_listeners(cmd.takeover_socket, taken); !err.empty())
      log.warning(err + "; binding the addresses instead");
    else
      build.held = &taken;
  }
  // A worker takes the sockets its master inherited; a single process adopts its own.
  core::InheritedSockets own;
  build.inherited = worker ? &worker->sockets->inherited : &own;
  if (!worker && !adopt_systemd_sockets(own, log)) return 1;
  const bool takeover = build.takeover;
  const auto errors = build_runtime(config, engine, build);
  warn_unused_inherited(*build.inherited, log);
  if (worker) worker->sockets->forget();
  taken.forget();
  if (!errors.empty()) {
    for (const auto& e : errors)
      log.alert(e);
    log.alert("ferry could not start: " + std::to_string(errors.size()) + " listener error(s)");
    return 1;
  }
  std::vector<std::string> check_errors;
  auto checks = healthcheck::HealthChecks::start(config, engine, check_errors);
  if (!checks) {
    for (const auto& e : check_errors)
      log.alert(e);
    return 1;
  }
  for (const auto& w : load_server_state_files(config, engine))
    log.warning(w);
  for (const auto& w : carry_server_state(cmd, config, engine, worker))
    log.warning(w);
  stats::AdminSockets admin(engine, stats::ProcessInfo::current(kVersion));
  if (const auto admin_errors = admin.listen(config.global, takeover); !admin_errors.empty()) {
    for (const auto& e : admin_errors)
      log.alert(e);
    log.alert("ferry could not start: " + std::to_string(admin_errors.size()) +
              " stats socket error(s)");
    return 1;
  }
  for (const auto& e : signal_pids(worker ? std::vector<pid_t>{} : cmd.soft_stop_pids, SIGUSR1))
    log.warning(e);
  for (const auto& e : signal_pids(worker ? std::vector<pid_t>{} : cmd.hard_stop_pids, SIGTERM))
    log.warning(e);
  if ((config.global.daemon || cmd.daemon) && !cmd.foreground && !worker) {
    if (auto err = daemonize(); !err.empty()) {
      log.alert(err);
      return 1;
    }
    log.set_stderr(false);
    engine.after_fork();
  }
  const std::string pidfile = worker                 ? ""
                              : !cmd.pidfile.empty() ? cmd.pidfile
                                                     : config.global.pidfile;
  if (!pidfile.empty())
    if (auto err = write_pidfile(pidfile); !err.empty()) log.warning(err);
  if (auto err = core::drop_privileges(config); !err.empty()) {
    log.alert(err + "; ferry stops");
    if (!pidfile.empty()) ::unlink(pidfile.c_str());
    return 1;
  }
  SignalHandlers signals(loop, engine);
  engine.on_soft_stop_done = [&loop] { loop.stop(); };
  std::unique_ptr<MasterChannel> master;
  if (worker) master = std::make_unique<MasterChannel>(engine, core::Fd(worker->channel));
  std::optional<IdleExit> idle_exit;
  if (cmd.proxyd.exit_idle_time) idle_exit.emplace(engine, *cmd.proxyd.exit_idle_time);
  engine.start_threads();
  if (master) master->tell_ready();
  if (!cmd.quiet)
    log.notice(std::string("ferry ") + kVersion + " started (pid " + std::to_string(::getpid()) +
               ", maxconn " + std::to_string(engine.maxconn) +
               (engine.nbthread > 1 ? ", " + std::to_string(engine.nbthread) + " threads" : "") +
               "), listening on " + listening_summary(engine));
  loop.run();
  engine.join_threads();
  if (!pidfile.empty()) remove_pidfile(pidfile);
  return 0;
}

int ferry_main(int argc, char** argv) {
  CommandLine cmd;
  std::string error;
  if (!parse_command_line(argc, argv, cmd, error)) {
    std::cerr << "ferry: " << error << "\n" << usage_text();
    return 1;
  }
  if (cmd.help) return std::cout << usage_text(), 0;
  if (cmd.version) {
    std::cout << "ferry version " << kVersion << "\n";
    if (cmd.build_info) std::cout << build_info_text();
    return 0;
  }
  if (cmd.dump_haproxy) return std::cout << proxyd_config_text(cmd.proxyd), 0;
  const conf::LoadResult loaded =
      cmd.proxyd.active() ? conf::load_string("command-line.cfg", proxyd_config_text(cmd.proxyd))
                          : conf::load_files(cmd.config_files);
  const size_t errors = report(loaded, cmd.quiet);
  if (errors > 0) {
    std::cerr << "ferry: " << errors << " error(s) in the configuration; nothing started\n";
    if (cmd.proxyd.active())
      std::cerr << "ferry: (command-line.cfg is the command line as a config file; see it with "
                   "--dump-config=haproxy)\n";
    return 1;
  }
  if (cmd.dump_config) return std::cout << conf::to_json(loaded.config).dump(2) << "\n", 0;
  if (cmd.check_only) {
    const auto tls_errors = stats::AdminSockets::check_tls(loaded.config.global);
    for (const auto& e : tls_errors)
      std::cerr << "ferry: " << e << "\n";
    if (!tls_errors.empty()) return 1;
    if (!cmd.quiet) std::cout << "Configuration file is valid\n";
    return 0;
  }
  if (cmd.master_worker || loaded.config.global.master_worker)
    return run_master(cmd, loaded.config,
                      [&cmd](const conf::Config& c, WorkerStart& w) { return run(cmd, c, &w); });
  return run(cmd, loaded.config);
}

}  // namespace
}  // namespace ferry::app

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  return ferry::app::guarded_main([&] { return ferry::app::ferry_main(argc, argv); }, std::cerr);
}
