#include "http/idle_pool.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace ferry::http {

std::string IdlePool::key_of(const core::Server& server) {
  return {reinterpret_cast<const char*>(&server.addr.storage), server.addr.len};
}

void IdlePool::put(core::Server& server, core::Fd fd) {
  if (free_.empty()) {
    slots_.push_back(std::make_unique<Idle>(*this));
    free_.push_back(slots_.back().get());
  }
  Idle* idle = free_.back();
  if (idle->io.rebind(fd.get()) != 0) return;  // not in the poller: closed (by ~Fd)
  free_.pop_back();
  idle->fd = std::move(fd);
  idle->server = &server;
  idle->key = key_of(server);
}

core::Fd IdlePool::take(core::Server& server) {
  const std::string key = key_of(server);
  // The newest first: the one least likely to have been closed by the server meanwhile.
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
    Idle& idle = **it;
    if (!idle.fd || idle.server != &server || idle.key != key) continue;
    free_.push_back(&idle);
    idle.server = nullptr;
    return std::move(idle.fd);  // the taker rebinds it in the poller
  }
  return {};
}

size_t IdlePool::size() const {
  return slots_.size() - free_.size();
}

void IdlePool::drop(Idle& idle) {
  idle.fd.reset();
  idle.server = nullptr;
  free_.push_back(&idle);
}

void IdlePool::Idle::on_io(int) {
  if (!fd) return;  // a stale event for a connection taken or dropped since
  char byte;
  const ssize_t n = ::recv(fd.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  pool.drop(*this);  // closed by the server, failed, or it spoke unasked: not reusable
}

}  // namespace ferry::http
