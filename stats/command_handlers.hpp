// Internal to stats/: the command handlers the table in command_table.cpp dispatches to, and
// the small helpers they share. Handlers run after the level check; each parses its own words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stats/commands.hpp"

namespace ferry::stats {

struct Invocation {
  const std::vector<std::string>& args;  // every word, the keywords included
  CliSession& session;
  CliContext& ctx;

  std::string_view arg(size_t i) const { return i < args.size() ? args[i] : std::string_view{}; }
};

inline Reply output(std::string text) {
  return Reply{std::move(text), Severity::Output, {}, {}};
}
inline Reply info(std::string text) {
  return Reply{std::move(text), Severity::Info, {}, {}};
}
inline Reply error(std::string text) {
  return Reply{std::move(text), Severity::Error, {}, {}};
}
inline Reply done() {
  return Reply{};
}

// `backend/server` (either part may be `#<id>`). On failure `error` holds HAProxy's message.
struct ServerRef {
  core::Backend* backend = nullptr;
  core::Server* server = nullptr;
  std::string error;
};
ServerRef find_server(const core::Engine& engine, std::string_view spec);
core::Backend* find_backend(const core::Engine& engine, std::string_view name);

// The usage listing of `help` and of an unknown command (`words` = what was typed).
Reply usage_reply(const std::vector<std::string>& words, bool is_help);

// show ...
Reply show_stat(Invocation& in);
Reply show_info(Invocation& in);
Reply show_activity(Invocation& in);
Reply show_servers_state(Invocation& in);
Reply show_backend(Invocation& in);
Reply show_version(Invocation& in);
// server state and weight
Reply disable_server(Invocation& in);
Reply enable_server(Invocation& in);
Reply disable_health(Invocation& in);
Reply enable_health(Invocation& in);
Reply set_server(Invocation& in);
Reply set_weight(Invocation& in);
Reply get_weight(Invocation& in);
Reply shutdown_sessions(Invocation& in);
// `safe disable|drain server`: MAINT or DRAIN only while the backend keeps `keep-up` other
// usable servers, checked and made under the state lock, so that two callers racing cannot both
// pass. The wait form retries from the connection (wait_status).
Reply safe_take_out(Invocation& in);
struct TakeOut {
  bool made = false;
  int others = 0;  // usable servers of the backend besides this one, before the change
};
TakeOut take_out(core::Engine& engine, core::Server& s, bool drain, int keep_up);
// session, counters, wait
Reply help(Invocation& in);
Reply prompt(Invocation& in);
Reply quit(Invocation& in);
Reply lower_to_operator(Invocation& in);
Reply lower_to_user(Invocation& in);
Reply show_cli_level(Invocation& in);
Reply show_cli_sockets(Invocation& in);
Reply set_timeout(Invocation& in);
Reply set_severity_output(Invocation& in);
Reply clear_counters(Invocation& in);
Reply wait(Invocation& in);
// `-x` handover
Reply get_socks(Invocation& in);
Reply get_state(Invocation& in);

}  // namespace ferry::stats
