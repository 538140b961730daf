// Idle server connections of one worker, kept for reuse by later requests (HAProxy's idle
// connections). Keyed by the server's exact address (the full sockaddr, so two UNIX paths never
// share a connection, nor two servers on different paths: HAProxy 2.6's issue 2765) and by the
// server itself.
//
// Each connection remembers the client connection it last served (its owner) and how many
// requests it carried: `http-reuse` decides from these who may take it (see Sharing). A private
// one (http-reuse never) is only ever given back to its owner and closes with it.
//
// Limits, per server: pool-max-conn idle connections over every worker (Server::idle_conns);
// none kept when pool-purge-delay is 0; otherwise every pool-purge-delay (the shortest of the
// servers kept) half of each server's connections that stayed idle the whole delay (rounded up)
// are closed, oldest first, by a timer of the worker that runs only while something is kept.
//
// An idle connection stays in the worker's poller: if the server closes it, or sends anything
// while nobody asked, it is closed and forgotten. Its slot object lives as long as the pool (a
// stale event in the poller's batch may still name it) and is used again for the next one.
// One pool per worker; its thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/edge_poller.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/server.hpp"

namespace ferry::http {

class IdlePool {
 public:
  // Which connections a request may take, besides its own client connection's.
  enum class Sharing : uint8_t {
    OwnOnly,  // http-reuse never, and safe for a client connection's first request
    Proven,   // aggressive, first request: those that carried two requests or more
    Any,      // always; safe and aggressive after the first request
  };

  IdlePool(core::EdgePoller& poller, core::EventLoop& loop);
  IdlePool(const IdlePool&) = delete;
  IdlePool& operator=(const IdlePool&) = delete;

  // Keeps `fd`, an established connection to `server` with no exchange in progress that carried
  // `uses` requests, the last for `owner`; `shared`: others may take it. Closes it instead
  // when the server keeps none (pool-max-conn 0 or reached, pool-purge-delay 0).
  void put(core::Server& server, core::Fd fd, const void* owner, uint32_t uses, bool shared);
  struct Taken {
    core::Fd fd;  // empty: none
    uint32_t uses = 0;
  };
  // An idle connection to `server` at its current address for `owner`: its own (the newest)
  // first, else the newest `sharing` allows.
  Taken take(core::Server& server, const void* owner, Sharing sharing);
  // `owner` has an idle connection to `server` at its current address.
  bool holds(const core::Server& server, const void* owner) const;
  // `owner` is gone: its private connections close, its shared ones stay for anyone.
  void forget(const void* owner);
  size_t size() const;  // connections kept

 private:
  struct Idle {
    Idle(IdlePool& pool) : pool(pool), io(pool.poller_, this) {}
    void on_io(int revents);
    IdlePool& pool;
    core::Fd fd;  // empty: a free slot
    core::Server* server = nullptr;
    core::SockAddr addr;  // the server's address when it was kept
    const void* owner = nullptr;
    uint32_t uses = 0;
    bool shared = true;
    core::Millis since{0};  // kept since
    core::EdgeWatcher<Idle, &Idle::on_io> io;
  };
  // Still the address the connection was made to (a server's address can change at run time).
  static bool same_address(const Idle& idle, const core::Server& server);
  static bool may_take(const Idle& idle, const void* owner, Sharing sharing);
  Idle& free_slot();
  void drop(Idle& idle);
  void release(Idle& idle);  // the slot is free again (its fd taken or closed)
  void on_purge();
  void purge_server(core::Server& server, core::Millis now);
  void arm_purge();

  core::EdgePoller& poller_;
  core::EventLoop& loop_;
  std::vector<std::unique_ptr<Idle>> slots_;  // every slot ever made, in use or free
  std::vector<Idle*> free_;
  core::TimerWatcher<IdlePool, &IdlePool::on_purge> purge_;
};

}  // namespace ferry::http
