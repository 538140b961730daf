#include "app/master_channel.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace ferry::app {

MasterChannel::MasterChannel(core::Engine& engine, core::Fd fd)
    : engine_(engine), fd_(std::move(fd)), watcher_(engine.loop, this) {
  watcher_.watch(fd_.get(), EV_READ);
}

void MasterChannel::tell_ready() {
  send_all("ready\n");
}

void MasterChannel::on_readable(int) {
  char buf[512];
  const ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    watcher_.stop();
    engine_.log.alert("the master process is gone: stopping (open sessions finish first)");
    return engine_.soft_stop();
  }
  in_.append(buf, static_cast<size_t>(n));
  for (size_t eol; (eol = in_.find('\n')) != std::string::npos;) {
    const std::string request = in_.substr(0, eol);
    in_.erase(0, eol + 1);
    send_all(answer(request) + "\n");
  }
}

std::string MasterChannel::answer(const std::string& request) const {
  if (request != "status") return "unknown request '" + request + "'\n";
  auto lk = engine_.lock_state();
  size_t up = 0, total = 0;
  for (const auto& b : engine_.backends)
    for (const auto& s : b->servers) {
      ++total;
      up += s->usable() ? 1 : 0;
    }
  return std::to_string(engine_.actconn) + " " + std::to_string(up) + " " + std::to_string(total) +
         "\n";
}

// Blocking: the master reads every answer at once, and they are small.
void MasterChannel::send_all(const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::send(fd_.get(), text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the master is gone: on_readable sees the end of file
    done += static_cast<size_t>(n);
  }
}

}  // namespace ferry::app
