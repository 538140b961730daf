#include "http/idle_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ferry::http {

IdlePool::IdlePool(core::EdgePoller& poller, core::EventLoop& loop)
    : poller_(poller), loop_(loop), purge_(loop, this) {}

bool IdlePool::same_address(const Idle& idle, const core::Server& server) {
  return idle.addr.len == server.addr.len &&
         std::memcmp(&idle.addr.storage, &server.addr.storage, server.addr.len) == 0;
}

IdlePool::Idle& IdlePool::free_slot() {
  if (free_.empty()) {
    slots_.push_back(std::make_unique<Idle>(*this));
    free_.push_back(slots_.back().get());
  }
  return *free_.back();
}

void IdlePool::put(core::Server& server, core::Fd fd, const void* owner, uint32_t uses,
                   bool shared) {
  if (server.pool_purge_delay.count() == 0) return;  // closed by ~Fd
  if (server.idle_conns.fetch_add(1) >= server.pool_max_conn && server.pool_max_conn >= 0) {
    --server.idle_conns;
    return;
  }
  Idle& idle = free_slot();
  if (idle.io.rebind(fd.get()) != 0) {  // not in the poller: closed
    --server.idle_conns;
    return;
  }
  free_.pop_back();
  idle.fd = std::move(fd);
  idle.server = &server;
  idle.addr = server.addr;
  idle.owner = owner;
  idle.uses = uses;
  idle.shared = shared;
  idle.since = loop_.now();
  if (uses >= 2) ++server.safe_idle_conns;
  if (!purge_.active()) purge_.start(server.pool_purge_delay);
}

bool IdlePool::may_take(const Idle& idle, const void* owner, Sharing sharing) {
  if (idle.owner == owner) return true;
  if (!idle.shared) return false;
  switch (sharing) {
    case Sharing::OwnOnly:
      return false;
    case Sharing::Proven:
      return idle.uses >= 2;
    case Sharing::Any:
      return true;
  }
  return false;
}

IdlePool::Taken IdlePool::take(core::Server& server, const void* owner, Sharing sharing) {
  // The newest first: the one least likely to have been closed by the server meanwhile.
  Idle* best = nullptr;
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
    Idle& idle = **it;
    if (!idle.fd || idle.server != &server || !same_address(idle, server)) continue;
    if (!may_take(idle, owner, sharing)) continue;
    if (!best || (idle.owner == owner && best->owner != owner)) best = &idle;
    if (idle.owner == owner) break;
  }
  if (!best) return {};
  Taken taken{std::move(best->fd), best->uses};  // the taker rebinds it in the poller
  release(*best);
  return taken;
}

bool IdlePool::holds(const core::Server& server, const void* owner) const {
  for (const auto& slot : slots_)
    if (slot->fd && slot->server == &server && slot->owner == owner && same_address(*slot, server))
      return true;
  return false;
}

void IdlePool::forget(const void* owner) {
  for (auto& slot : slots_) {
    if (!slot->fd || slot->owner != owner) continue;
    if (slot->shared)
      slot->owner = nullptr;
    else
      drop(*slot);
  }
}

size_t IdlePool::size() const {
  return slots_.size() - free_.size();
}

void IdlePool::release(Idle& idle) {
  --idle.server->idle_conns;
  if (idle.uses >= 2) --idle.server->safe_idle_conns;
  idle.server = nullptr;
  idle.owner = nullptr;
  free_.push_back(&idle);
  if (size() == 0) purge_.stop();
}

void IdlePool::drop(Idle& idle) {
  idle.fd.reset();
  release(idle);
}

void IdlePool::on_purge() {
  const core::Millis now = loop_.now();
  std::vector<core::Server*> servers;
  for (const auto& slot : slots_)
    if (slot->fd && std::find(servers.begin(), servers.end(), slot->server) == servers.end())
      servers.push_back(slot->server);
  for (core::Server* server : servers)
    purge_server(*server, now);
  arm_purge();
}

void IdlePool::purge_server(core::Server& server, core::Millis now) {
  std::vector<Idle*> stale;  // idle for a whole delay, oldest first
  for (const auto& slot : slots_)
    if (slot->fd && slot->server == &server && now - slot->since >= server.pool_purge_delay)
      stale.push_back(slot.get());
  std::sort(stale.begin(), stale.end(), [](Idle* a, Idle* b) { return a->since < b->since; });
  for (size_t i = 0; i < (stale.size() + 1) / 2; ++i)
    drop(*stale[i]);
}

void IdlePool::arm_purge() {
  core::Millis next{0};
  for (const auto& slot : slots_)
    if (slot->fd && (next.count() == 0 || slot->server->pool_purge_delay < next))
      next = slot->server->pool_purge_delay;
  if (next.count() > 0) purge_.start(next);
}

void IdlePool::Idle::on_io(int revents) {
  // A stale event for a connection taken or dropped since, or room to write: nothing to check.
  if (!fd || !(revents & core::EdgePoller::kInput)) return;
  char byte;
  const ssize_t n = ::recv(fd.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  pool.drop(*this);  // closed by the server, failed, or it spoke unasked: not reusable
}

}  // namespace ferry::http
