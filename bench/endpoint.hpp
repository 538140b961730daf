// Where the bench connects and listens: `tcp:127.0.0.1:PORT` (IPv4) or `unix:/path`. Loopback
// TCP connects spread their source address over 127.0.0.2-127.0.0.251, so a connection-rate run
// never runs out of ephemeral ports to TIME_WAIT.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace ferry::bench {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;  // as given

  bool is_tcp() const { return addr.ss_family == AF_INET; }
  bool is_loopback_tcp() const;
  // Parses `tcp:HOST:PORT` (dotted IPv4) or `unix:PATH`; nullopt when malformed.
  static std::optional<Endpoint> parse(std::string_view spec);
};

struct ConnectAttempt {
  int fd = -1;               // -1: failed, `err` says why
  int err = 0;               // errno of a failure
  bool in_progress = false;  // wait for writability, then read SO_ERROR
};

// Starts a nonblocking connect (TCP_NODELAY on TCP). `nth` picks the source address when the
// endpoint is loopback TCP. A UNIX listener whose backlog is full fails with EAGAIN: retry later.
ConnectAttempt connect_nonblocking(const Endpoint& to, unsigned nth);

// The pending error of a socket whose connect was in progress (0: connected).
int socket_error(int fd);

// A nonblocking listening stream socket (a UNIX path replaces an old file there; TCP sets
// SO_REUSEADDR); -1 and a message in `error` on failure.
int listen_on(const Endpoint& at, int backlog, std::string& error);

// Raises this process's soft RLIMIT_NOFILE to its hard limit; returns the new soft limit.
unsigned long raise_fd_limit();

}  // namespace ferry::bench
