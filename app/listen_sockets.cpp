#include "app/listen_sockets.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <set>

namespace ferry::app {

namespace {

unsigned sockets_per_bind(const conf::Config& config, const core::SockAddr& addr) {
  return addr.is_unix() ? 1u : static_cast<unsigned>(std::max(1, config.global.nbthread));
}

// Adds sockets to a TCP bind's SO_REUSEPORT group until it has `count`.
void grow(BoundSocket& b, const conf::ProxyConf& proxy, const conf::BindConf& bind,
          unsigned global_maxconn, unsigned count, std::vector<std::string>& errors) {
  while (b.fds.size() < count) {
    auto more = core::listen_on(b.addr, bind_backlog(proxy, bind, global_maxconn), bind.perms,
                                bind_owner(proxy, bind), true);
    if (!more.error.empty()) return errors.push_back(more.error);
    b.fds.push_back(std::move(more.fd));
  }
}

}  // namespace

std::string bind_owner(const conf::ProxyConf& p, const conf::BindConf& bind) {
  return std::string(p.kind == conf::ProxyKind::Listen ? "proxy '" : "frontend '") + p.name +
         "' (" + conf::to_string(bind.pos) + ")";
}

int bind_backlog(const conf::ProxyConf& p, const conf::BindConf& bind, unsigned global_maxconn) {
  if (bind.backlog > 0) return bind.backlog;
  return static_cast<int>(p.maxconn > 0 ? std::min<unsigned>(p.maxconn, global_maxconn)
                                        : global_maxconn);
}

BoundSocket bind_socket(const core::SockAddr& addr, const conf::ProxyConf& proxy,
                        const conf::BindConf& bind, unsigned global_maxconn, unsigned count,
                        bool takeover, std::vector<std::string>& errors) {
  BoundSocket out;
  auto r = core::listen_on(addr, bind_backlog(proxy, bind, global_maxconn), bind.perms,
                           bind_owner(proxy, bind), takeover);
  if (!r.error.empty()) {
    errors.push_back(r.error);
    return out;
  }
  out.addr = addr;  // `:0` gets one port, the same for every thread's socket
  if (!addr.is_unix()) {
    out.addr.len = sizeof(out.addr.storage);
    ::getsockname(r.fd.get(), out.addr.get(), &out.addr.len);
  }
  out.file = std::move(r.file);
  out.fds.push_back(std::move(r.fd));
  if (!addr.is_unix()) grow(out, proxy, bind, global_maxconn, count, errors);
  if (out.fds.size() < count) out.fds.clear();  // grow() said why
  return out;
}

bool adopt_systemd_sockets(core::InheritedSockets& into, core::Log& log) {
  const auto adopted = core::adopt_listen_fds(core::take_listen_env(), ::getpid(), into);
  for (const auto& w : adopted.warnings)
    log.warning(w);
  for (const auto& e : adopted.errors)
    log.alert(e);
  return adopted.errors.empty();
}

void warn_unused_inherited(const core::InheritedSockets& inherited, core::Log& log) {
  for (const auto& s : inherited.unused())
    log.warning("inherited socket " + s + " is not used by any 'bind'; use it with 'bind " +
                "fd@<number or name>' or a 'bind' on its address, or stop passing it");
}

// Does an inherited socket serve this address (so that the master binds nothing for it)?
bool is_inherited(const core::InheritedSockets& inherited, const conf::Address& a) {
  if (a.kind == conf::AddressKind::Fd) return true;
  return inherited.has_address(core::SockAddr::from(a));
}

HeldSockets::~HeldSockets() {
  for (auto& [key, b] : held_)
    core::remove_socket_file(b.file);
}

std::vector<std::string> HeldSockets::bind_for(const conf::Config& config,
                                               unsigned global_maxconn) {
  std::vector<std::string> errors;
  for (const auto& p : config.proxies) {
    if (!p.is_frontend()) continue;
    for (const auto& bind : p.binds)
      for (const auto& a : bind.addrs) {
        if (is_inherited(inherited, a)) continue;
        const auto addr = core::SockAddr::from(a);
        const unsigned count = sockets_per_bind(config, addr);
        auto it = held_.find(addr.to_string());
        if (it != held_.end()) {
          grow(it->second, p, bind, global_maxconn, count, errors);
          continue;
        }
        BoundSocket b = bind_socket(addr, p, bind, global_maxconn, count, false, errors);
        if (!b.fds.empty()) held_.emplace(addr.to_string(), std::move(b));
      }
  }
  return errors;
}

void HeldSockets::keep_only(const conf::Config& config) {
  std::map<std::string, unsigned> wanted;
  for (const auto& p : config.proxies)
    if (p.is_frontend())
      for (const auto& bind : p.binds)
        for (const auto& a : bind.addrs) {
          if (is_inherited(inherited, a)) continue;
          const auto addr = core::SockAddr::from(a);
          wanted[addr.to_string()] = sockets_per_bind(config, addr);
        }
  for (auto it = held_.begin(); it != held_.end();) {
    const auto w = wanted.find(it->first);
    if (w == wanted.end()) {
      core::remove_socket_file(it->second.file);
      it = held_.erase(it);
      continue;
    }
    if (it->second.fds.size() > w->second) it->second.fds.resize(w->second);
    ++it;
  }
}

const BoundSocket* HeldSockets::find(const core::SockAddr& configured) const {
  const auto it = held_.find(configured.to_string());
  return it == held_.end() ? nullptr : &it->second;
}

void HeldSockets::forget() {
  held_.clear();
  inherited = core::InheritedSockets{};
}

void HeldSockets::take(BoundSocket socket) {
  const std::string key = socket.addr.to_string();
  held_.insert_or_assign(key, std::move(socket));
}

}  // namespace ferry::app
