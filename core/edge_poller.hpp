// Session sockets in an epoll set of their own, registered once and edge-triggered, as HAProxy
// polls its connections. libev only polls level-triggered: a watcher stopped on a socket at EOF
// costs an epoll_ctl DEL, a hang-up on a read-only watcher a MOD, a write that blocks a stop and
// a start. Here a socket is added once, for input, and gains output interest the first time a
// write to it blocks; nothing else ever changes until close() drops it from the set.
//
// The set's own fd is one more fd in the worker's libev loop; when it is readable, one
// epoll_wait() collects up to kBatch ready sockets and each goes to its owner's callback.
//
// Edge-triggered means an owner is told once that input arrived: it must remember that until a
// read finds the socket empty (Flow does).
//
// Events name the fd and the registration (a count of add() calls for that fd number); the
// poller keeps, per fd, the registration and the entry it reports to. So a connection changing
// hands (an idle server connection, from a session to the pool and back) is re-pointed in memory,
// without a syscall, and an event of an fd closed and reused in the same batch is dropped, not
// given to the new registration. A socket closed while its event waits in the batch is safe too:
// a closed session's object lives on until the loop's next iteration (Worker's graveyard), where
// it ignores them.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <vector>

#include "core/event_loop.hpp"
#include "core/fd.hpp"

namespace ferry::core {

class EdgePoller {
 public:
  // What a socket reports, as `revents` bits. kDrainFully: something a short read stops before
  // sits in the socket (the peer's FIN, an error, TCP urgent data), so a short read does not
  // mean the socket is drained: read on until a read returns nothing. An error or a hang-up
  // reports all three, so the next read or write sees it.
  enum : int { kInput = 1, kOutput = 2, kDrainFully = 4 };

  // What one registered socket reports to: `fn(owner, revents)`.
  struct Entry {
    void (*fn)(void* owner, int revents);
    void* owner;
    int fd = -1;
    bool out = false;  // output interest registered
  };

  explicit EdgePoller(EventLoop& loop);
  EdgePoller(const EdgePoller&) = delete;
  EdgePoller& operator=(const EdgePoller&) = delete;

  // Registers `fd` for input (and output too when `out`); 0, or the errno of epoll_ctl.
  int add(Entry& entry, int fd, bool out);
  // Points an fd registered by another entry at `entry` (an idle server connection changing
  // hands): its next events go to `entry`, those already reported are not repeated. 0, or
  // EBADF for an fd that was never registered.
  int rebind(Entry& entry, int fd);
  // Adds output interest the first time it is wanted (a write to the socket blocked); the
  // kernel reports the socket at once if it became writable meanwhile.
  void want_output(Entry& entry);

 private:
  static constexpr int kBatch = 200;  // HAProxy's default tune.maxpollevents
  struct Registration {
    Entry* entry = nullptr;  // who its events go to
    uint32_t number = 0;     // of the add() calls for this fd number
    bool out = false;        // output interest registered
  };
  int control(int op, Entry& entry, int fd, bool out);
  void on_ready(int revents);

  Fd epfd_;
  std::vector<Registration> fds_;  // by fd
  IoWatcher<EdgePoller, &EdgePoller::on_ready> io_;
};

// An owner's socket in the poller: Owner::*Cb receives EdgePoller's bits. Forgotten by the
// kernel when the fd is closed; the watcher only has to outlive the events already collected.
template <typename Owner, void (Owner::*Cb)(int)>
class EdgeWatcher {
 public:
  EdgeWatcher(EdgePoller& poller, Owner* owner) : poller_(poller), entry_{&thunk, owner} {}
  EdgeWatcher(const EdgeWatcher&) = delete;
  EdgeWatcher& operator=(const EdgeWatcher&) = delete;

  int add(int fd, bool out = false) { return poller_.add(entry_, fd, out); }
  int rebind(int fd) { return poller_.rebind(entry_, fd); }
  void want_output() {
    if (!entry_.out) poller_.want_output(entry_);
  }

 private:
  static void thunk(void* owner, int revents) { (static_cast<Owner*>(owner)->*Cb)(revents); }
  EdgePoller& poller_;
  EdgePoller::Entry entry_;
};

}  // namespace ferry::core
