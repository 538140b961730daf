#include "app/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace ferry::app {

SystemdNotify SystemdNotify::from_environment() {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (!name || !*name) return {};
  SystemdNotify out{std::string(name)};
  ::unsetenv("NOTIFY_SOCKET");
  return out;
}

SystemdNotify::SystemdNotify(const std::string& socket_name) {
  auto* sun = reinterpret_cast<sockaddr_un*>(&addr_.storage);
  const bool path = socket_name.front() == '/';
  const bool abstract = socket_name.front() == '@';
  if (!(path || abstract) || socket_name.size() >= sizeof(sun->sun_path)) return;
  sun->sun_family = AF_UNIX;
  std::memcpy(sun->sun_path, socket_name.data(), socket_name.size());
  if (abstract) sun->sun_path[0] = '\0';
  addr_.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name.size() +
                                     (abstract ? 0 : 1));
  fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
}

std::string SystemdNotify::send(const std::string& message) const {
  if (!enabled()) return "";
  if (::sendto(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL, addr_.get(), addr_.len) < 0)
    return "cannot notify systemd: " + std::string(std::strerror(errno));
  return "";
}

std::string SystemdNotify::monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  return "MONOTONIC_USEC=" + std::to_string(usec);
}

}  // namespace ferry::app
