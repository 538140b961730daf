// What a failed connect() of a health check reports (check_status and last_chk), as HAProxy 2.6
// does on Linux. A failure reported by connect() itself (always the case for UNIX sockets, where
// ENOENT and ECONNREFUSED come back at once) is a socket error; a TCP connection refused or reset
// after EINPROGRESS is a layer-4 connection problem.
#pragma once

#include "healthcheck/check_result.hpp"

namespace ferry::healthcheck {

enum class ConnectPhase {
  Immediate,  // connect() returned the error
  Deferred,   // connect() said EINPROGRESS; the error came later (SO_ERROR)
};

// The status and text for a connect() failure with errno `err` (duration left at -1).
CheckResult connect_failure(int err, ConnectPhase phase);

// The connection did not complete before the check's deadline: L4TOUT with an empty text.
CheckResult connect_timeout();

}  // namespace ferry::healthcheck
