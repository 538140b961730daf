#include "tests/support/socket_address.hpp"

#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

namespace ferry::test {

socklen_t UnixAddress::fill(sockaddr_un& sun) const {
  std::memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  const size_t offset = kind == Kind::Path ? 0 : 1;
  if (name.size() + offset >= sizeof(sun.sun_path))
    throw std::runtime_error("UNIX address too long: " + name);
  std::memcpy(sun.sun_path + offset, name.data(), name.size());
  if (kind == Kind::Abns) return sizeof(sockaddr_un);
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + offset + name.size() +
                                (kind == Kind::Path ? 1 : 0));
}

std::string UnixAddress::config_text() const {
  switch (kind) {
    case Kind::Path:
      return "unix@" + name;
    case Kind::Abns:
      return "abns@" + name;
    default:
      return "abnsz@" + name;
  }
}

std::string UnixAddress::proc_text() const {
  if (kind == Kind::Path) return name;
  std::string out = "@" + name;
  if (kind == Kind::Abns) out.resize(sizeof(sockaddr_un{}.sun_path), '@');
  return out;
}

std::string unique_abstract_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return "ferry-test-" + prefix + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++);
}

namespace {

// Binds 127.0.0.1:`port` (0 = any) and returns the port bound, or 0 if it is taken.
uint16_t try_bind(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sin);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len) == 0;
  ::close(fd);
  return ok ? ntohs(sin.sin_port) : 0;
}

int ephemeral_low() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  in >> low;
  return low;
}

}  // namespace

uint16_t free_tcp_port() {
  static std::minstd_rand rng(static_cast<unsigned>(::getpid()));
  const int low = ephemeral_low();
  constexpr int kFloor = 10000;
  for (int attempt = 0; low > kFloor + 1000 && attempt < 100; ++attempt) {
    const auto port = static_cast<uint16_t>(kFloor + rng() % static_cast<unsigned>(low - kFloor));
    if (try_bind(port) == port) return port;
  }
  if (const uint16_t port = try_bind(0)) return port;
  throw std::runtime_error("cannot find a free TCP port");
}

}  // namespace ferry::test
