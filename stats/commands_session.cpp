// Commands about the CLI session itself (prompt, quit, levels, timeout, severity output), the
// counters, and `wait` (HAProxy 3.0's syntax and replies).
#include "conf/duration.hpp"
#include "stats/command_handlers.hpp"

namespace ferry::stats {

namespace {

// HAProxy 2.6 takes `set timeout cli` in seconds below 2^31 (its parse_time_err limit).
constexpr long long kMaxCliTimeoutS = 2147483647;
constexpr long long kMaxWaitMs = 365LL * 86400 * 1000;

constexpr std::string_view kWaitUsage =
    "Usage: wait {-h|<duration>} [condition [args...]]\n"
    "  - '-h' prints this help\n"
    "  - <duration>: how long to wait at most; a number with an optional unit among us, ms, s,\n"
    "    m, h and d (milliseconds when none)\n"
    "  - <condition>: what to wait for; without one, just sleep. Supported conditions:\n"
    "    - srv-removable <backend>/<server>: the server is in maintenance and has no\n"
    "      connection left (nothing established, connecting or queued)\n";

void clear_max(core::Engine& engine) {
  engine.conn_rate.clear_max();
  for (auto& f : engine.frontends) {
    f->counters.smax = 0;
    f->counters.sess_rate.clear_max();
    f->counters.conn_rate.clear_max();
  }
  for (auto& b : engine.backends) {
    b->counters.smax = b->counters.qmax = 0;
    b->counters.sess_rate.clear_max();
    for (auto& s : b->servers) {
      s->counters.smax = s->counters.qmax = 0;
      s->counters.sess_rate.clear_max();
    }
  }
}

void clear_all(core::Engine& engine) {
  engine.conn_rate = core::FreqCounter{};
  for (auto& f : engine.frontends)
    f->counters = core::FrontendCounters{};
  for (auto& b : engine.backends) {
    b->counters = core::BackendCounters{};
    for (auto& s : b->servers) {
      s->counters = core::ServerCounters{};
      s->check.chkfail = s->check.chkdown = s->check.hanafail = 0;
    }
  }
}

}  // namespace

Reply prompt(Invocation& in) {
  in.session.interactive = !in.session.interactive;
  return done();
}

Reply quit(Invocation& in) {
  in.session.quit = true;
  return done();
}

Reply lower_to_operator(Invocation& in) {
  if (in.session.level < conf::Level::Operator) return error("Permission denied\n");
  in.session.level = conf::Level::Operator;
  return done();
}

Reply lower_to_user(Invocation& in) {
  in.session.level = conf::Level::User;
  return done();
}

Reply show_cli_level(Invocation& in) {
  return info(std::string(level_name(in.session.level)) + "\n");
}

Reply show_cli_sockets(Invocation& in) {
  std::string out = "# socket lvl processes\n";
  for (const auto& s : in.ctx.sockets)
    out += s.text + " " + std::string(level_name(s.level)) + " all\n";
  return output(std::move(out));
}

Reply set_timeout(Invocation& in) {
  if (in.arg(2) != "cli") return error("'set timeout' only supports 'cli'.\n");
  if (in.arg(3).empty()) return error("Expects an integer value.\n");
  using conf::TimeUnit;
  const auto t = conf::parse_time(in.arg(3), TimeUnit::S, TimeUnit::S, kMaxCliTimeoutS);
  if (t.error != conf::ParsedTime::Error::None || t.count < 1)
    return error("Invalid timeout value.\n");
  in.session.timeout = core::Millis(t.count * 1000);
  return done();
}

Reply set_severity_output(Invocation& in) {
  const std::string_view mode = in.arg(2);
  if (mode == "none")
    in.session.severity_output = SeverityOutput::None;
  else if (mode == "number")
    in.session.severity_output = SeverityOutput::Number;
  else if (mode == "string")
    in.session.severity_output = SeverityOutput::String;
  else
    return error("one of 'none', 'number', 'string' is a required argument\n");
  return done();
}

Reply clear_counters(Invocation& in) {
  if (in.arg(2) == "all") {
    if (in.session.level < conf::Level::Admin) return error("Permission denied\n");
    clear_all(in.ctx.engine);
    return done();
  }
  clear_max(in.ctx.engine);
  return done();
}

Reply wait(Invocation& in) {
  const std::string_view delay = in.arg(1);
  if (delay.empty()) return error("Expects a duration in milliseconds.\n");
  if (delay == "-h") return info(std::string(kWaitUsage));
  using conf::TimeUnit;
  const auto t = conf::parse_time(delay, TimeUnit::Ms, TimeUnit::Ms, kMaxWaitMs);
  if (t.error != conf::ParsedTime::Error::None || t.count < 1) return error("Invalid duration.\n");
  WaitRequest w;
  w.delay = core::Millis(t.count);
  const std::string_view cond = in.arg(2);
  if (cond == "srv-removable") {
    w.kind = WaitRequest::Kind::SrvRemovable;
    const std::string_view spec = in.arg(3);
    if (spec.empty()) return error("Missing server name (<backend>/<server>).\n");
    const size_t slash = spec.find('/');
    if (slash == std::string_view::npos) return error("Require 'backend/server'.\n");
    w.backend = std::string(spec.substr(0, slash));
    w.server = std::string(spec.substr(slash + 1));
  } else if (!cond.empty()) {
    return error(std::string(kWaitUsage));
  }
  Reply r;
  r.wait = std::move(w);
  return r;
}

WaitStatus wait_status(const WaitRequest& w, core::Engine& engine) {
  if (w.kind == WaitRequest::Kind::Sleep) return WaitStatus::Pending;
  auto lk = engine.lock_state();
  const ServerRef ref = find_server(engine, w.backend + "/" + w.server);
  if (!ref.server) return WaitStatus::Failed;
  core::Server& s = *ref.server;
  if (w.kind == WaitRequest::Kind::TakeOut)
    return take_out(engine, s, w.drain, w.keep_up).made ? WaitStatus::Done : WaitStatus::Pending;
  if (!s.in_maint()) return WaitStatus::Failed;
  const bool idle = s.served == 0 && s.sessions.empty();
  return idle ? WaitStatus::Done : WaitStatus::Pending;
}

Reply finish_wait(const WaitRequest& w, WaitStatus status) {
  const bool take_out = w.kind == WaitRequest::Kind::TakeOut;
  const std::string srv = w.backend + "/" + w.server;
  if (status == WaitStatus::Done && take_out)
    return info(srv + (w.drain ? " is draining.\n" : " is in maintenance.\n"));
  if (status == WaitStatus::Done) return info("Done.\n");
  if (status == WaitStatus::Failed) return error(take_out ? "No such server.\n" : "Failed.\n");
  if (w.kind == WaitRequest::Kind::Sleep) return info("Done.\n");  // ends at its deadline
  if (take_out)
    return error("Kept up: " + srv + " stays in rotation: backend '" + w.backend +
                 "' did not have " + std::to_string(w.keep_up) +
                 " other usable server(s) before the wait expired (keep-up).\n");
  return error("Wait delay expired.\n");
}

}  // namespace ferry::stats
