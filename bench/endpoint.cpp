#include "bench/endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace ferry::bench {

namespace {

constexpr unsigned kSourceAddresses = 250;  // 127.0.0.2 .. 127.0.0.251

std::optional<Endpoint> parse_tcp(std::string_view rest) {
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string host(rest.substr(0, colon));
  const std::string_view port_text = rest.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.begin(), port_text.end(), port);
  if (ec != std::errc() || end != port_text.end() || port == 0 || port > 65535) return std::nullopt;
  Endpoint e;
  auto* in = reinterpret_cast<sockaddr_in*>(&e.addr);
  in->sin_family = AF_INET;
  in->sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &in->sin_addr) != 1) return std::nullopt;
  e.len = sizeof(sockaddr_in);
  return e;
}

std::optional<Endpoint> parse_unix(std::string_view path) {
  Endpoint e;
  auto* un = reinterpret_cast<sockaddr_un*>(&e.addr);
  if (path.empty() || path.size() >= sizeof(un->sun_path)) return std::nullopt;
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  e.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return e;
}

void bind_loopback_source(int fd, unsigned nth) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  src.sin_addr.s_addr = htonl(0x7f000002u + nth % kSourceAddresses);
  ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src);  // best effort
}

}  // namespace

bool Endpoint::is_loopback_tcp() const {
  if (!is_tcp()) return false;
  const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
  return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
}

std::optional<Endpoint> Endpoint::parse(std::string_view spec) {
  std::optional<Endpoint> e;
  if (spec.starts_with("tcp:"))
    e = parse_tcp(spec.substr(4));
  else if (spec.starts_with("unix:"))
    e = parse_unix(spec.substr(5));
  if (e) e->text = std::string(spec);
  return e;
}

ConnectAttempt connect_nonblocking(const Endpoint& to, unsigned nth) {
  ConnectAttempt a;
  const int family = to.addr.ss_family;
  a.fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (a.fd < 0) {
    a.err = errno;
    return a;
  }
  if (to.is_tcp()) {
    const int one = 1;
    ::setsockopt(a.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (to.is_loopback_tcp()) bind_loopback_source(a.fd, nth);
  }
  if (::connect(a.fd, reinterpret_cast<const sockaddr*>(&to.addr), to.len) == 0) return a;
  if (errno == EINPROGRESS) {
    a.in_progress = true;
    return a;
  }
  a.err = errno;
  ::close(a.fd);
  a.fd = -1;
  return a;
}

int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

int listen_on(const Endpoint& at, int backlog, std::string& error) {
  const int fd = ::socket(at.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd >= 0 && at.is_tcp()) {
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  } else if (fd >= 0) {
    ::unlink(reinterpret_cast<const sockaddr_un*>(&at.addr)->sun_path);
  }
  if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&at.addr), at.len) != 0 ||
      ::listen(fd, backlog) != 0) {
    error = "cannot listen on '" + at.text + "': " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

unsigned long raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

}  // namespace ferry::bench
