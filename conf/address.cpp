#include "conf/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conf/number.hpp"

namespace ferry::conf {

namespace {

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::optional<std::string> parse_unix(std::string_view path, Address& out) {
  if (path.empty()) return "address " + quoted(out.text) + " has no socket path after 'unix@'";
  if (path.size() > kMaxUnixPathLength)
    return "socket path " + quoted(path) + " is " + std::to_string(path.size()) +
           " characters, more than the " + std::to_string(kMaxUnixPathLength) +
           " a UNIX socket address can hold";
  out.kind = AddressKind::Unix;
  out.family = AF_UNIX;
  out.path = std::string(path);
  return std::nullopt;
}

std::optional<std::string> parse_abstract(std::string_view name, AddressKind kind, Address& out) {
  if (name.empty()) return "address " + quoted(out.text) + " has no abstract socket name";
  if (name.size() > kMaxAbstractNameLength)
    return "abstract socket name " + quoted(name) + " is " + std::to_string(name.size()) +
           " characters, more than the " + std::to_string(kMaxAbstractNameLength) +
           " a UNIX socket address can hold";
  out.kind = kind;
  out.family = AF_UNIX;
  out.path = std::string(name);
  return std::nullopt;
}

// `fd@3` (by number) or `fd@NAME` (by the socket unit's FileDescriptorName=).
std::optional<std::string> parse_fd(std::string_view spec, Address& out) {
  if (spec.empty())
    return "address " + quoted(out.text) + " has no fd number or name after 'fd@' (e.g. fd@3)";
  if (spec.find_first_of(": \t") != std::string_view::npos)
    return "invalid inherited socket name " + quoted(spec) + " in " + quoted(out.text) +
           "; a name has no ':' or blanks (systemd's FileDescriptorName=)";
  out.kind = AddressKind::Fd;
  out.path = std::string(spec);
  return std::nullopt;
}

std::optional<std::string> parse_port(std::string_view port, Address& out) {
  if (port.empty())
    return "address " + quoted(out.text) + " has no port; write it as HOST:PORT (e.g. " +
           "127.0.0.1:8080), or give an absolute path for a UNIX socket";
  if (port.find_first_of("-+") != std::string_view::npos)
    return "port ranges and offsets are not supported by ferry (" + quoted(port) + " in " +
           quoted(out.text) + "); give a single port";
  const auto value = parse_integer(port);
  if (!value || *value < 0 || *value > 65535)
    return "invalid port " + quoted(port) + " in address " + quoted(out.text) +
           "; a port is a number from 0 to 65535";
  out.port = static_cast<uint16_t>(*value);
  return std::nullopt;
}

// `family` is 0 (either), AF_INET or AF_INET6 (forced by a prefix).
std::optional<std::string> parse_host(std::string_view host, int family, Address& out) {
  out.kind = AddressKind::Inet;
  if (host.empty() || host == "*") {
    out.family = family ? family : AF_INET;
    return std::nullopt;
  }
  std::string h(host == "localhost" ? (family == AF_INET6 ? "::1" : "127.0.0.1") : host);
  unsigned char buf[sizeof(in6_addr)];
  const bool v4 = inet_pton(AF_INET, h.c_str(), buf) == 1;
  const bool v6 = !v4 && inet_pton(AF_INET6, h.c_str(), buf) == 1;
  if (!v4 && !v6)
    return quoted(host) + " in address " + quoted(out.text) +
           " is not a numeric IP address; ferry does not resolve host names, write the IP "
           "(e.g. 127.0.0.1:8080)";
  if ((family == AF_INET && !v4) || (family == AF_INET6 && !v6))
    return quoted(host) + " in address " + quoted(out.text) + " is not an " +
           (family == AF_INET ? "IPv4" : "IPv6") + " address";
  out.family = v4 ? AF_INET : AF_INET6;
  out.host = std::move(h);
  return std::nullopt;
}

std::optional<std::string> parse_inet(std::string_view text, int family, Address& out) {
  std::string_view host, port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return "missing ']' in IPv6 address " + quoted(out.text);
    host = text.substr(1, close - 1);
    if (close + 1 < text.size() && text[close + 1] != ':')
      return "unexpected text after ']' in address " + quoted(out.text);
    port = close + 2 <= text.size() ? text.substr(close + 2) : std::string_view();
    if (family == 0) family = AF_INET6;
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return parse_port("", out);
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host == "::") family = family ? family : AF_INET6;
  }
  if (auto err = parse_host(host, family, out)) return err;
  return parse_port(port, out);
}

bool is_prefix_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

}  // namespace

std::optional<std::string> parse_address(std::string_view text, Address& out) {
  out = Address{};
  out.text = std::string(text);
  if (text.empty()) return "empty address";
  const size_t at = text.find('@');
  if (at != std::string_view::npos && is_prefix_word(text.substr(0, at))) {
    const std::string_view prefix = text.substr(0, at), rest = text.substr(at + 1);
    if (prefix == "unix") return parse_unix(rest, out);
    if (prefix == "abns") return parse_abstract(rest, AddressKind::Abns, out);
    if (prefix == "abnsz") return parse_abstract(rest, AddressKind::Abnsz, out);
    if (prefix == "ipv4") return parse_inet(rest, AF_INET, out);
    if (prefix == "ipv6") return parse_inet(rest, AF_INET6, out);
    if (prefix == "fd") return parse_fd(rest, out);
    return "address prefix '" + std::string(prefix) + "@' (in " + quoted(text) +
           ") is not supported by ferry; use ipv4@, ipv6@, unix@, abns@, abnsz@ or fd@";
  }
  if (text.starts_with('/')) return parse_unix(text, out);
  return parse_inet(text, 0, out);
}

std::optional<std::string> parse_address_list(std::string_view text, std::vector<Address>& out) {
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.size() - start : comma - start);
    if (item.empty()) return "empty address in the list " + quoted(text);
    Address addr;
    if (auto err = parse_address(item, addr)) return err;
    out.push_back(std::move(addr));
    if (comma == std::string_view::npos) return std::nullopt;
    start = comma + 1;
  }
}

std::string_view address_kind_name(const Address& addr) {
  switch (addr.kind) {
    case AddressKind::Inet:
      return addr.family == AF_INET6 ? "ipv6" : "ipv4";
    case AddressKind::Unix:
      return "unix";
    case AddressKind::Abns:
      return "abns";
    case AddressKind::Abnsz:
      return "abnsz";
    case AddressKind::Fd:
      return "fd";
  }
  return "unknown";
}

}  // namespace ferry::conf
