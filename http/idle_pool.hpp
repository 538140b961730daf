// Idle server connections of one worker, kept for reuse by later requests (HAProxy's idle
// connections, `http-reuse safe`). Keyed by the server's exact address (the full sockaddr, so two
// UNIX paths never share a connection, nor two servers on different paths: HAProxy 2.6's issue
// 2765) and by the server itself.
//
// An idle connection stays in the worker's poller: if the server closes it, or sends anything
// while nobody asked, it is closed and forgotten. Its slot object lives as long as the pool (a
// stale event in the poller's batch may still name it) and is used again for the next one.
// One pool per worker; its thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/edge_poller.hpp"
#include "core/fd.hpp"
#include "core/server.hpp"

namespace ferry::http {

class IdlePool {
 public:
  explicit IdlePool(core::EdgePoller& poller) : poller_(poller) {}
  IdlePool(const IdlePool&) = delete;
  IdlePool& operator=(const IdlePool&) = delete;

  // Keeps `fd`, an established connection to `server` with no exchange in progress.
  void put(core::Server& server, core::Fd fd);
  // The most recently kept connection to `server` at its current address; empty when none.
  core::Fd take(core::Server& server);
  size_t size() const;  // connections kept

 private:
  struct Idle {
    Idle(IdlePool& pool) : pool(pool), io(pool.poller_, this) {}
    void on_io(int revents);
    IdlePool& pool;
    core::Fd fd;  // empty: a free slot
    core::Server* server = nullptr;
    std::string key;  // the server's address bytes when it was kept
    core::EdgeWatcher<Idle, &Idle::on_io> io;
  };
  static std::string key_of(const core::Server& server);
  void drop(Idle& idle);

  core::EdgePoller& poller_;
  std::vector<std::unique_ptr<Idle>> slots_;  // every slot ever made, in use or free
  std::vector<Idle*> free_;
};

}  // namespace ferry::http
