// The one accept path of every listening socket (the frontends' acceptors and the stats sockets):
// accepts in batches, asking its target before each connection, and when the process runs out of
// fds or memory pauses the listeners instead of returning. Such a socket stays readable, so a
// level-triggered watcher that merely returned would spin the loop at 100% CPU until an fd frees.
#pragma once

#include <functional>

#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/sockaddr.hpp"

namespace ferry::core {

class Log;

// Pauses the listeners of one loop for kRetry after accept() lacked fds or memory (EMFILE,
// ENFILE, ENOBUFS, ENOMEM), with a warning at most every 10 s. Lives on that loop.
class AcceptBackoff {
 public:
  static constexpr Millis kRetry{100};
  // `changed` runs when a pause starts and when it ends: the owner pauses or resumes its
  // listeners (paused() tells which).
  AcceptBackoff(EventLoop& loop, Log& log, std::function<void()> changed);
  void shortage(int err);
  bool paused() const { return timer_.active(); }

 private:
  void on_timer() { changed_(); }
  EventLoop& loop_;
  Log& log_;
  std::function<void()> changed_;
  Millis last_log_{-100000};
  TimerWatcher<AcceptBackoff, &AcceptBackoff::on_timer> timer_;
};

// Who receives the connections of a listening socket.
class AcceptTarget {
 public:
  // Room for one more? False stops this batch (the target pauses its watcher and resumes it).
  virtual bool admit() = 0;
  virtual void take(Fd client, const SockAddr& peer) = 0;
  // An admitted accept found nothing (or failed).
  virtual void refund() {}

 protected:
  ~AcceptTarget() = default;
};

// Accepts up to `batch` connections from `listen_fd` (nonblocking, close-on-exec) for `target`;
// EINTR and ECONNABORTED are retried, a shortage starts `backoff`, an empty backlog ends the batch.
void accept_batch(int listen_fd, int batch, AcceptTarget& target, AcceptBackoff& backoff);

}  // namespace ferry::core
