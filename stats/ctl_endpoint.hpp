// Where ferryctl connects: `-s` names a stats socket as a path (`/run/ferry.sock`,
// `unix@/run/ferry.sock`) or a TCP address (`127.0.0.1:9999`, `ipv4@127.0.0.1:9999`,
// `[::1]:9999`, `ipv6@::1:9999`, `tcp://host:9999`, `*:9999` meaning this host). Pure parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry::stats {

struct CtlEndpoint {
  bool is_unix = true;
  std::string path;  // is_unix
  std::string host;  // otherwise: a name or numeric address
  std::string port;
  std::string text() const { return is_unix ? path : host + ":" + port; }
};

// Nothing (and `error` set) when `spec` names no usable address.
std::optional<CtlEndpoint> parse_endpoint(std::string_view spec, std::string& error);

}  // namespace ferry::stats
