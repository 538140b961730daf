// The read-only `show` commands: stat, info, activity, servers state, backend, version.
#include <sys/time.h>

#include <cstdio>
#include <cstdlib>

#include "stats/command_handlers.hpp"
#include "stats/stat_output.hpp"

namespace ferry::stats {

namespace {

// A proxy named like `text` (frontend or backend), else atoi(text), as HAProxy resolves the
// first word of `show stat <iid> <type> <sid>`.
int proxy_id(const core::Engine& engine, std::string_view text) {
  for (const auto& f : engine.frontends)
    if (f->name == text) return f->id;
  for (const auto& b : engine.backends)
    if (b->name == text) return b->id;
  return std::atoi(std::string(text).c_str());
}

void apply_stat_option(std::string_view word, StatRequest& req) {
  if (word == "typed")
    req.format = StatFormat::Typed;
  else if (word == "json")
    req.format = StatFormat::Json;
  else if (word == "desc")
    req.desc = true;
  else if (word == "up")
    req.up = true;
  else if (word == "no-maint")
    req.no_maint = true;
  // anything else is ignored, as HAProxy does
}

std::string addr_host(const core::Server& s) {
  if (s.addr.is_unix()) return "-";
  std::string text = s.addr.to_string();  // "1.2.3.4:80" or "[::1]:80"
  text.erase(text.rfind(':'));
  if (!text.empty() && text.front() == '[') text = text.substr(1, text.size() - 2);
  return text;
}

unsigned addr_port(const core::Server& s) {
  if (s.addr.is_unix()) return 0;
  const std::string text = s.addr.to_string();
  return static_cast<unsigned>(std::atoi(text.c_str() + text.rfind(':') + 1));
}

// srv_check_result: 0 unknown, 1 neutral, 2 failed, 3 passed, 4 conditionally passed.
int check_result(core::CheckStatus st) {
  using core::CheckStatus;
  switch (st) {
    case CheckStatus::Unknown:
    case CheckStatus::Init:
      return 0;
    case CheckStatus::Checked:
      return 1;
    case CheckStatus::L4Ok:
    case CheckStatus::L6Ok:
    case CheckStatus::L7Ok:
      return 3;
    case CheckStatus::L7OkC:
      return 4;
    default:
      return 2;
  }
}

// srv_check_state bits: 1 running, 2 configured, 4 enabled, 8 paused. As HAProxy shows it,
// maintenance pauses a configured check, and a server `disabled` in the config shows paused
// even without a check, and still after `enable server`.
int check_state(const core::Server& s) {
  const auto& c = s.check;
  const bool paused = c.paused || (c.configured && s.in_maint()) ||
                      (s.admin_flags & core::admin::kConfigMaint) != 0;
  return (c.in_progress ? 1 : 0) | (c.configured ? 2 : 0) | (c.configured && c.enabled ? 4 : 0) |
         (paused ? 8 : 0);
}

void servers_state_rows(std::string& out, const core::Backend& b, core::Millis now) {
  for (const auto& sp : b.servers) {
    const core::Server& s = *sp;
    const long long since = (now - s.last_change).count() / 1000;
    out += std::to_string(b.id) + ' ' + b.name + ' ' + std::to_string(s.id) + ' ' + s.name + ' ' +
           addr_host(s) + ' ' + std::to_string(static_cast<int>(s.op)) + ' ' +
           std::to_string(s.admin_flags) + ' ' + std::to_string(s.uweight) + ' ' +
           std::to_string(s.iweight) + ' ' + std::to_string(since > 0 ? since : 0) + ' ' +
           std::to_string(static_cast<int>(s.check.status)) + ' ' +
           std::to_string(check_result(s.check.status)) + ' ' +
           std::to_string(s.in_maint() ? 0 : s.check.health) + ' ' +
           std::to_string(check_state(s)) + " 0 0 0 - " + std::to_string(addr_port(s)) +
           " - 0 0 - - 0\n";
  }
}

}  // namespace

Reply show_stat(Invocation& in) {
  StatRequest req;
  req.privileged = in.session.bind_level != conf::Level::User;
  size_t next = 2;
  if (in.arg(2) == "domain") {
    if (in.arg(3) != "proxy") return error("Invalid statistics domain.\n");
    next = 4;
  }
  if (!in.arg(next).empty() && !in.arg(next + 1).empty() && !in.arg(next + 2).empty()) {
    req.iid = proxy_id(in.ctx.engine, in.arg(next));
    if (req.iid == 0) return error("No such proxy.\n");
    req.type_mask = std::atoi(std::string(in.arg(next + 1)).c_str());
    req.sid = std::atoi(std::string(in.arg(next + 2)).c_str());
    next += 3;
  }
  for (size_t i = next; i < in.args.size(); ++i)
    apply_stat_option(in.args[i], req);
  return output(render_stat(in.ctx.engine, req));
}

// HAProxy's per-thread figures, "name: total" and, with several threads, "[ t1 t2 ... ]". Only
// the lines ferry measures are printed.
Reply show_activity(Invocation& in) {
  const core::Engine& engine = in.ctx.engine;
  const size_t n = engine.workers.size();
  size_t me = 0;
  for (size_t i = 0; i < n; ++i)
    if (engine.workers[i]->on_own_thread()) me = i;
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  char date[64];
  std::snprintf(date, sizeof(date), "%lld.%06ld", static_cast<long long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  std::string out = "thread_id: " + std::to_string(me + 1) + " (1.." + std::to_string(n) + ")\n";
  out += "date_now: " + std::string(date) + "\n";
  auto line = [&](const char* name, auto get) {
    uint64_t total = 0;
    std::string each;
    for (const auto& w : engine.workers) {
      const uint64_t v = get(w->activity);
      total += v;
      each += " " + std::to_string(v);
    }
    out += std::string(name) + ": " + std::to_string(total);
    if (n > 1) out += " [" + each + " ]";
    out += "\n";
  };
  line("loops", [](const core::WorkerActivity& a) { return a.loops.load(); });
  line("accepted", [](const core::WorkerActivity& a) { return a.accepted.load(); });
  return output(std::move(out));
}

Reply show_info(Invocation& in) {
  InfoFormat format = InfoFormat::Text;
  bool desc = false;
  for (size_t i = 2; i < in.args.size(); ++i) {
    if (in.args[i] == "typed")
      format = InfoFormat::Typed;
    else if (in.args[i] == "json")
      format = InfoFormat::Json;
    else if (in.args[i] == "desc")
      desc = true;
  }
  return output(render_info(in.ctx.engine, in.ctx.process, format, desc));
}

Reply show_servers_state(Invocation& in) {
  const core::Backend* only = nullptr;
  if (!in.arg(3).empty()) {
    only = find_backend(in.ctx.engine, in.arg(3));
    if (!only) return error("Can't find backend.\n");
  }
  std::string out =
      "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight "
      "srv_iweight srv_time_since_last_change srv_check_status srv_check_result "
      "srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id "
      "srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr "
      "srv_agent_port\n";
  const core::Millis now = in.ctx.engine.loop.now();
  for (const auto& b : in.ctx.engine.backends)
    if (!only || only == b.get()) servers_state_rows(out, *b, now);
  return output(std::move(out));
}

Reply show_backend(Invocation& in) {
  std::string out = "# name\n";
  for (const auto& b : in.ctx.engine.backends)
    out += b->name + "\n";
  return output(std::move(out));
}

Reply show_version(Invocation& in) {
  return info(haproxy_version_string(in.ctx.process.ferry_version) + "\n");
}

}  // namespace ferry::stats
