// The read-only `show` commands: stat, info, activity, servers state, backend, version.
#include <sys/time.h>

#include <algorithm>
#include <climits>
#include <cstdio>

#include "conf/number.hpp"
#include "stats/command_handlers.hpp"
#include "stats/server_state.hpp"
#include "stats/stat_output.hpp"

namespace ferry::stats {

namespace {

// A number of `show stat <iid> <type> <sid>` read as HAProxy reads it (atoi: the leading digits,
// 0 for a word without any), except that a value beyond an int saturates instead of wrapping.
int stat_number(std::string_view text) {
  const auto n = conf::parse_leading_integer(text);
  if (!n) return 0;
  return static_cast<int>(std::clamp<long long>(n->value, INT_MIN, INT_MAX));
}

// A proxy named like `text` (frontend or backend), else its number, as HAProxy resolves the
// first word of `show stat <iid> <type> <sid>`.
int proxy_id(const core::Engine& engine, std::string_view text) {
  for (const auto& f : engine.frontends)
    if (f->name == text) return f->id;
  for (const auto& b : engine.backends)
    if (b->name == text) return b->id;
  return stat_number(text);
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
    req.type_mask = stat_number(in.arg(next + 1));
    req.sid = stat_number(in.arg(next + 2));
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
  return output(render_servers_state(in.ctx.engine, only));
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
