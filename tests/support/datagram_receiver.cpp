#include "tests/support/datagram_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace ferry::test {

DatagramReceiver DatagramReceiver::unix_path(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sun.sun_path)) throw std::runtime_error("path too long: " + path);
  std::memcpy(sun.sun_path, path.c_str(), path.size());
  ::unlink(path.c_str());
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) != 0)
    throw std::runtime_error("cannot bind " + path + ": " + std::strerror(errno));
  return DatagramReceiver(fd, path);
}

DatagramReceiver DatagramReceiver::udp(bool ipv6) {
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_storage ss{};
  socklen_t len = ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (ipv6) {
    reinterpret_cast<sockaddr_in6*>(&ss)->sin6_family = AF_INET6;
    reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr = in6addr_loopback;
  } else {
    reinterpret_cast<sockaddr_in*>(&ss)->sin_family = AF_INET;
    reinterpret_cast<sockaddr_in*>(&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  auto* sa = reinterpret_cast<sockaddr*>(&ss);
  if (fd < 0 || ::bind(fd, sa, len) != 0 || ::getsockname(fd, sa, &len) != 0)
    throw std::runtime_error(std::string("cannot bind a UDP socket: ") + std::strerror(errno));
  const int port = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                              : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return DatagramReceiver(fd, (ipv6 ? "[::1]:" : "127.0.0.1:") + std::to_string(port));
}

DatagramReceiver::~DatagramReceiver() {
  if (fd_ >= 0) ::close(fd_);
}

DatagramReceiver::DatagramReceiver(DatagramReceiver&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), target_(std::move(other.target_)) {}

std::string DatagramReceiver::receive(const Deadline& deadline) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, deadline.poll_timeout()) <= 0) return "";
  std::string buf(70000, '\0');  // over the largest `len` (65535)
  const ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

std::string DatagramReceiver::receive_with(const std::string& needle, const Deadline& deadline) {
  while (!deadline.expired()) {
    std::string d = receive(deadline);
    if (d.find(needle) != std::string::npos) return d;
  }
  return "";
}

bool DatagramReceiver::has_datagram() const {
  char c;
  return ::recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK) >= 0;
}

}  // namespace ferry::test
