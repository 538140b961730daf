// Commands that read or change one server: its admin state, health, checks, weight, sessions.
// Replies and their order follow HAProxy 2.6: `backend/server` first, then the sub-command.
#include <algorithm>
#include <climits>
#include <variant>

#include "conf/duration.hpp"
#include "conf/number.hpp"
#include "stats/command_handlers.hpp"

namespace ferry::stats {

namespace {

constexpr std::string_view kSetServerUsage =
    "usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | "
    "check-addr | check-port | fqdn | health | ssl | state | weight\n";

// `#<id>`, or nothing when `text` is not of that form.
std::optional<int> numeric_id(std::string_view text) {
  if (text.size() < 2 || text[0] != '#') return std::nullopt;
  const auto id = conf::parse_integer(text.substr(1), 0, INT_MAX);
  if (!id) return std::nullopt;
  return static_cast<int>(*id);
}

core::Server* server_in(const core::Backend& backend, std::string_view name) {
  if (auto id = numeric_id(name)) {
    for (const auto& s : backend.servers)
      if (s->id == *id) return s.get();
    return nullptr;
  }
  return backend.find_server(name);
}

core::ServerControl* control(Invocation& in) {
  return in.ctx.engine.server_control;
}

// Resolves args[i] as `backend/server`, or returns the error reply to send.
std::variant<core::Server*, Reply> target(Invocation& in, size_t i) {
  ServerRef ref = find_server(in.ctx.engine, in.arg(i));
  if (!ref.server) return error(ref.error);
  if (!control(in)) return error("Server control is not available.\n");
  return ref.server;
}

bool static_balancing(const core::Backend& b) {
  if (b.lb) return b.lb->is_static();
  return b.settings.balance == conf::Balance::StaticRr ||
         b.settings.balance == conf::Balance::Source;
}

// `N` (0..256) or `N%` of the initial weight, checked as HAProxy does; an error text otherwise.
std::variant<int, std::string> parse_weight(std::string_view text, const core::Server& s) {
  if (text.empty()) return std::string("Require <weight> or <weight%>.\n");
  const auto n = conf::parse_leading_integer(text);
  if (!n) return std::string("Empty weight string empty or preceded by garbage");
  const std::string_view rest = n->rest;
  long long w = n->value;
  if (rest == "%") {
    if (w < 0) return std::string("Relative weight must be positive.\n");
    w = std::min(s.iweight * std::min(w, 25600LL) / 100, 256LL);
  } else if (w < 0 || w > 256) {
    return std::string("Absolute weight can only be between 0 and 256 inclusive.\n");
  } else if (!rest.empty()) {
    return std::string("Trailing garbage in weight string");
  }
  if (w != 0 && w != s.iweight && static_balancing(*s.backend))
    return std::string(
        "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n");
  return static_cast<int>(w);
}

Reply apply_weight(Invocation& in, core::Server& s, std::string_view text) {
  auto w = parse_weight(text, s);
  if (auto* err = std::get_if<std::string>(&w)) return error(*err);
  control(in)->set_weight(s, std::get<int>(w));
  return done();
}

// `state ready|drain|maint`: maintenance and drain exclude each other. A change the server
// already has is not made again (HAProxy logs each transition once).
Reply set_state(core::ServerControl& ctl, core::Server& s, std::string_view state) {
  if (state == "ready") {
    if (s.in_maint()) ctl.set_maint(s, false);
    if (s.in_drain()) ctl.set_drain(s, false);
  } else if (state == "drain") {
    if (!s.in_drain()) ctl.set_drain(s, true);
    if (s.in_maint()) ctl.set_maint(s, false);
  } else if (state == "maint") {
    if (!s.in_maint()) ctl.set_maint(s, true);
    if (s.in_drain()) ctl.set_drain(s, false);
  } else {
    return error("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
  }
  return done();
}

Reply set_health(Invocation& in, core::Server& s, std::string_view health) {
  core::ForcedHealth h;
  if (health == "up")
    h = core::ForcedHealth::Up;
  else if (health == "stopping")
    h = core::ForcedHealth::Stopping;
  else if (health == "down")
    h = core::ForcedHealth::Down;
  else
    return error("'set server <srv> health' expects 'up', 'stopping', or 'down'.\n");
  control(in)->set_health(s, h);
  return done();
}

bool haproxy_only_option(std::string_view sub) {
  for (std::string_view o : {"addr", "agent", "agent-addr", "agent-port", "agent-send",
                             "check-addr", "check-port", "fqdn", "ssl"})
    if (sub == o) return true;
  return false;
}

// The servers of `s`'s backend, other than `s`, that may take new traffic now.
int usable_besides(const core::Server& s) {
  int n = 0;
  for (const auto& other : s.backend->servers)
    if (other.get() != &s && other->usable()) ++n;
  return n;
}

constexpr std::string_view kSafeUsage =
    "Usage: safe disable|drain server <bk>/<srv> [keep-up <n>] [wait <delay>]\n";
constexpr long long kMaxSafeWaitMs = 365LL * 86400 * 1000;

}  // namespace

core::Backend* find_backend(const core::Engine& engine, std::string_view name) {
  if (auto id = numeric_id(name)) {
    for (const auto& b : engine.backends)
      if (b->id == *id) return b.get();
    return nullptr;
  }
  return engine.find_backend(name);
}

ServerRef find_server(const core::Engine& engine, std::string_view spec) {
  ServerRef ref;
  const size_t slash = spec.find('/');
  if (slash == std::string_view::npos || slash + 1 == spec.size()) {
    ref.error = "Require 'backend/server'.\n";
    return ref;
  }
  ref.backend = find_backend(engine, spec.substr(0, slash));
  if (!ref.backend) {
    ref.error = "No such backend.\n";
    return ref;
  }
  ref.server = server_in(*ref.backend, spec.substr(slash + 1));
  if (!ref.server) ref.error = "No such server.\n";
  return ref;
}

Reply disable_server(Invocation& in) {
  auto t = target(in, 2);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  return set_state(*control(in), *std::get<core::Server*>(t), "maint");
}

Reply enable_server(Invocation& in) {
  auto t = target(in, 2);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  return set_state(*control(in), *std::get<core::Server*>(t), "ready");
}

Reply disable_health(Invocation& in) {
  auto t = target(in, 2);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  control(in)->set_checks_enabled(*std::get<core::Server*>(t), false);
  return done();
}

Reply enable_health(Invocation& in) {
  auto t = target(in, 2);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  core::Server& s = *std::get<core::Server*>(t);
  if (!s.check.configured)
    return error("Health check was not configured on this server, cannot enable.\n");
  control(in)->set_checks_enabled(s, true);
  return done();
}

Reply set_server(Invocation& in) {
  auto t = target(in, 2);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  core::Server& s = *std::get<core::Server*>(t);
  const std::string_view sub = in.arg(3);
  if (sub == "state") return set_state(*control(in), s, in.arg(4));
  if (sub == "health") return set_health(in, s, in.arg(4));
  if (sub == "weight") return apply_weight(in, s, in.arg(4));
  if (haproxy_only_option(sub))
    return error("'set server <srv> " + std::string(sub) + "' is not supported by ferry.\n");
  return error(std::string(kSetServerUsage));
}

Reply set_weight(Invocation& in) {
  auto t = target(in, 2);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  return apply_weight(in, *std::get<core::Server*>(t), in.arg(3));
}

Reply get_weight(Invocation& in) {
  ServerRef ref = find_server(in.ctx.engine, in.arg(2));
  if (!ref.server) return error(ref.error);
  return output(std::to_string(ref.server->uweight) + " (initial " +
                std::to_string(ref.server->iweight) + ")\n");
}

Reply shutdown_sessions(Invocation& in) {
  auto t = target(in, 3);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  control(in)->shutdown_sessions(*std::get<core::Server*>(t));
  return done();
}

TakeOut take_out(core::Engine& engine, core::Server& s, bool drain, int keep_up) {
  TakeOut t;
  t.others = usable_besides(s);
  // A server that takes no new traffic now can change state without weakening its backend.
  if (s.usable() && t.others < keep_up) return t;
  t.made = true;
  set_state(*engine.server_control, s, drain ? "drain" : "maint");
  return t;
}

namespace {

std::string kept_up_text(const core::Server& s, int others, int keep_up) {
  return "Kept up: " + s.backend->name + "/" + s.name + " stays in rotation: backend '" +
         s.backend->name + "' has " + std::to_string(others) + " other usable server" +
         (others == 1 ? "" : "s") + " and must keep " + std::to_string(keep_up) +
         " (keep-up). Retry when more are UP, or use 'disable server' to force.\n";
}

}  // namespace

Reply safe_take_out(Invocation& in) {
  const std::string_view verb = in.arg(1);
  if ((verb != "disable" && verb != "drain") || in.arg(2) != "server")
    return error(std::string(kSafeUsage));
  auto t = target(in, 3);
  if (auto* r = std::get_if<Reply>(&t)) return std::move(*r);
  core::Server& s = *std::get<core::Server*>(t);
  WaitRequest w;
  w.kind = WaitRequest::Kind::TakeOut;
  w.drain = verb == "drain";
  w.backend = s.backend->name;
  w.server = s.name;
  for (size_t i = 4; i < in.args.size(); i += 2) {
    const std::string_view opt = in.arg(i), value = in.arg(i + 1);
    if (opt == "keep-up" && !value.empty()) {
      const auto n = conf::parse_integer(value, 0, INT_MAX);
      if (!n) return error("'keep-up' expects a number of servers (0 or more).\n");
      w.keep_up = static_cast<int>(*n);
    } else if (opt == "wait" && !value.empty()) {
      using conf::TimeUnit;
      const auto d = conf::parse_time(value, TimeUnit::Ms, TimeUnit::Ms, kMaxSafeWaitMs);
      if (d.error != conf::ParsedTime::Error::None || d.count < 1)
        return error("Invalid duration for 'wait'.\n");
      w.delay = core::Millis(d.count);
    } else {
      return error(std::string(kSafeUsage));
    }
  }
  if (w.delay.count() > 0) {  // tried by the connection now, then at each tick until the delay
    Reply r;
    r.wait = std::move(w);
    return r;
  }
  const TakeOut made = take_out(in.ctx.engine, s, w.drain, w.keep_up);
  if (!made.made) return error(kept_up_text(s, made.others, w.keep_up));
  return finish_wait(w, WaitStatus::Done);
}

}  // namespace ferry::stats
