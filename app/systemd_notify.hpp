// systemd's readiness protocol (sd_notify) without libsystemd: one datagram of "KEY=value" lines
// to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an abstract name written '@name').
// Used by the master process of `-Ws`; workers and single processes do not notify.
#pragma once

#include <string>

#include "core/fd.hpp"
#include "core/sockaddr.hpp"

namespace ferry::app {

class SystemdNotify {
 public:
  // Reads and unsets $NOTIFY_SOCKET (children started later do not inherit it). Without it,
  // or with a name that is not a UNIX socket address, notifications go nowhere.
  static SystemdNotify from_environment();
  // Notifies `socket_name` ("/run/notify" or "@abstract").
  explicit SystemdNotify(const std::string& socket_name);
  SystemdNotify() = default;

  bool enabled() const { return fd_.get() >= 0; }
  // Sends `message` ("READY=1\nSTATUS=...") as one datagram; returns an error message or "".
  std::string send(const std::string& message) const;

  // `MONOTONIC_USEC=<now>`, as systemd wants it next to RELOADING=1.
  static std::string monotonic_usec();

 private:
  core::Fd fd_;
  core::SockAddr addr_;
};

}  // namespace ferry::app
