#include "core/frontend.hpp"

#include "core/engine.hpp"

namespace ferry::core {

Listener::Listener(SockAddr a, std::vector<Fd> fds, SocketFile f, std::string n)
    : addr(a), name(std::move(n)), file(std::move(f)), fds_(std::move(fds)) {}

Listener::~Listener() {
  close();
}

void Listener::close() {
  if (closed_) return;
  closed_ = true;
  fds_.clear();
  remove_socket_file(file);
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

void Frontend::close_listeners() {
  stopped = true;
  for (auto& l : listeners)
    l->close();
}

}  // namespace ferry::core
