// ferryctl's side of the wire: connect to a stats socket, send the commands, half-close, and read
// until the server closes, all within a deadline. Blocking calls bounded by poll().
#pragma once

#include <chrono>
#include <string>

#include "core/fd.hpp"
#include "stats/admin_tls.hpp"
#include "stats/ctl_endpoint.hpp"

namespace ferry::ctl {

using Clock = std::chrono::steady_clock;

struct Connected {
  core::Fd fd;
  std::string error;  // set when nothing could be reached
};
Connected connect_to(const stats::CtlEndpoint& endpoint, Clock::time_point deadline);

struct Exchange {
  std::string received;
  std::string error;  // set on a socket error or when the deadline passed first
};
// Sends `payload`, shuts the write side, and reads everything until the server closes.
Exchange exchange(const core::Fd& fd, const std::string& payload, Clock::time_point deadline);
// The same over TLS: the handshake (the server's certificate verified, and its name against
// `host`), the payload, close_notify in place of the half-close, then everything until the end.
Exchange exchange_tls(const core::Fd& fd, const stats::TlsContext& tls, const std::string& host,
                      const std::string& payload, Clock::time_point deadline);

}  // namespace ferry::ctl
