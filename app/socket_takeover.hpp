// `-x SOCKET`: a new process takes the listening sockets over from the process it replaces,
// through that process's stats socket (`expose-fd listeners`, level admin) and its `_getsocks`
// command. Both then accept on the same sockets, so when the old one stops nothing is closed:
// no connection waiting in a kernel queue is reset (with two SO_REUSEPORT groups, closing the
// old process's sockets reset the connections queued on them).
#pragma once

#include <string>

#include "app/listen_sockets.hpp"

namespace ferry::app {

// Adds the old process's sockets to `into`. Returns an error message, or "".
std::string take_listeners(const std::string& stats_socket, HeldSockets& into);

}  // namespace ferry::app
