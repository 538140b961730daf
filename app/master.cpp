#include "app/master.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <list>
#include <memory>

#include "app/process_control.hpp"
#include "app/runtime_builder.hpp"
#include "app/systemd_notify.hpp"
#include "conf/number.hpp"
#include "core/fd.hpp"
#include "core/log.hpp"

namespace ferry::app {

namespace {

constexpr int kAnswerTimeoutMs = 2000;  // a worker answers the master at once; this is a bound
constexpr int kSignals[] = {SIGUSR1, SIGUSR2, SIGHUP, SIGTERM, SIGINT, SIGCHLD, SIGTTOU, SIGTTIN};

// The exit status as a shell shows it: the code, or 128 + the signal that killed it.
int status_code(int wstatus) {
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

std::string exit_text(int code) {
  return "exited with code " + std::to_string(code) + " (" +
         (code > 128 ? std::string(::strsignal(code - 128)) : std::string("Exit")) + ")";
}

using ConfigPtr = std::shared_ptr<const conf::Config>;

class Master {
 public:
  Master(const CommandLine& cmd, conf::Config config, const WorkerMain& worker_main)
      : cmd_(cmd), main_(worker_main), config_(std::make_shared<conf::Config>(std::move(config))) {}

  int run();

 private:
  struct Child {
    pid_t pid = -1;
    core::Fd channel;
    std::string in;  // what the worker wrote that is not read yet
    bool ready = false;
    bool leaving = false;  // told to soft-stop: a newer worker carries the traffic
    ConfigPtr config;
  };

  bool start();
  bool block_signals();
  bool fork_worker(const ConfigPtr& config, WorkerStart start = {});
  [[noreturn]] void become_worker(const ConfigPtr& config, WorkerStart start);
  WorkerStart state_of_current();
  void poll_once();
  void on_signal(int sig);
  void reload();
  void reload_failed(const std::string& why);
  void on_channel(Child& c);
  void on_ready(Child& c);
  void reap();
  void child_exited(const Child& c, int code);
  // Passes `sig` to every worker; the master exits with `code` once they are gone.
  void stop_all(int sig, int code);
  Child* current();
  std::string ask(Child& c, const std::string& request);
  std::string status_line();
  void notify(const std::string& message);

  const CommandLine& cmd_;
  const WorkerMain& main_;
  ConfigPtr config_;  // of the newest worker started
  core::Log log_;
  SystemdNotify notify_;
  HeldSockets sockets_;
  core::Fd signals_;  // signalfd of kSignals, blocked in the master
  sigset_t old_mask_{};
  std::list<Child> children_;
  std::string pidfile_;
  bool stopping_ = false;
  bool done_ = false;
  int exit_code_ = 0;
};

int Master::run() {
  if (!start()) return 1;
  while (!done_)
    poll_once();
  if (!pidfile_.empty()) remove_pidfile(pidfile_);
  return exit_code_;
}

bool Master::start() {
  log_.set_tag(config_->global.log_tag);
  for (const auto& e : log_.set_targets(config_->global.logs, config_->longest_log_length()))
    log_.warning(e);
  if (cmd_.systemd_notify) notify_ = SystemdNotify::from_environment();
  if (!adopt_systemd_sockets(sockets_.inherited, log_)) return false;
  const ProcessLimits limits = raise_limits_for(*config_);
  for (const auto& w : limits.warnings)
    log_.warning(w);
  if (!limits.error.empty()) return log_.alert(limits.error), false;
  const auto errors = sockets_.bind_for(*config_, limits.maxconn);
  if (!errors.empty()) {
    for (const auto& e : errors)
      log_.alert(e);
    log_.alert("ferry could not start: " + std::to_string(errors.size()) + " listener error(s)");
    return false;
  }
  if ((config_->global.daemon || cmd_.daemon) && !cmd_.foreground) {
    if (auto err = daemonize(); !err.empty()) return log_.alert(err), false;
    log_.set_stderr(false);
  }
  pidfile_ = !cmd_.pidfile.empty() ? cmd_.pidfile : config_->global.pidfile;
  if (!pidfile_.empty())
    if (auto err = write_pidfile(pidfile_); !err.empty()) log_.warning(err);
  return block_signals() && fork_worker(config_);
}

bool Master::block_signals() {
  sigset_t set;
  ::sigemptyset(&set);
  for (const int sig : kSignals)
    ::sigaddset(&set, sig);
  ::sigprocmask(SIG_BLOCK, &set, &old_mask_);
  signals_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_) log_.alert(std::string("cannot watch signals: ") + std::strerror(errno));
  return signals_.valid();
}

bool Master::fork_worker(const ConfigPtr& config, WorkerStart start) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    log_.alert(std::string("cannot create a worker channel: ") + std::strerror(errno));
    return false;
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(sv[0]);
    start.channel = sv[1];
    become_worker(config, std::move(start));
  }
  ::close(sv[1]);
  if (pid < 0) {
    ::close(sv[0]);
    log_.alert(std::string("cannot fork a worker: ") + std::strerror(errno));
    return false;
  }
  Child& c = children_.emplace_back();
  c.pid = pid;
  c.channel = core::Fd(sv[0]);
  c.config = config;
  log_.notice("New worker (" + std::to_string(pid) + ") forked");
  return true;
}

// In the forked child: drops what only the master uses, then runs the worker.
void Master::become_worker(const ConfigPtr& config, WorkerStart start) {
  signals_.reset();
  for (auto& c : children_)
    c.channel.reset();
  ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  start.sockets = &sockets_;
  int code = 70;  // as guarded_main: nothing may unwind into the master's frames in this child
  try {
    code = main_(*config, start);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ferry: internal error in the worker: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "ferry: internal error in the worker\n");
  }
  std::fflush(nullptr);
  std::_Exit(code);
}

void Master::poll_once() {
  std::vector<pollfd> fds{{signals_.get(), POLLIN, 0}};
  for (const auto& c : children_)
    fds.push_back({c.channel.get(), POLLIN, 0});  // -1 once closed: poll skips it
  if (::poll(fds.data(), fds.size(), -1) < 0) return;
  if (fds[0].revents) {
    signalfd_siginfo si{};
    while (::read(signals_.get(), &si, sizeof(si)) == sizeof(si))
      on_signal(static_cast<int>(si.ssi_signo));
  }
  size_t i = 1;
  for (auto it = children_.begin(); it != children_.end() && i < fds.size(); ++it, ++i)
    if (fds[i].revents && it->channel.get() == fds[i].fd) on_channel(*it);
}

void Master::on_signal(int sig) {
  switch (sig) {
    case SIGUSR2:
    case SIGHUP:
      if (!stopping_) reload();
      return;
    case SIGCHLD:
      return reap();
    case SIGTTOU:
    case SIGTTIN:
      return log_.notice(std::string("received ") + (sig == SIGTTOU ? "SIGTTOU" : "SIGTTIN") +
                         ": ignored (ferry does not pause or resume its listeners)");
    default:  // SIGTERM, SIGINT, SIGUSR1
      stop_all(sig, sig == SIGINT ? 130 : 0);
      return reap();  // no worker left: exits now
  }
}

void Master::reload() {
  notify("RELOADING=1\n" + SystemdNotify::monotonic_usec());
  log_.notice("Reloading ferry");
  const conf::LoadResult loaded = conf::load_files(cmd_.config_files);
  std::string first_error;
  for (const auto& d : loaded.diagnostics) {
    const bool error = d.severity == conf::Diagnostic::Severity::Error;
    (error ? log_.alert(d.to_string()) : log_.warning(d.to_string()));
    if (error && first_error.empty()) first_error = d.to_string();
  }
  if (!first_error.empty()) return reload_failed("configuration error: " + first_error);
  const ProcessLimits limits = raise_limits_for(loaded.config);
  for (const auto& w : limits.warnings)
    log_.warning(w);
  if (!limits.error.empty()) return reload_failed(limits.error);
  const auto errors = sockets_.bind_for(loaded.config, limits.maxconn);
  if (!errors.empty()) {
    for (const auto& e : errors)
      log_.alert(e);
    sockets_.keep_only(*config_);
    return reload_failed(errors.front());
  }
  config_ = std::make_shared<conf::Config>(loaded.config);
  if (!fork_worker(config_, state_of_current())) reload_failed("cannot start a new worker");
}

// The running worker's servers' state for the next one, taken as late as possible: just
// before the fork (a change made on the old worker after this is not carried over).
WorkerStart Master::state_of_current() {
  Child* running = current();
  if (!running) return {};
  WorkerStart start{.server_state = ask(*running, "servers-state"), .state_from = running->pid};
  if (start.server_state.empty())
    log_.warning("worker " + std::to_string(running->pid) + " did not hand over its server " +
                 "state within " + std::to_string(kAnswerTimeoutMs / 1000) +
                 " s: the new worker's servers start from the configuration");
  return start;
}

void Master::reload_failed(const std::string& why) {
  Child* running = current();
  const std::string still =
      running ? "; worker " + std::to_string(running->pid) + " keeps running" : "";
  log_.alert("Loading failure! " + why + still);
  if (running) config_ = running->config;
  notify("READY=1\nSTATUS=Reload failed: " + why + still);
}

void Master::on_channel(Child& c) {
  char buf[256];
  const ssize_t n = ::recv(c.channel.get(), buf, sizeof(buf), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) return c.channel.reset();  // the worker is ending: SIGCHLD follows
  if (c.ready) return;                   // a late answer to a question that timed out: dropped
  c.in.append(buf, static_cast<size_t>(n));
  if (const size_t eol = c.in.find("ready\n"); !c.ready && eol != std::string::npos) {
    c.in.erase(0, eol + 6);
    on_ready(c);
  }
}

// The workers forked before `c` stop (their sessions finish there). A worker forked after it (a
// reload while `c` was starting) is left alone, with the sockets its newer config needs: it
// takes over once it is ready itself.
void Master::on_ready(Child& c) {
  c.ready = true;
  bool older = true, newest = true;
  for (auto& other : children_) {
    if (&other == &c) {
      older = false;
    } else if (!older) {
      newest = false;
    } else if (!other.leaving) {
      other.leaving = true;
      ::kill(other.pid, SIGUSR1);
    }
  }
  if (newest) sockets_.keep_only(*c.config);
  log_.notice("Loading success: worker " + std::to_string(c.pid) + " is ready");
  notify("READY=1\nMAINPID=" + std::to_string(::getpid()) + "\nSTATUS=" + status_line());
}

void Master::reap() {
  int wstatus = 0;
  for (pid_t pid; (pid = ::waitpid(-1, &wstatus, WNOHANG)) > 0;) {
    for (auto it = children_.begin(); it != children_.end(); ++it)
      if (it->pid == pid) {
        const Child gone = std::move(*it);
        children_.erase(it);
        child_exited(gone, status_code(wstatus));
        break;
      }
  }
  if (!children_.empty() || done_) return;
  if (stopping_ || exit_code_ == 0 || config_->global.exit_on_failure) {
    log_.warning("All workers exited. Exiting... (" + std::to_string(exit_code_) + ")");
    done_ = true;
    return;
  }
  log_.alert("no worker left (master-worker no-exit-on-failure): waiting for a reload");
}

void Master::child_exited(const Child& c, int code) {
  const std::string pid = std::to_string(c.pid);
  if (c.leaving) return log_.warning("Former worker (" + pid + ") " + exit_text(code));
  if (!c.ready) {
    log_.alert("New worker (" + pid + ") " + exit_text(code) + " before it was ready");
    if (stopping_) return;
    if (current()) return reload_failed("the new worker " + exit_text(code));
    exit_code_ = code;
    return;
  }
  (code < 128 ? log_.warning("Current worker (" + pid + ") " + exit_text(code))
              : log_.alert("Current worker (" + pid + ") " + exit_text(code)));
  if (stopping_) return;
  exit_code_ = code;
  if (code == 0 || code == 130 || code == 143 || !c.config->global.exit_on_failure) return;
  log_.alert("exit-on-failure: killing every worker with SIGTERM");
  stop_all(SIGTERM, code);
}

void Master::stop_all(int sig, int code) {
  if (!stopping_) {
    log_.warning("Exiting Master process...");
    notify("STOPPING=1");
  }
  stopping_ = true;
  exit_code_ = code;
  for (const auto& c : children_)
    ::kill(c.pid, sig);
}

// The newest worker that is ready and not leaving: the one carrying the traffic.
Master::Child* Master::current() {
  for (auto it = children_.rbegin(); it != children_.rend(); ++it)
    if (it->ready && !it->leaving) return &*it;
  return nullptr;
}

// Asks a worker one question on its channel; "" if it does not answer within kAnswerTimeoutMs.
std::string Master::ask(Child& c, const std::string& request) {
  const std::string line = request + "\n";
  char buf[4096];
  while (c.channel && ::recv(c.channel.get(), buf, sizeof(buf), MSG_DONTWAIT) > 0) {
  }  // what is left of a late answer
  if (!c.channel || ::send(c.channel.get(), line.data(), line.size(), MSG_NOSIGNAL) < 0) return "";
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kAnswerTimeoutMs);
  std::string in;
  size_t end = std::string::npos;
  while (end == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{c.channel.get(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
    const ssize_t n = ::recv(c.channel.get(), buf, sizeof(buf), 0);
    if (n <= 0) return "";
    const size_t from = in.empty() ? 0 : in.size() - 1;  // "\n\n" may span two reads
    in.append(buf, static_cast<size_t>(n));
    end = in.find("\n\n", from);
  }
  return in.substr(0, end + 1);
}

// One line for systemd's STATUS=: "worker 123 (1 old finishing), 4 sessions, servers 2/3 up".
std::string Master::status_line() {
  Child* c = current();
  if (!c) return "no worker running";
  const std::string answer = ask(*c, "status");
  std::string_view answer_left = answer;
  // "<sessions> <servers up> <servers>"; a missing or garbled number reads as 0
  auto next = [&answer_left] {
    const auto n = conf::parse_leading_integer(answer_left);
    if (!n) return 0LL;
    answer_left = n->rest.substr(std::min<size_t>(1, n->rest.size()));
    return n->value;
  };
  const long long sessions = next(), up = next(), total = next();
  const size_t old = children_.size() - 1;
  return "worker " + std::to_string(c->pid) +
         (old ? " (" + std::to_string(old) + " old finishing)" : "") + ", " +
         std::to_string(sessions) + " sessions, servers " + std::to_string(up) + "/" +
         std::to_string(total) + " up";
}

void Master::notify(const std::string& message) {
  if (auto err = notify_.send(message); !err.empty()) log_.warning(err);
}

}  // namespace

int run_master(const CommandLine& cmd, conf::Config config, const WorkerMain& worker_main) {
  Master master(cmd, std::move(config), worker_main);
  return master.run();
}

}  // namespace ferry::app
