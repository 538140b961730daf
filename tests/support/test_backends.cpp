#include "tests/support/test_backends.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ferry::test {

namespace {

bool send_all_blocking(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Reads and drops everything until EOF or an error (the connection is over either way).
void drain(int fd, StreamChecksum* sum = nullptr) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    if (sum) sum->update(buf, static_cast<size_t>(n));
  }
}

void set_nonblocking(int fd, bool on) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

}  // namespace

UnixServer::~UnixServer() {
  stop();
}

void UnixServer::start() {
  if (listen_fd_ >= 0) return;
  sockaddr_un sun{};
  const socklen_t len = addr_.fill(sun);
  if (addr_.kind == UnixAddress::Kind::Path) ::unlink(addr_.name.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sun), len) != 0 || ::listen(fd, 256) != 0) {
    const std::string err = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("test backend cannot listen on " + addr_.config_text() + ": " + err);
  }
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    ::close(fd);
    throw std::runtime_error("pipe2 failed");
  }
  listen_fd_ = fd;
  acceptor_ = std::thread([this, fd, wake = wake_pipe_[0]] { accept_loop(fd, wake); });
}

void UnixServer::stop() {
  if (listen_fd_ >= 0) {
    const char c = 'x';
    [[maybe_unused]] const ssize_t n = ::write(wake_pipe_[1], &c, 1);
    acceptor_.join();
    ::close(listen_fd_);
    ::close(wake_pipe_[0]);
    ::close(wake_pipe_[1]);
    listen_fd_ = wake_pipe_[0] = wake_pipe_[1] = -1;
    if (addr_.kind == UnixAddress::Kind::Path) ::unlink(addr_.name.c_str());
  }
  std::list<std::unique_ptr<Conn>> conns;
  {
    std::lock_guard lock(mutex_);
    for (auto& c : conns_)
      if (c->fd >= 0) ::shutdown(c->fd, SHUT_RDWR);
    conns.swap(conns_);
  }
  for (auto& c : conns)
    c->thread.join();  // each thread takes mutex_ once more as it ends
}

bool UnixServer::wait_accepted(size_t n, Millis timeout) const {
  return poll_until([&] { return accepted_ >= n; }, timeout);
}

bool UnixServer::wait_active(size_t n, Millis timeout) const {
  return poll_until([&] { return active_ == n; }, timeout);
}

void UnixServer::accept_loop(int listen_fd, int wake_fd) {
  for (;;) {
    pollfd p[2] = {{listen_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0 && errno != EINTR) return;
    if (p[1].revents) return;
    if (!(p[0].revents & POLLIN)) continue;
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) spawn(fd);
  }
}

void UnixServer::spawn(int fd) {
  std::lock_guard lock(mutex_);
  reap_finished();
  ++accepted_;
  ++active_;
  auto conn = std::make_unique<Conn>();
  conn->fd = fd;
  Conn* c = conn.get();
  conn->thread = std::thread([this, c] {
    serve(c->fd);
    std::lock_guard done_lock(mutex_);
    ::close(c->fd);
    c->fd = -1;
    --active_;
    c->done = true;
  });
  conns_.push_back(std::move(conn));
}

void UnixServer::reap_finished() {
  for (auto it = conns_.begin(); it != conns_.end();) {
    if ((*it)->done) {
      (*it)->thread.join();
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

EchoServer::EchoServer(UnixAddress addr) : UnixServer(std::move(addr)) {
  start();
}
EchoServer::~EchoServer() {
  stop();
}

void EchoServer::serve(int fd) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || !send_all_blocking(fd, buf, static_cast<size_t>(n))) break;
  }
  ::shutdown(fd, SHUT_WR);
}

NameServer::NameServer(UnixAddress addr, std::string name)
    : UnixServer(std::move(addr)), name_(std::move(name)) {
  start();
}
NameServer::~NameServer() {
  stop();
}

void NameServer::serve(int fd) {
  const std::string line = name_ + "\n";
  if (send_all_blocking(fd, line.data(), line.size())) drain(fd);
}

HoldServer::HoldServer(UnixAddress addr) : UnixServer(std::move(addr)) {
  start();
}
HoldServer::~HoldServer() {
  stop();
}

void HoldServer::serve(int fd) {
  drain(fd);
}

BulkServer::BulkServer(UnixAddress addr, uint64_t reply_bytes, uint64_t seed, bool reply_after_eof)
    : UnixServer(std::move(addr)),
      reply_bytes_(reply_bytes),
      seed_(seed),
      after_eof_(reply_after_eof) {
  start();
}
BulkServer::~BulkServer() {
  stop();
}

std::vector<BulkResult> BulkServer::results() const {
  std::lock_guard lock(mutex_);
  return results_;
}

bool BulkServer::wait_results(size_t n, Millis timeout) const {
  return poll_until([&] { return results().size() >= n; }, timeout);
}

BulkResult BulkServer::reply_after_eof(int fd) const {
  StreamChecksum got;
  drain(fd, &got);
  set_nonblocking(fd, true);
  BulkResult r = exchange_bulk(fd, reply_bytes_, seed_, Deadline(60s));
  r.received = got.bytes();
  r.received_checksum = got.value();
  return r;
}

void BulkServer::serve(int fd) {
  BulkResult r;
  if (after_eof_) {
    r = reply_after_eof(fd);
  } else {
    set_nonblocking(fd, true);
    r = exchange_bulk(fd, reply_bytes_, seed_, Deadline(60s));
  }
  std::lock_guard lock(mutex_);
  results_.push_back(r);
}

}  // namespace ferry::test
