#include "stats/ferryctl/socket_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace ferry::ctl {

namespace {

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on `fd`; false when the deadline passed first.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, ms_left(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

// A nonblocking connect finished within the deadline? Returns 0 or the errno.
int finish_connect(int fd, const sockaddr* addr, socklen_t len, Clock::time_point deadline) {
  if (::connect(fd, addr, len) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  if (!wait_for(fd, POLLOUT, deadline)) return ETIMEDOUT;
  int err = 0;
  socklen_t elen = sizeof(err);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
  return err;
}

Connected connect_unix(const std::string& path, Clock::time_point deadline) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, path.data(), path.size());
  core::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const int err = finish_connect(fd.get(), reinterpret_cast<const sockaddr*>(&sun),
                                 static_cast<socklen_t>(sizeof(sun)), deadline);
  if (err == 0) return Connected{std::move(fd), {}};
  return Connected{core::Fd(), std::strerror(err)};
}

Connected connect_inet(const stats::CtlEndpoint& ep, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (int rc = ::getaddrinfo(ep.host.c_str(), ep.port.c_str(), &hints, &list); rc != 0)
    return Connected{core::Fd(), ::gai_strerror(rc)};
  std::string error = "no address";
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    core::Fd fd(::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    const int err = finish_connect(fd.get(), ai->ai_addr, ai->ai_addrlen, deadline);
    if (err == 0) {
      ::freeaddrinfo(list);
      return Connected{std::move(fd), {}};
    }
    error = std::strerror(err);
  }
  ::freeaddrinfo(list);
  return Connected{core::Fd(), error};
}

}  // namespace

Connected connect_to(const stats::CtlEndpoint& endpoint, Clock::time_point deadline) {
  return endpoint.is_unix ? connect_unix(endpoint.path, deadline)
                          : connect_inet(endpoint, deadline);
}

Exchange exchange(const core::Fd& fd, const std::string& payload, Clock::time_point deadline) {
  Exchange out;
  size_t sent = 0;
  while (sent < payload.size()) {
    const ssize_t n = ::send(fd.get(), payload.data() + sent, payload.size() - sent, MSG_NOSIGNAL);
    if (n > 0)
      sent += static_cast<size_t>(n);
    else if (n < 0 && errno == EINTR)
      continue;
    else if (n < 0 && errno == EAGAIN && wait_for(fd.get(), POLLOUT, deadline))
      continue;
    else
      return Exchange{{}, n < 0 && errno != EAGAIN ? std::strerror(errno) : "timed out"};
  }
  ::shutdown(fd.get(), SHUT_WR);
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n > 0)
      out.received.append(buf, static_cast<size_t>(n));
    else if (n == 0)
      return out;
    else if (errno == EINTR)
      continue;
    else if (errno != EAGAIN)
      return out.error = std::strerror(errno), out;
    else if (!wait_for(fd.get(), POLLIN, deadline))
      return out.error = "timed out", out;
  }
}

}  // namespace ferry::ctl

namespace ferry::ctl {

namespace {

// Waits for what `tls` asked for; false when the deadline passed first.
bool wait_tls(int fd, const stats::TlsStream& tls, Clock::time_point deadline) {
  return wait_for(fd, tls.want() == stats::TlsStream::Want::Write ? POLLOUT : POLLIN, deadline);
}

}  // namespace

Exchange exchange_tls(const core::Fd& fd, const stats::TlsContext& ctx, const std::string& host,
                      const std::string& payload, Clock::time_point deadline) {
  using stats::TlsStream;
  TlsStream tls(ctx, fd.get(), false, host);
  const auto failed = [&](const std::string& what, ssize_t rc) {
    return Exchange{{}, rc == TlsStream::kWait ? what + ": timed out" : what + ": " + tls.error()};
  };
  ssize_t rc;
  while ((rc = tls.handshake()) == TlsStream::kWait)
    if (!wait_tls(fd.get(), tls, deadline)) return failed("TLS handshake", rc);
  if (rc != 1) return failed("TLS handshake", rc);
  for (size_t sent = 0; sent < payload.size();) {
    rc = tls.write(payload.data() + sent, payload.size() - sent);
    if (rc > 0)
      sent += static_cast<size_t>(rc);
    else if (rc != TlsStream::kWait || !wait_tls(fd.get(), tls, deadline))
      return failed("TLS write", rc);
  }
  tls.close_notify();
  Exchange out;
  char buf[65536];
  while ((rc = tls.read(buf, sizeof(buf))) != 0) {
    if (rc > 0)
      out.received.append(buf, static_cast<size_t>(rc));
    else if (rc != TlsStream::kWait || !wait_tls(fd.get(), tls, deadline))
      return out.error = failed("TLS read", rc).error, out;
  }
  return out;
}

}  // namespace ferry::ctl
