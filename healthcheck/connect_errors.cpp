#include "healthcheck/connect_errors.hpp"

#include <cerrno>
#include <cstring>
#include <string>

namespace ferry::healthcheck {

using core::CheckStatus;

namespace {

// HAProxy's connection error texts for failures found by connect() or socket() themselves; the
// errno text follows in parentheses except for EAGAIN.
const char* immediate_error_text(int err) {
  switch (err) {
    case EAGAIN:  // UNIX listener's backlog full; TCP out of ephemeral ports
    case EADDRNOTAVAIL:
      return "Out of local source ports on the system";
    case EADDRINUSE:
      return "Local source address already in use";
    case EMFILE:
      return "Too many sockets on the process";
    case ENFILE:
      return "Too many sockets on the system";
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
      return "Protocol or address family not supported";
    default:
      return "General socket error";
  }
}

}  // namespace

CheckResult connect_failure(int err, ConnectPhase phase) {
  if (phase == ConnectPhase::Deferred) {
    return {CheckStatus::L4Con, -1, std::strerror(err), -1};
  }
  std::string text = immediate_error_text(err);
  if (err != EAGAIN) text += std::string(" (") + std::strerror(err) + ")";
  return {CheckStatus::SockErr, -1, text, -1};
}

CheckResult connect_timeout() {
  return {CheckStatus::L4Tout, -1, "", -1};
}

}  // namespace ferry::healthcheck
