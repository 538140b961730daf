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

}  // namespace ferry::stats
