#include "tests/support/notify_listener.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

namespace ferry::test {

NotifyListener::NotifyListener(std::string name) : name_(std::move(name)) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, name_.data(), name_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
  if (name_.front() == '@')
    sun.sun_path[0] = '\0';
  else
    len += 1;
  ::bind(fd_, reinterpret_cast<sockaddr*>(&sun), len);
}

NotifyListener::~NotifyListener() {
  ::close(fd_);
  if (name_.front() == '/') ::unlink(name_.c_str());
}

std::vector<std::string> NotifyListener::wait_messages(size_t count, Millis timeout) {
  const Deadline deadline(timeout);
  while (messages_.size() < count && !deadline.expired()) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) messages_.emplace_back(buf, static_cast<size_t>(n));
  }
  return messages_;
}

}  // namespace ferry::test
