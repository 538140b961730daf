#include "app/runtime_builder.hpp"

#include <sys/socket.h>

#include <algorithm>

#include "balancer/balancer.hpp"
#include "core/socket_ops.hpp"

namespace ferry::app {

namespace {

constexpr rlim_t kFdReserve = 30;  // listeners, checks, admin sockets, logs (as HAProxy)

std::unique_ptr<core::Server> make_server(const conf::ServerConf& sc, size_t index,
                                          core::Backend& backend, core::Millis now) {
  auto s = std::make_unique<core::Server>();
  s->name = sc.name;
  s->id = sc.id;
  s->index = index;
  s->backup = sc.backup;
  s->backend = &backend;
  s->addr = core::SockAddr::from(sc.addr);
  s->addr_text = s->addr.stats_text();
  s->iweight = s->uweight = sc.weight;
  s->maxconn = static_cast<unsigned>(sc.maxconn);
  s->maxqueue = static_cast<unsigned>(sc.maxqueue);
  s->last_change = now;
  if (sc.disabled) {
    s->admin_flags |= core::admin::kConfigMaint | core::admin::kForcedMaint;
    s->op = core::OpState::Stopped;
    s->down_since = now;
  }
  s->check.configured = sc.check;
  s->check.enabled = sc.check;
  s->check.rise = sc.rise;
  s->check.fall = sc.fall;
  s->check.health = sc.rise;
  return s;
}

unsigned frontends_maxconn_to(const conf::Config& config, const std::string& backend,
                              unsigned global_maxconn) {
  unsigned sum = 0;
  for (const auto& p : config.proxies) {
    if (!p.is_frontend()) continue;
    const bool routes_here =
        p.default_backend == backend || (p.kind == conf::ProxyKind::Listen && p.name == backend);
    if (routes_here) sum += p.maxconn > 0 ? static_cast<unsigned>(p.maxconn) : global_maxconn;
  }
  return sum;
}

void add_backend(const conf::Config& config, const conf::ProxyConf& p, core::Engine& engine) {
  core::BackendSettings st;
  st.balance = p.balance;
  st.retries = p.retries;
  st.redispatch = p.redispatch;
  st.allbackups = p.allbackups;
  st.connect_timeout = p.timeouts.connect;
  st.server_timeout = p.timeouts.server;
  st.queue_timeout = p.timeouts.queue ? p.timeouts.queue : p.timeouts.connect;
  st.tunnel_timeout = p.timeouts.tunnel;
  st.listen_section = p.kind == conf::ProxyKind::Listen;
  st.fullconn = p.fullconn > 0
                    ? static_cast<unsigned>(p.fullconn)
                    : std::max(1u, (frontends_maxconn_to(config, p.name, engine.maxconn) + 9) / 10);
  auto b = std::make_unique<core::Backend>(engine, p.name, p.id, st);
  std::vector<core::Server*> view;
  for (size_t i = 0; i < p.servers.size(); ++i) {
    b->servers.push_back(make_server(p.servers[i], i, *b, engine.loop.now()));
    view.push_back(b->servers.back().get());
  }
  b->lb = balancer::make_balancer(p.balance, std::move(view), p.allbackups,
                                  static_cast<uint64_t>(engine.loop.now().count()) ^ p.id);
  engine.backends.push_back(std::move(b));
}

std::string owner_text(const conf::ProxyConf& p, const conf::BindConf& bind) {
  return std::string(p.kind == conf::ProxyKind::Listen ? "proxy '" : "frontend '") + p.name +
         "' (" + conf::to_string(bind.pos) + ")";
}

void add_frontend(const conf::ProxyConf& p, core::Engine& engine, bool takeover,
                  std::vector<std::string>& errors) {
  core::FrontendSettings st;
  st.maxconn = p.maxconn > 0 ? std::min<unsigned>(p.maxconn, engine.maxconn) : engine.maxconn;
  st.client_timeout = p.timeouts.client;
  st.tcplog = p.tcplog;
  st.dontlognull = p.dontlognull;
  st.log_global = p.log_global;
  auto fe = std::make_unique<core::Frontend>(engine, p.name, p.id, st);
  if (!p.logs.empty()) {
    fe->own_log = std::make_unique<core::Log>();
    fe->own_log->set_stderr(false);
    for (const auto& e : fe->own_log->set_targets(p.logs))
      errors.push_back(e);
  }
  fe->backend = engine.find_backend(
      p.kind == conf::ProxyKind::Listen && p.default_backend.empty() ? p.name : p.default_backend);
  for (const auto& bind : p.binds) {
    for (const auto& a : bind.addrs) {
      const auto addr = core::SockAddr::from(a);
      const int backlog = bind.backlog > 0 ? bind.backlog : static_cast<int>(st.maxconn);
      auto r = core::listen_on(addr, backlog, bind.perms, owner_text(p, bind), takeover);
      if (!r.error.empty()) {
        errors.push_back(r.error);
        continue;
      }
      core::SockAddr bound = addr;  // `:0` gets one port, the same for every thread's socket
      if (!addr.is_unix()) {
        bound.len = sizeof(bound.storage);
        ::getsockname(r.fd.get(), bound.get(), &bound.len);
      }
      std::vector<core::Fd> fds;
      fds.push_back(std::move(r.fd));
      // TCP: one more socket in the same SO_REUSEPORT group for every other worker, so the
      // kernel spreads the connections. UNIX sockets cannot share a path: the workers share it.
      for (unsigned t = 1; t < engine.nbthread && !addr.is_unix(); ++t) {
        auto more = core::listen_on(bound, backlog, bind.perms, owner_text(p, bind), true);
        if (!more.error.empty()) {
          errors.push_back(more.error);
          break;
        }
        fds.push_back(std::move(more.fd));
      }
      fe->listeners.push_back(
          std::make_unique<core::Listener>(bound, std::move(fds), std::move(r.file), bind.name));
    }
  }
  engine.frontends.push_back(std::move(fe));
}

}  // namespace

unsigned resolve_global_maxconn(const conf::Config& config, rlim_t fd_limit) {
  if (config.global.maxconn > 0) return static_cast<unsigned>(config.global.maxconn);
  if (fd_limit == RLIM_INFINITY || fd_limit > 2000000) fd_limit = 2000000;
  const rlim_t usable = fd_limit > kFdReserve * 2 ? fd_limit - kFdReserve : fd_limit / 2;
  // Each session needs 2 fds, and up to maxconn/4 splice pipes take 2 more each: 2.5 per session.
  return static_cast<unsigned>(std::max<rlim_t>(1, usable * 2 / 5));
}

std::vector<std::string> build_runtime(const conf::Config& config, core::Engine& engine,
                                       bool takeover) {
  std::vector<std::string> errors;
  for (const auto& p : config.proxies)
    if (p.is_backend()) add_backend(config, p, engine);
  for (const auto& p : config.proxies)
    if (p.is_frontend()) add_frontend(p, engine, takeover, errors);
  return errors;
}

}  // namespace ferry::app
