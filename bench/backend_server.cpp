#include "bench/backend_server.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "bench/endpoint.hpp"

namespace ferry::bench {

BackendConn::BackendConn(BackendServer& server, int fd)
    : server_(server), fd_(fd), io_(server.loop(), this) {
  io_.watch(fd, EV_READ);
}

void BackendConn::send_or_queue(const char* data, size_t len) {
  if (pending_.empty()) {
    while (len > 0) {
      const ssize_t n = ::send(fd_.get(), data, len, MSG_NOSIGNAL);
      if (n > 0) {
        data += n;
        len -= static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {
        break;
      } else {
        return close_now();
      }
    }
  }
  pending_.append(data, len);
  update_watch();
}

void BackendConn::flush() {
  while (!pending_.empty()) {
    const ssize_t n = ::send(fd_.get(), pending_.data(), pending_.size(), MSG_NOSIGNAL);
    if (n > 0) {
      pending_.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;
    } else {
      return close_now();
    }
  }
  if (closing_) return close_now();
  update_watch();
}

void BackendConn::update_watch() {
  if (!fd_) return;
  io_.watch(fd_.get(), pending_.empty() ? (closing_ ? 0 : EV_READ) : EV_WRITE);
}

void BackendConn::close_after_flush() {
  closing_ = true;
  if (pending_.empty())
    close_now();
  else
    update_watch();
}

void BackendConn::close_now() {
  if (!fd_) return;
  io_.stop();
  fd_.reset();
  closing_ = true;
  server_.retire(*this);
}

void BackendConn::on_io(int revents) {
  if (revents & EV_WRITE) flush();
  if (fd_ && (revents & EV_READ) && pending_.empty() && !closing_) readable();
}

BackendServer::BackendServer(core::EventLoop& loop, core::Fd listener, size_t scratch_size,
                             Factory make)
    : loop_(loop),
      listener_(std::move(listener)),
      accept_io_(loop, this),
      reaper_(loop, this),
      scratch_(scratch_size),
      make_(std::move(make)) {
  accept_io_.watch(listener_.get(), EV_READ);
}

void BackendServer::on_accept(int) {
  for (int i = 0; i < 256; ++i) {
    const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN) std::perror("accept4");
      return;
    }
    auto conn = make_(*this, fd);
    BackendConn* key = conn.get();
    conns_.emplace(key, std::move(conn));
  }
}

void BackendServer::retire(BackendConn& conn) {
  retired_.push_back(&conn);
  reaper_.start();
}

void BackendServer::reap() {
  for (BackendConn* c : retired_)
    conns_.erase(c);
  retired_.clear();
  reaper_.stop();
}

namespace {

class Stopper {
 public:
  explicit Stopper(core::EventLoop& loop)
      : loop_(loop), term_(loop, this, SIGTERM), intr_(loop, this, SIGINT) {}

 private:
  void on_signal(int sig) {
    std::fprintf(stderr, "stopping on signal %d\n", sig);
    loop_.stop();
  }
  core::EventLoop& loop_;
  core::SignalWatcher<Stopper, &Stopper::on_signal> term_;
  core::SignalWatcher<Stopper, &Stopper::on_signal> intr_;
};

}  // namespace

int run_backend(int argc, char** argv, const char* name, size_t scratch_size,
                BackendServer::Factory make) {
  const auto at = argc == 3 && std::string_view(argv[1]) == "--listen" ? Endpoint::parse(argv[2])
                                                                       : std::nullopt;
  if (!at) {
    std::fprintf(stderr, "usage: %s --listen unix:PATH|tcp:IPV4:PORT\n", name);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  std::string error;
  core::Fd listener(listen_on(*at, 4096, error));
  if (!listener) {
    std::fprintf(stderr, "%s: %s\n", name, error.c_str());
    return 1;
  }
  core::EventLoop loop;
  {
    BackendServer server(loop, std::move(listener), scratch_size, std::move(make));
    Stopper stopper(loop);
    loop.run();
  }
  if (!at->is_tcp()) ::unlink(reinterpret_cast<const sockaddr_un*>(&at->addr)->sun_path);
  return 0;
}

}  // namespace ferry::bench
