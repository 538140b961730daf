#include "tests/support/client_conn.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace ferry::test {

namespace {

// Waits for `events` on `fd` until the deadline; the revents seen, 0 on timeout.
int wait_for(int fd, short events, const Deadline& deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, deadline.poll_timeout());
    if (n > 0) return p.revents;
    if (n == 0) return 0;
    if (errno != EINTR) return POLLERR;
  }
}

// Non-blocking connect finished within the deadline: the connected fd, or -1 and errno set.
int connect_fd(int family, const sockaddr* addr, socklen_t len, Millis timeout, int& error) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return error = errno, -1;
  if (::connect(fd, addr, len) == 0) return fd;
  if (errno == EINPROGRESS) {
    if (wait_for(fd, POLLOUT, Deadline(timeout)) != 0) {
      int err = 0;
      socklen_t elen = sizeof(err);
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
      if (err == 0) return fd;
      errno = err;
    } else {
      errno = ETIMEDOUT;
    }
  }
  error = errno;
  ::close(fd);
  return -1;
}

}  // namespace

const char* to_string(ReadStatus s) {
  switch (s) {
    case ReadStatus::Data:
      return "data";
    case ReadStatus::Eof:
      return "eof";
    case ReadStatus::Reset:
      return "reset";
    case ReadStatus::Timeout:
      return "timeout";
    default:
      return "error";
  }
}

ClientConn ClientConn::tcp(uint16_t port, Millis timeout) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int error = 0;
  const int fd =
      connect_fd(AF_INET, reinterpret_cast<sockaddr*>(&sin), sizeof(sin), timeout, error);
  if (fd >= 0) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return ClientConn(fd, error);
}

ClientConn ClientConn::unix_socket(const UnixAddress& addr, Millis timeout) {
  sockaddr_un sun{};
  const socklen_t len = addr.fill(sun);
  int error = 0;
  const int fd = connect_fd(AF_UNIX, reinterpret_cast<sockaddr*>(&sun), len, timeout, error);
  return ClientConn(fd, error);
}

ClientConn::ClientConn(ClientConn&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      error_(other.error_),
      pending_(std::move(other.pending_)) {}

ClientConn& ClientConn::operator=(ClientConn&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    error_ = other.error_;
    pending_ = std::move(other.pending_);
  }
  return *this;
}

bool ClientConn::send_all(std::string_view data, const Deadline& deadline) {
  while (!data.empty() && fd_ >= 0) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (wait_for(fd_, POLLOUT, deadline) == 0) return false;
    } else {
      return false;
    }
  }
  return data.empty();
}

ReadStatus ClientConn::read_some(std::string& out, const Deadline& deadline) {
  if (!pending_.empty()) {
    out += std::exchange(pending_, {});
    return ReadStatus::Data;
  }
  if (fd_ < 0) return ReadStatus::Error;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      return ReadStatus::Data;
    }
    if (n == 0) return ReadStatus::Eof;
    if (errno == ECONNRESET || errno == EPIPE) return ReadStatus::Reset;
    if (errno != EAGAIN && errno != EINTR) return ReadStatus::Error;
    if (wait_for(fd_, POLLIN, deadline) == 0) return ReadStatus::Timeout;
  }
}

bool ClientConn::read_exactly(size_t n, std::string& out, const Deadline& deadline) {
  const size_t want = out.size() + n;
  while (out.size() < want)
    if (read_some(out, deadline) != ReadStatus::Data) return false;
  if (out.size() > want) {
    pending_ = out.substr(want);
    out.resize(want);
  }
  return true;
}

std::string ClientConn::read_line(const Deadline& deadline) {
  std::string got;
  for (;;) {
    const auto nl = got.find('\n');
    if (nl != std::string::npos) {
      pending_ = got.substr(nl + 1) + pending_;
      got.resize(nl + 1);
      return got;
    }
    if (read_some(got, deadline) != ReadStatus::Data) {
      pending_ = got + pending_;
      return "";
    }
  }
}

Received ClientConn::read_until_eof(const Deadline& deadline) {
  Received r;
  for (;;) {
    const ReadStatus st = read_some(r.data, deadline);
    if (st == ReadStatus::Data) continue;
    r.closed = st == ReadStatus::Eof || st == ReadStatus::Reset;
    r.reset = st == ReadStatus::Reset;
    return r;
  }
}

bool ClientConn::stays_silent(Millis window) {
  if (!pending_.empty() || fd_ < 0) return false;
  return wait_for(fd_, POLLIN, Deadline(window)) == 0;
}

void ClientConn::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool ClientConn::close_gracefully(const Deadline& deadline) {
  shutdown_write();
  const Received r = read_until_eof(deadline);
  close();
  return r.closed && r.data.empty();
}

void ClientConn::close() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  pending_.clear();
}

}  // namespace ferry::test
