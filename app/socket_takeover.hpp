// `-x SOCKET`: a new process takes the listening sockets over from the process it replaces,
// through that process's stats socket (`expose-fd listeners`, level admin) and its `_getsocks`
// command. Both then accept on the same sockets, so when the old one stops nothing is closed:
// no connection waiting in a kernel queue is reset (with two SO_REUSEPORT groups, closing the
// old process's sockets reset the connections queued on them). The new process takes the
// servers' state over the same way, just before it applies it.
#pragma once

#include <string>

#include "app/listen_sockets.hpp"

namespace ferry::app {

// Adds the old process's sockets to `into`. Returns an error message, or "".
std::string take_listeners(const std::string& stats_socket, HeldSockets& into);

// The old process's servers' state (`_getstate`: `show servers state` with UNIX paths) into
// `state`. Returns an error message, or "". Waits 5 s at most for a stuck process.
std::string take_server_state(const std::string& stats_socket, std::string& state);

}  // namespace ferry::app
