// Renders log-format strings (conf/log_format.hpp): unique-id-format's request id and the values
// of http-request/http-response rules, one evaluator for both. Written as HAProxy 2.6 writes
// them: addresses and ports in text, or after %{+X}o an IPv4 address as 8 upper-case hex digits
// (an IPv6 one as 32), ports, %rt and %pid as at least 4 and %Ts as 8; a sample that has no
// value writes nothing (as HAProxy 2.6 does in rule values and unique ids, observed). A client of a
// UNIX socket is "unix" with its listener's number as the port; in hex form HAProxy gives the whole
// string as empty, and so does ferry.
#pragma once

#include <cstdint>
#include <string>

#include "conf/model.hpp"
#include "core/sockaddr.hpp"
#include "http/acl_eval.hpp"

namespace ferry::http {

struct LogFormatInputs {
  RequestContext request;   // src: the client, dst: the address it reached; samples read it
  int listener_number = 1;  // of a UNIX client: its port
  int64_t accept_secs = 0;
  uint64_t request_number = 0;
  int pid = 0;
  std::string_view frontend = {};
  std::string_view hostname = {};
};

// Appends the rendered `format` to `out` (nothing at all when a hex address cannot be written).
void render_log_format(const conf::LogFormat& format, const LogFormatInputs& in, std::string& out);

}  // namespace ferry::http
