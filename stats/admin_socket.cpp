#include "stats/admin_socket.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace ferry::stats {

namespace {

constexpr int kBacklog = 16;
constexpr size_t kMaxConnections = 100;  // beyond, new clients wait in the kernel backlog
constexpr int kAcceptBatch = 16;

std::string inet_text(const core::SockAddr& addr) {
  return (addr.family() == AF_INET6 ? "ipv6@" : "ipv4@") + addr.to_string();
}

}  // namespace

std::string socket_text(const core::SockAddr& addr) {
  if (!addr.is_unix()) return inet_text(addr);
  if (addr.is_abstract()) return "abns@" + addr.to_string().substr(1);
  return "unix@" + addr.unix_path();
}

// One listening stats socket.
class AdminSockets::Listener {
 public:
  Listener(AdminSockets& owner, core::Fd fd, conf::Level level, core::SocketFile file)
      : owner_(owner),
        fd_(std::move(fd)),
        level_(level),
        file_(std::move(file)),
        io_(owner.loop(), this) {
    resume();
  }
  ~Listener() {
    io_.stop();
    fd_.reset();
    core::remove_socket_file(file_);
  }
  void pause() { io_.stop(); }
  void resume() { io_.watch(fd_.get(), EV_READ); }

 private:
  void on_readable(int) {
    for (int i = 0; i < kAcceptBatch; ++i) {
      if (owner_.connection_count() >= kMaxConnections) return;  // the owner resumes us
      core::SockAddr peer;
      const int fd = core::accept_nonblocking(fd_.get(), peer);
      if (fd >= 0) {
        owner_.accepted(core::Fd(fd), level_);
      } else if (errno != EINTR && errno != ECONNABORTED) {
        return;  // EAGAIN, or out of fds: the next readiness retries
      }
    }
  }

  AdminSockets& owner_;
  core::Fd fd_;
  conf::Level level_;
  core::SocketFile file_;
  core::IoWatcher<Listener, &Listener::on_readable> io_;
};

AdminSockets::AdminSockets(core::Engine& engine, ProcessInfo process)
    : engine_(engine),
      process_(std::move(process)),
      context_{engine, process_, {}},
      reaper_(engine.loop, this) {}

AdminSockets::~AdminSockets() {
  connections_.clear();
  graveyard_.clear();
  listeners_.clear();
}

std::vector<std::string> AdminSockets::listen(const conf::GlobalConf& global, bool takeover) {
  std::vector<std::string> errors;
  timeout_ = global.stats_timeout;
  for (const auto& bind : global.stats_sockets) {
    for (const auto& a : bind.addrs) {
      const core::SockAddr addr = core::SockAddr::from(a);
      const std::string what = "stats socket (" + conf::to_string(bind.pos) + ")";
      auto r = core::listen_on(addr, kBacklog, bind.perms, what, takeover);
      if (!r.error.empty()) {
        errors.push_back(r.error);
        continue;
      }
      serve(std::move(r.fd), socket_text(addr), bind.level, std::move(r.file));
    }
  }
  return errors;
}

void AdminSockets::serve(core::Fd fd, std::string text, conf::Level level, core::SocketFile file) {
  context_.sockets.push_back(SocketDesc{std::move(text), level});
  listeners_.push_back(std::make_unique<Listener>(*this, std::move(fd), level, std::move(file)));
  process_.admin_listeners = listeners_.size();
}

void AdminSockets::accepted(core::Fd fd, conf::Level level) {
  // HAProxy counts CLI connections in `show activity` accepts and in CumConns / CumReq, but not
  // in the connection rates.
  auto& accepted = engine_.main_worker().activity.accepted;
  accepted.store(accepted.load() + 1);
  {
    auto lk = engine_.lock_state();
    ++engine_.cum_conns;
  }
  auto conn = std::make_unique<AdminConnection>(*this, std::move(fd), level, timeout_);
  AdminConnection& c = *conn;
  connections_.push_back(std::move(conn));
  c.self = std::prev(connections_.end());
  process_.admin_connections = connections_.size();
  update_listeners();
  c.start();
}

void AdminSockets::release(AdminConnection& connection) {
  graveyard_.push_back(std::move(*connection.self));
  connections_.erase(connection.self);
  process_.admin_connections = connections_.size();
  reaper_.start();
  update_listeners();
}

void AdminSockets::reap() {
  graveyard_.clear();
  reaper_.stop();
}

void AdminSockets::update_listeners() {
  const bool full = connections_.size() >= kMaxConnections;
  for (auto& l : listeners_)
    full ? l->pause() : l->resume();
}

}  // namespace ferry::stats
