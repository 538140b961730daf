#include "core/frontend.hpp"

#include <cerrno>
#include <cstring>

#include "core/engine.hpp"

namespace ferry::core {

namespace {
constexpr int kAcceptBatch = 64;  // connections accepted per wake-up before yielding to others
}

Listener::Listener(Engine& engine, Frontend& frontend, SockAddr a, Fd fd, SocketFile f,
                   std::string n)
    : addr(a),
      name(std::move(n)),
      file(std::move(f)),
      engine_(engine),
      frontend_(frontend),
      fd_(std::move(fd)),
      io_(engine.loop, this) {
  resume();
}

Listener::~Listener() { close(); }

void Listener::pause() { io_.stop(); }

void Listener::resume() {
  if (fd_) io_.watch(fd_.get(), EV_READ);
}

void Listener::close() {
  io_.stop();
  if (!fd_) return;
  fd_.reset();
  remove_socket_file(file);
}

void Listener::on_readable(int) {
  for (int i = 0; i < kAcceptBatch; ++i) {
    if (frontend_.full() || engine_.at_maxconn() || !fd_) return;  // the engine resumes us
    SockAddr peer;
    const int fd = accept_nonblocking(fd_.get(), peer);
    if (fd >= 0) {
      engine_.accepted(frontend_, Fd(fd), peer);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      engine_.accept_resource_shortage(*this, errno);
    }
    return;  // EAGAIN: the backlog is empty
  }
}

Frontend::Frontend(Engine& e, std::string n, int i, FrontendSettings s)
    : engine(e), name(std::move(n)), id(i), settings(std::move(s)) {}

Frontend::~Frontend() = default;

bool Frontend::logs_traffic() const {
  return settings.tcplog && ((settings.log_global && engine.log.has_targets()) || own_log);
}

void Frontend::log_traffic(const std::string& line) {
  if (settings.log_global) engine.log.traffic(line);
  if (own_log) own_log->traffic(line);
}

void Frontend::pause_listeners() {
  for (auto& l : listeners) l->pause();
}

void Frontend::resume_listeners() {
  if (stopped) return;
  for (auto& l : listeners) l->resume();
}

void Frontend::close_listeners() {
  stopped = true;
  for (auto& l : listeners) l->close();
}

}  // namespace ferry::core
