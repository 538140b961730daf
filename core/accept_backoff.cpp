#include "core/accept_backoff.hpp"

#include <cerrno>
#include <cstring>

#include "core/log.hpp"
#include "core/socket_ops.hpp"

namespace ferry::core {

AcceptBackoff::AcceptBackoff(EventLoop& loop, Log& log, std::function<void()> changed)
    : loop_(loop), log_(log), changed_(std::move(changed)), timer_(loop, this) {}

void AcceptBackoff::shortage(int err) {
  const Millis now = loop_.now();
  if (now - last_log_ >= Millis(10000)) {
    last_log_ = now;
    log_.warning(std::string("accept() failed: ") + std::strerror(err) +
                 "; pausing listeners for 100 ms (raise `ulimit-n` or lower `maxconn`)");
  }
  timer_.start(kRetry);
  changed_();
}

void accept_batch(int listen_fd, int batch, AcceptTarget& target, AcceptBackoff& backoff) {
  for (int i = 0; i < batch; ++i) {
    if (!target.admit()) return;
    SockAddr peer;
    const int client = accept_nonblocking(listen_fd, peer);
    if (client >= 0) {
      target.take(Fd(client), peer);
      continue;
    }
    const int err = errno;
    target.refund();
    if (err == EINTR || err == ECONNABORTED) continue;
    if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) backoff.shortage(err);
    return;  // EAGAIN: the backlog is empty (another worker may have taken the connection)
  }
}

}  // namespace ferry::core
