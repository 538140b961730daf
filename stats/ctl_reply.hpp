// What ferryctl makes of the bytes a stats socket sent back. ferryctl sends
// `set severity-output number` before the user's commands, so HAProxy (and ferry) mark every
// error message `[3]: ` and every other message `[6]: `; data output is never marked. The marks
// are removed before printing; they decide the exit status, which `socat` cannot give scripts.
#pragma once

#include <string>
#include <string_view>

namespace ferry::stats {

// ferryctl's exit statuses.
enum CtlExit : int {
  kCtlOk = 0,
  kCtlErrorReply = 1,
  kCtlUsage = 2,
  kCtlCannotConnect = 3,
  kCtlWaitExpired = 4,
  kCtlKeptUp = 5,  // `safe disable|drain` left the server in rotation (keep-up)
};

struct CtlOutcome {
  // What to print: the replies without their marks, empty replies and the final blank line.
  std::string text;
  bool error = false;
  bool wait_expired = false;
  bool kept_up = false;
  int exit_code() const {
    if (kept_up) return kCtlKeptUp;
    if (wait_expired) return kCtlWaitExpired;
    return error ? kCtlErrorReply : kCtlOk;
  }
};

// `raw`: everything received, starting with the reply to `set severity-output number`.
CtlOutcome interpret_replies(std::string_view raw);

// Renders `show stat` CSV as ferryctl's status table: every backend, then its servers, with
// state, weight, current/total sessions, last check and last change.
std::string status_table(std::string_view csv);
// The same as JSON, for scripts: {"backends": [{"name", "status", "weight", "sessions",
// "sessions_total", "servers": [{"name", "status", "weight", "backup", "sessions",
// "sessions_total", "check_status", "last_check", "last_change_seconds"}]}]}; empty columns are
// null.
std::string status_json(std::string_view csv);
// One frame of `ferryctl top`: `title`, then every backend and its servers with state, weight,
// sessions now, session rate, total, queue, connection and response errors, last check.
std::string top_view(std::string_view csv, std::string_view title);

}  // namespace ferry::stats
