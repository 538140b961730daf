#include "stats/admin_socket.hpp"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>

namespace ferry::stats {

namespace {

constexpr int kDefaultBacklog = 16;
constexpr int kAcceptBatch = 16;
constexpr std::string_view kTooMany =
    "Too many connections from this client (at most 20 at once on the stats sockets); "
    "closing.\n\n";

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
class AdminSockets::Listener final : public core::AcceptTarget {
 public:
  Listener(AdminSockets& owner, size_t index, core::Fd fd, conf::Level level, size_t maxconn,
           core::SocketFile file, std::string text, AdminAccess access)
      : index(index),
        level(level),
        maxconn(maxconn),
        text(std::move(text)),
        access(std::move(access)),
        owner_(owner),
        fd_(std::move(fd)),
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

  const size_t index;
  const conf::Level level;
  const size_t maxconn;
  const std::string text;
  const AdminAccess access;
  size_t open = 0;  // connections it accepted that are still open

 private:
  void on_readable(int) { core::accept_batch(fd_.get(), kAcceptBatch, *this, owner_.backoff_); }
  bool admit() override { return owner_.make_room(*this); }
  void take(core::Fd fd, const core::SockAddr& peer) override {
    owner_.accepted(*this, std::move(fd), peer);
  }

  AdminSockets& owner_;
  core::Fd fd_;
  core::SocketFile file_;
  core::IoWatcher<Listener, &Listener::on_readable> io_;
};

AdminSockets::AdminSockets(core::Engine& engine, ProcessInfo process)
    : engine_(engine),
      process_(std::move(process)),
      context_{engine, process_, {}},
      reaper_(engine.loop, this),
      backoff_(engine.loop, engine.log, [this] { update_listeners(); }),
      recheck_(engine.loop, this) {}

AdminSockets::~AdminSockets() {
  connections_.clear();
  graveyard_.clear();
  listeners_.clear();
}

namespace {

std::string socket_what(const conf::BindConf& bind) {
  return "stats socket (" + conf::to_string(bind.pos) + ")";
}

}  // namespace

std::vector<std::string> AdminSockets::check_tls(const conf::GlobalConf& global) {
  std::vector<std::string> errors;
  for (const auto& bind : global.stats_sockets) {
    std::string error;
    if (bind.tls.enabled && !TlsContext::server(bind.tls, error))
      errors.push_back(socket_what(bind) + ": " + error);
  }
  return errors;
}

std::vector<std::string> AdminSockets::listen(const conf::GlobalConf& global, bool takeover) {
  std::vector<std::string> errors;
  timeout_ = global.stats_timeout;
  for (const auto& bind : global.stats_sockets) {
    for (const auto& a : bind.addrs) {
      const core::SockAddr addr = core::SockAddr::from(a);
      const std::string what = socket_what(bind);
      const int backlog = bind.backlog > 0 ? bind.backlog : kDefaultBacklog;
      AdminAccess access{nullptr, bind.clients, bind.audit};
      if (bind.tls.enabled) {
        std::string error;
        access.tls = TlsContext::server(bind.tls, error);
        if (!access.tls) {
          errors.push_back(what + ": " + error);
          continue;
        }
      }
      auto r = core::listen_on(addr, backlog, bind.perms, what, takeover);
      if (!r.error.empty()) {
        errors.push_back(r.error);
        continue;
      }
      serve(std::move(r.fd), socket_text(addr), bind.level, std::move(r.file),
            bind.maxconn > 0 ? static_cast<size_t>(bind.maxconn) : kDefaultMaxconn,
            bind.expose_fd_listeners, std::move(access));
    }
  }
  return errors;
}

void AdminSockets::serve(core::Fd fd, std::string text, conf::Level level, core::SocketFile file,
                         size_t maxconn, bool expose_fd, AdminAccess access) {
  context_.sockets.push_back(SocketDesc{text, level, expose_fd});
  listeners_.push_back(std::make_unique<Listener>(*this, listeners_.size(), std::move(fd), level,
                                                  maxconn, std::move(file), std::move(text),
                                                  std::move(access)));
  process_.admin_listeners = listeners_.size();
}

// Room for one more connection on `listener`, counting one it may drop (take() drops it).
bool AdminSockets::make_room(Listener& listener) {
  if (listener.open < listener.maxconn || droppable(on_socket(listener.index))) return true;
  listener.pause();  // until one of its connections closes, or the recheck
  if (!recheck_.active()) recheck_.start(kDropGrace);
  return false;
}

AdminConnection* AdminSockets::droppable(const Pick& pick) {
  const core::Millis now = loop().now();
  for (auto& c : connections_)
    if (pick(*c) && c->idle_partial() && now - c->since >= kDropGrace) return c.get();
  return nullptr;
}

void AdminSockets::accepted(Listener& listener, core::Fd fd, const core::SockAddr& peer) {
  if (listener.open >= listener.maxconn) {
    if (AdminConnection* old = droppable(on_socket(listener.index))) old->drop();
  }
  AdminPeer who = peer_of(fd.get(), peer);
  std::string source = who.source();
  const Pick same_source = [&](const AdminConnection& c) { return c.source == source; };
  if (count_if(same_source) >= kMaxPerSource) {
    AdminConnection* old = droppable(same_source);
    if (!old) {
      ::send(fd.get(), kTooMany.data(), kTooMany.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      return;
    }
    old->drop();
  }
  // HAProxy counts CLI connections in `show activity` accepts and in CumConns / CumReq, but not
  // in the connection rates.
  auto& accepted = engine_.main_worker().activity.accepted;
  accepted.store(accepted.load() + 1);
  {
    auto lk = engine_.lock_state();
    ++engine_.cum_conns;
  }
  engine_.count_stream();
  auto conn = std::make_unique<AdminConnection>(*this, std::move(fd), listener.level, timeout_,
                                                listener.access, listener.text, std::move(who));
  conn->allow_fd_passing(context_.sockets[listener.index].expose_fd);
  AdminConnection& c = *conn;
  c.socket = listener.index;
  c.source = std::move(source);
  c.since = loop().now();
  connections_.push_back(std::move(conn));
  c.self = std::prev(connections_.end());
  ++listener.open;
  process_.admin_connections = connections_.size();
  c.start();
}

void AdminSockets::release(AdminConnection& connection) {
  --listeners_[connection.socket]->open;
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

AdminSockets::Pick AdminSockets::on_socket(size_t index) {
  return [index](const AdminConnection& c) { return c.socket == index; };
}

size_t AdminSockets::count_if(const Pick& pick) const {
  size_t n = 0;
  for (const auto& c : connections_)
    n += pick(*c) ? 1 : 0;
  return n;
}

// Every socket watches again (a full one finds out in admit()), unless fds ran out.
void AdminSockets::update_listeners() {
  for (auto& l : listeners_)
    backoff_.paused() ? l->pause() : l->resume();
}

}  // namespace ferry::stats
