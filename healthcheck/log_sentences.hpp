// The log lines HAProxy writes when a server changes state, word for word, so log watchers keep
// working. Each takes the numbers it prints; the caller counts them after the change:
// `active`/`backup` are the backend's usable servers of each kind, `sessions` the server's
// current sessions, `requeued` the sessions moved back to the backend queue, `queued` what is
// left waiting.
#pragma once

#include <string>
#include <string_view>

#include "core/server.hpp"

namespace ferry::healthcheck {

// "Server be/srv" or "Backup Server be/srv".
struct LogSubject {
  std::string_view backend;
  std::string_view server;
  bool backup = false;
};

struct ServersLeft {
  int active = 0;
  int backup = 0;
};

struct SessionCounts {
  unsigned sessions = 0;
  unsigned requeued = 0;
  unsigned queued = 0;
};

// The check part of a state line: `, reason: <desc>[, code: N][, info: "<text>"][, check
// duration: Nms]` from the server's last check.
std::string check_reason(const core::CheckInfo& check);

// `<subject> is DOWN, reason: ... N active and M backup servers left. X sessions active, ...`
std::string log_down_by_check(const LogSubject& who, const core::CheckInfo& check, ServersLeft left,
                              SessionCounts counts);
// `<subject> is UP, reason: ... N active and M backup servers online. Y sessions requeued, ...`
std::string log_up_by_check(const LogSubject& who, const core::CheckInfo& check, ServersLeft online,
                            SessionCounts counts);

std::string log_going_maint(const LogSubject& who, ServersLeft left, SessionCounts counts);
std::string log_down_enters_maint(const LogSubject& who);
// `is UP/READY (leaving forced maintenance).`, or UP/DRAIN when the drain flag stays.
std::string log_leaving_maint(const LogSubject& who, bool draining);

std::string log_enters_drain(const LogSubject& who, ServersLeft online, SessionCounts counts);
std::string log_leaving_drain(const LogSubject& who);
std::string log_remains_drain(const LogSubject& who);

// `set server health down|up|stopping` (`from` = kFromCli), or a health restored from a saved
// server state (kFromSavedState): `... is DOWN, changed from <from>.`
inline constexpr std::string_view kFromCli = "CLI";
inline constexpr std::string_view kFromSavedState = "server-state after a reload";
std::string log_down_changed(const LogSubject& who, std::string_view from, ServersLeft left,
                             SessionCounts counts);
std::string log_up_changed(const LogSubject& who, std::string_view from, ServersLeft online,
                           SessionCounts counts);
std::string log_stopping_changed(const LogSubject& who, std::string_view from, ServersLeft online,
                                 SessionCounts counts);

// Logged when connect() to a UNIX socket fails with EAGAIN (the listener's backlog is full).
std::string log_unix_backlog_full(std::string_view backend);

}  // namespace ferry::healthcheck
