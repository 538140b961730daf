// The request id of `unique-id-format` (pieces parsed by conf/unique_id_format.hpp), written as
// HAProxy 2.6 writes it: addresses and ports in text, or after %{+X}o an IPv4 address as 8
// upper-case hex digits (an IPv6 one as 32), ports, %rt and %pid as at least 4 and %Ts as 8. A
// client of a UNIX socket is "unix" with its listener's number as the port; in hex form HAProxy
// gives it an empty id, and so does ferry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/sockaddr.hpp"

namespace ferry::http {

struct UniqueIdInputs {
  const core::SockAddr* client = nullptr;
  const core::SockAddr* local = nullptr;  // the address the client reached
  int listener_number = 1;                // of a UNIX client: its port in the id
  int64_t accept_secs = 0;
  uint64_t request_number = 0;
  int pid = 0;
  std::string_view frontend = {};
  std::string_view hostname = {};
};

std::string make_unique_id(const std::vector<conf::UniqueIdPiece>& format,
                           const UniqueIdInputs& in);

}  // namespace ferry::http
