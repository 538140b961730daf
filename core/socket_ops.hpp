// Socket set-up: listening sockets (with the UNIX-socket traps handled: stale files, files that
// are not sockets, live listeners, permissions) and nonblocking connects. Start-up code reports
// failures as messages; data-path code gets errno values.
#pragma once

#include <sys/types.h>

#include <string>

#include "conf/model.hpp"
#include "core/fd.hpp"
#include "core/sockaddr.hpp"

namespace ferry::core {

// A UNIX socket file this process created; removed at exit only if it is still ours.
struct SocketFile {
  std::string path;
  dev_t dev = 0;
  ino_t ino = 0;
};

struct ListenResult {
  Fd fd;
  std::string error;  // empty on success
  SocketFile file;    // set when a UNIX socket file was created
};

// Binds and listens on `addr`; for a UNIX path also applies `perms` to the file. A stale socket
// file (nobody listening) is replaced; a live listener is an error unless `takeover` (a new
// process replacing an old one, -sf/-st); a file that is not a socket is never touched. The
// socket is bound under a temporary name and renamed over the path, so the path never lacks a
// listener. `what` names the owner in messages ("frontend 'web'", "stats socket").
ListenResult listen_on(const SockAddr& addr, int backlog, const conf::UnixPerms& perms,
                       const std::string& what, bool takeover = false);

struct ConnectResult {
  Fd fd;
  int err = 0;               // 0: connected or in progress; else errno of the failure
  bool in_progress = false;  // wait for writability, then read SO_ERROR
};
// Starts a nonblocking connect. UNIX sockets connect (or fail) synchronously.
ConnectResult connect_to(const SockAddr& addr);

// The pending error of a socket whose connect was in progress (0 = connected).
int socket_error(int fd);

void set_nodelay(int fd);
// Accepts one pending connection as a nonblocking socket; -1 with errno set when none.
int accept_nonblocking(int listen_fd, SockAddr& peer);

// Removes a UNIX socket file we created, but only if it is still the socket we made.
void remove_socket_file(const SocketFile& file);

}  // namespace ferry::core
