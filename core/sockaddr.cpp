#include "core/sockaddr.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cassert>
#include <cstring>

namespace ferry::core {

namespace {

SockAddr inet_from(const conf::Address& a) {
  SockAddr out;
  if (a.family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(a.port);
    sin6->sin6_addr = in6addr_any;
    if (!a.host.empty()) inet_pton(AF_INET6, a.host.c_str(), &sin6->sin6_addr);
    out.len = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(a.port);
    sin->sin_addr.s_addr = htonl(INADDR_ANY);
    if (!a.host.empty()) inet_pton(AF_INET, a.host.c_str(), &sin->sin_addr);
    out.len = sizeof(sockaddr_in);
  }
  return out;
}

SockAddr unix_from(const conf::Address& a) {
  SockAddr out;
  auto* sun = reinterpret_cast<sockaddr_un*>(&out.storage);
  sun->sun_family = AF_UNIX;
  [[maybe_unused]] const size_t cap = sizeof(sun->sun_path);
  switch (a.kind) {
    case conf::AddressKind::Unix:
      assert(a.path.size() < cap);
      std::memcpy(sun->sun_path, a.path.data(), a.path.size());
      out.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + a.path.size() + 1);
      break;
    case conf::AddressKind::Abns:  // HAProxy pads the name with NULs to the whole sun_path
      assert(a.path.size() < cap);
      std::memcpy(sun->sun_path + 1, a.path.data(), a.path.size());
      out.len = static_cast<socklen_t>(sizeof(sockaddr_un));
      break;
    default:  // Abnsz: the name alone, as socat and most programs use it
      assert(a.path.size() < cap);
      std::memcpy(sun->sun_path + 1, a.path.data(), a.path.size());
      out.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + a.path.size());
      break;
  }
  return out;
}

}  // namespace

SockAddr SockAddr::from(const conf::Address& addr) {
  return addr.kind == conf::AddressKind::Inet ? inet_from(addr) : unix_from(addr);
}

bool SockAddr::is_abstract() const {
  const auto* sun = reinterpret_cast<const sockaddr_un*>(&storage);
  return is_unix() && len > offsetof(sockaddr_un, sun_path) && sun->sun_path[0] == '\0';
}

std::string SockAddr::unix_path() const {
  const auto* sun = reinterpret_cast<const sockaddr_un*>(&storage);
  if (!is_unix() || is_abstract()) return {};
  return std::string(sun->sun_path, strnlen(sun->sun_path, sizeof(sun->sun_path)));
}

std::string SockAddr::stats_text() const {
  return is_unix() ? "unix" : to_string();
}

unsigned SockAddr::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SockAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
    std::string out = buf;
    out += ':';
    out += std::to_string(ntohs(sin->sin_port));
    return out;
  }
  if (family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
    std::string out = "[";
    out += buf;
    out += "]:";
    out += std::to_string(ntohs(sin6->sin6_port));
    return out;
  }
  if (is_abstract()) {
    const auto* sun = reinterpret_cast<const sockaddr_un*>(&storage);
    const size_t n = len - offsetof(sockaddr_un, sun_path) - 1;
    std::string out = "@";
    out.append(sun->sun_path + 1, strnlen(sun->sun_path + 1, n));
    return out;
  }
  return unix_path();
}

}  // namespace ferry::core
