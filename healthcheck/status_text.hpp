// How the stats spell a server's state and its last check (HAProxy's `show stat` texts):
// the `status` column, `check_status` short codes and their `check_desc` descriptions.
#pragma once

#include <string>
#include <string_view>

#include "core/server.hpp"

namespace ferry::healthcheck {

// The server `status` column: MAINT, UP, UP 2/3, DRAIN, DRAIN 2/3, NOLB, NOLB 2/3, DOWN, DOWN 1/2,
// or `no check`. Admin state first, then operational state.
std::string server_status_text(const core::Server& server);

// `L4OK`, `SOCKERR`, ... (`UNK` for codes ferry does not produce).
std::string_view check_status_name(core::CheckStatus status);
// The check_status column: the name, prefixed by "* " while a probe is running.
std::string check_status_field(const core::CheckInfo& check);
// check_desc and the `reason:` of the log lines: `Layer4 check passed`, `Socket error`, ...
std::string_view check_status_description(core::CheckStatus status);
// Whether check_code is shown (stats column, `code:` in logs): the L7 statuses carrying a code.
bool check_code_shown(core::CheckStatus status);
// Whether the check_* columns (and chkfail, chkdown, check rise/fall/health) are filled: a check
// is configured, enabled and not paused by maintenance.
bool check_columns_shown(const core::CheckInfo& check);

}  // namespace ferry::healthcheck
