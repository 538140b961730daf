#include "core/frontend.hpp"

#include "core/engine.hpp"

#include <sys/socket.h>

namespace ferry::core {

Listener::Listener(SockAddr a, std::vector<Fd> fds, SocketFile f, std::string n, bool s)
    : addr(a), name(std::move(n)), file(std::move(f)), fds_(std::move(fds)), shared_(s) {}

Listener::~Listener() {
  close();
  fds_.clear();
}

void Listener::close() {
  if (closed_) return;
  closed_ = true;
  if (shared_) return;  // the other holders keep accepting on them
  // No close(): a worker's epoll may still hold the fd (libev drops it lazily) and would race
  // with the fd number being freed and reused. The fds close with the Listener, after the join.
  for (const auto& fd : fds_) {
    ::shutdown(fd.get(), SHUT_RDWR);  // TCP: leaves LISTEN and the group, resets the backlog
    // A UNIX listener keeps its backlog after shutdown(): reset those clients now, as close did.
    if (addr.is_unix()) {
      SockAddr peer;
      for (int c; (c = accept_nonblocking(fd.get(), peer)) >= 0;)
        Fd(c).reset();
    }
  }
  remove_socket_file(file);
}

Frontend::Frontend(Engine& e, std::string n, int i, FrontendSettings s)
    : engine(e), name(std::move(n)), id(i), settings(std::move(s)) {}

Frontend::~Frontend() = default;

void Frontend::count_session(Millis now) {
  ++counters.stot;
  counters.sess_rate.add(now);
  if (feconn > counters.smax) counters.smax = feconn;
}

bool Frontend::logs_traffic() const {
  return (settings.tcplog || settings.httplog) &&
         ((settings.log_global && engine.log.accepts(Severity::Info)) ||
          (own_log && own_log->accepts(Severity::Info)));
}

void Frontend::log_traffic(const std::string& line) {
  if (settings.log_global) engine.log.traffic(line, settings.log_tag);
  if (own_log) own_log->traffic(line, settings.log_tag);
}

void Frontend::close_listeners() {
  stopped = true;
  for (auto& l : listeners)
    l->close();
}

}  // namespace ferry::core
