#include "http/frontend_rules.hpp"

#include <sys/socket.h>

#include <algorithm>

#include "core/backend.hpp"
#include "core/session.hpp"

namespace ferry::http {

namespace {

bool uses_destination(const conf::Condition& cond) {
  for (const auto& alternative : cond.alternatives)
    for (const auto& op : alternative)
      for (const auto& t : *op.terms)
        if (t.fetch == conf::AclFetch::Dst || t.fetch == conf::AclFetch::DstPort) return true;
  return false;
}

}  // namespace

FrontendRules::FrontendRules(core::Engine& engine, const conf::ProxyConf& fe,
                             core::Backend& fallback)
    : engine_(engine), fallback_(fallback) {
  for (const auto& r : fe.use_backends) {
    core::Backend* b = engine.find_backend(r.backend);
    if (!b) continue;  // cannot happen: validation refuses an unknown backend
    routes_.push_back({r.cond, b});
    reads_dst_ = reads_dst_ || uses_destination(r.cond);
  }
  for (const auto& r : fe.tcp_connection_rules) {
    connection_rules_.push_back({r.cond, r.accept});
    conn_reads_dst_ = conn_reads_dst_ || uses_destination(r.cond);
  }
}

bool FrontendRules::accept_connection(const core::SockAddr& peer, int fd) const {
  if (connection_rules_.empty()) return true;
  core::SockAddr local;
  local.len = sizeof local.storage;
  const bool have_local = conn_reads_dst_ && ::getsockname(fd, local.get(), &local.len) == 0;
  const RequestContext ctx{.src = &peer, .dst = have_local ? &local : nullptr, .servers = this};
  for (const auto& r : connection_rules_)
    if (evaluate(r.cond, ctx)) return r.accept;
  return true;
}

core::Backend& FrontendRules::backend_for(const RequestContext& ctx) const {
  for (const auto& r : routes_)
    if (evaluate(r.cond, ctx)) return *r.backend;
  return fallback_;
}

std::vector<core::Backend*> FrontendRules::targets() const {
  std::vector<core::Backend*> out{&fallback_};
  for (const auto& r : routes_)
    if (std::find(out.begin(), out.end(), r.backend) == out.end()) out.push_back(r.backend);
  return out;
}

core::Backend& FrontendRules::connection_backend(core::Session& session) const {
  if (routes_.empty()) return fallback_;
  const RequestContext ctx{.src = &session.peer(),
                           .dst = reads_dst_ ? &session.local_address() : nullptr,
                           .servers = this};
  return backend_for(ctx);
}

// As HAProxy's nbsrv: the usable active servers, else the usable backups (all of them with
// option allbackups, else the first one only). "" is the frontend's default backend.
int FrontendRules::usable_servers(std::string_view backend) const {
  const core::Backend* b = backend.empty() ? &fallback_ : engine_.find_backend(backend);
  if (!b) return -1;
  auto lk = engine_.lock_state();
  if (const size_t active = b->usable_active()) return static_cast<int>(active);
  const size_t backups = b->usable_backup();
  return static_cast<int>(b->settings.allbackups ? backups : std::min<size_t>(backups, 1));
}

}  // namespace ferry::http
