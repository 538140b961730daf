// Listening sockets this process was given instead of binding them itself: by systemd (socket
// activation, LISTEN_FDS) or by a master process handing its sockets to a new worker. The
// runtime builder looks here before binding: `bind fd@3` takes a socket by fd number, `bind
// fd@NAME` by name, and any other `bind` takes the inherited socket listening on the same
// address (a UNIX path compared as a path) instead of binding again. A socket no `bind` took is
// reported (unused()) and closed with the table.
//
// An inherited socket is one socket. With `nbthread N` every worker thread polls that one
// socket (as for a UNIX bind); it gets no SO_REUSEPORT siblings, because the process that
// created it decides its options. Start-up only, one thread.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fd.hpp"
#include "core/sockaddr.hpp"

namespace ferry::core {

struct InheritedSocket {
  Fd fd;             // empty once taken
  int number = -1;   // the fd number it came as (`fd@3`)
  std::string name;  // from LISTEN_FDNAMES or the master; may be empty
  SockAddr addr;     // where it listens (getsockname)
  bool used = false;
  // "fd 3 'web' (127.0.0.1:8080)", for messages.
  std::string describe() const;
};

class InheritedSockets {
 public:
  // Adopts `fd` (owned from now on, even on error, when it is closed): it must be a listening
  // stream socket (TCP over IPv4/IPv6, or UNIX). Makes it nonblocking and close-on-exec. Its
  // address is read with getsockname, unless `known` is given: a UNIX socket ferry bound under
  // a temporary name and renamed over its path (listen_on) still reports the temporary name, so
  // whoever bound it passes the path. Returns an error message, or "".
  std::string add(int fd, std::string name, const SockAddr* known = nullptr);

  // Lookups; nullptr when no socket matches. A used socket is still found (so that a second
  // `bind` of it gets a clear error rather than binding anew).
  InheritedSocket* find_number(int number);
  InheritedSocket* find_name(std::string_view name);
  InheritedSocket* find_address(const SockAddr& addr);
  bool has_address(const SockAddr& addr) const;
  // Resolves a `fd@` spec: the socket of that number, or every socket of that name (a .socket
  // unit gives all its sockets the same FileDescriptorName=).
  std::vector<InheritedSocket*> find_spec(std::string_view spec);

  // Hands the socket over (marks it used). Precondition: !socket.used.
  Fd take(InheritedSocket& socket);

  // Every socket no `bind` took, described.
  std::vector<std::string> unused() const;
  bool empty() const { return entries_.empty(); }
  const std::vector<InheritedSocket>& entries() const { return entries_; }

 private:
  std::vector<InheritedSocket> entries_;
};

// The socket-activation variables as systemd sets them (sd_listen_fds(3)).
struct ListenFdsEnv {
  std::optional<std::string> listen_pid, listen_fds, listen_fdnames;
  bool present() const { return listen_fds.has_value(); }
};

// Reads LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES and removes them from the environment, so
// that no child process inherits them.
ListenFdsEnv take_listen_env();

// Adopts the sockets LISTEN_FDS announces (fds 3, 4, ...) into `table`, named by LISTEN_FDNAMES
// (systemd's "unknown" and "" leave a socket unnamed). Sockets meant for another process
// (LISTEN_PID is not `pid`) are not touched, with a warning. `errors` must stop the start-up
// (a malformed variable, an fd that is not a listening socket).
struct AdoptResult {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};
AdoptResult adopt_listen_fds(const ListenFdsEnv& env, pid_t pid, InheritedSockets& table);

// Do two addresses name the same listening place? Same family and IP and port, the same UNIX
// path, or the same abstract name.
bool same_address(const SockAddr& a, const SockAddr& b);

}  // namespace ferry::core
