#include "stats/ctl_endpoint.hpp"

#include <sys/un.h>

namespace ferry::stats {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::optional<CtlEndpoint> unix_endpoint(std::string_view path, std::string& error) {
  if (path.empty()) {
    error = "empty socket path";
    return std::nullopt;
  }
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    error = "socket path '" + std::string(path) + "' is too long (max " +
            std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes)";
    return std::nullopt;
  }
  return CtlEndpoint{true, std::string(path), {}, {}};
}

std::optional<CtlEndpoint> inet_endpoint(std::string_view s, std::string& error) {
  const size_t colon = s.rfind(':');
  std::string_view host = colon == std::string_view::npos ? s : s.substr(0, colon);
  const std::string_view port = colon == std::string_view::npos ? "" : s.substr(colon + 1);
  if (!all_digits(port)) {
    error = "'" + std::string(s) + "' has no port (expected HOST:PORT)";
    return std::nullopt;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string h = host.empty() || host == "*" ? "127.0.0.1" : std::string(host);
  return CtlEndpoint{false, {}, h, std::string(port)};
}

}  // namespace

std::optional<CtlEndpoint> parse_endpoint(std::string_view spec, std::string& error) {
  std::string_view s = spec;
  if (consume(s, "unix@") || consume(s, "unix://") || consume(s, "unix:")) {
    return unix_endpoint(s, error);
  }
  if (consume(s, "ipv4@") || consume(s, "ipv6@") || consume(s, "tcp://") || consume(s, "tcp:")) {
    return inet_endpoint(s, error);
  }
  if (s.find('/') != std::string_view::npos) return unix_endpoint(s, error);
  const size_t colon = s.rfind(':');
  if (colon != std::string_view::npos && all_digits(s.substr(colon + 1)))
    return inet_endpoint(s, error);
  return unix_endpoint(s, error);
}

}  // namespace ferry::stats
