// The outcome of one health check (or one simulated by `observe`), as the state machine consumes
// it and the stats show it: check_status, check_code, last_chk and check_duration.
#pragma once

#include <cstdint>
#include <string>

#include "core/server.hpp"

namespace ferry::healthcheck {

struct CheckResult {
  core::CheckStatus status = core::CheckStatus::Unknown;
  int code = -1;             // L7 code (HTTP status; 0 for tcp-check and redis), -1 when none
  std::string text;          // last_chk: what went wrong, or a success note; often empty
  int64_t duration_ms = -1;  // -1 when the check has no duration (simulated by `observe`)
};

// Whether a check ending with this status counts as passed for the health counter.
constexpr bool check_passed(core::CheckStatus status) {
  using core::CheckStatus;
  return status == CheckStatus::L4Ok || status == CheckStatus::L6Ok ||
         status == CheckStatus::L7Ok || status == CheckStatus::L7OkC;
}

}  // namespace ferry::healthcheck
