// Passing open file descriptors between processes over a UNIX stream socket (SCM_RIGHTS): how a
// new process takes the listening sockets over from the one it replaces (`-x`).
#pragma once

#include <string_view>
#include <vector>

#include "core/fd.hpp"

namespace ferry::core {

// At most this many descriptors go with one message (the kernel's SCM_MAX_FD).
constexpr size_t kMaxPassedFds = 253;

// Sends `data` with `fds` attached to its first byte. Returns what send() returns.
ssize_t send_with_fds(int sock, std::string_view data, const std::vector<int>& fds);

// Receives up to `len` bytes and any descriptors attached to them (appended to `fds`, each
// close-on-exec). Returns what recv() returns.
ssize_t recv_with_fds(int sock, char* buf, size_t len, std::vector<Fd>& fds);

}  // namespace ferry::core
