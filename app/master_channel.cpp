#include "app/master_channel.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

#include "stats/server_state.hpp"

namespace ferry::app {

MasterChannel::MasterChannel(core::Engine& engine, core::Fd fd)
    : engine_(engine), fd_(std::move(fd)), watcher_(engine.loop, this) {
  ::fcntl(fd_.get(), F_SETFL, ::fcntl(fd_.get(), F_GETFL) | O_NONBLOCK);
  watcher_.watch(fd_.get(), EV_READ);
}

void MasterChannel::tell_ready() {
  send("ready\n");
}

void MasterChannel::on_event(int events) {
  if (events & EV_WRITE) flush();
  if (!gone_ && (events & EV_READ)) read_requests();
}

void MasterChannel::read_requests() {
  char buf[512];
  const ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) return master_gone();
  in_.append(buf, static_cast<size_t>(n));
  for (size_t eol; (eol = in_.find('\n')) != std::string::npos;) {
    const std::string request = in_.substr(0, eol);
    in_.erase(0, eol + 1);
    send(answer(request) + "\n");
  }
}

std::string MasterChannel::answer(const std::string& request) const {
  auto lk = engine_.lock_state();
  if (request == "servers-state") return stats::render_servers_state(engine_, nullptr, true);
  if (request != "status") return "unknown request '" + request + "'\n";
  size_t up = 0, total = 0;
  for (const auto& b : engine_.backends)
    for (const auto& s : b->servers) {
      ++total;
      up += s->usable() ? 1 : 0;
    }
  return std::to_string(engine_.actconn) + " " + std::to_string(up) + " " + std::to_string(total) +
         "\n";
}

void MasterChannel::send(const std::string& text) {
  out_ += text;
  flush();
}

// Writes what the socket takes now; the rest when it is writable again.
void MasterChannel::flush() {
  while (!out_.empty()) {
    const ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) return master_gone();
    out_.erase(0, static_cast<size_t>(n));
  }
  watcher_.watch(fd_.get(), out_.empty() ? EV_READ : EV_READ | EV_WRITE);
}

void MasterChannel::master_gone() {
  if (gone_) return;
  gone_ = true;
  watcher_.stop();
  out_.clear();
  engine_.log.alert("the master process is gone: stopping (open sessions finish first)");
  engine_.soft_stop();
}

}  // namespace ferry::app
