// A frontend's rules resolved against the runtime: `tcp-request connection` rules (at accept),
// `use_backend` rules with the backend each names (first match wins, the default backend
// otherwise), evaluated per connection in mode tcp (core::FrontendRules) and per request in mode
// http (HttpConnection). Answers nbsrv() from
// the engine's backends. Immutable once built; read by every worker thread.
#pragma once

#include <vector>

#include "conf/model.hpp"
#include "core/engine.hpp"
#include "core/frontend.hpp"
#include "http/acl_eval.hpp"

namespace ferry::http {

class FrontendRules final : public core::FrontendRules, public ServerCounts {
 public:
  // `fe`'s rules; every backend they name exists in `engine` (validation checked it), as does
  // `fallback`, the default backend.
  FrontendRules(core::Engine& engine, const conf::ProxyConf& fe, core::Backend& fallback);

  // The backend for a request or a connection described by `ctx`.
  core::Backend& backend_for(const RequestContext& ctx) const;
  // The backends the rules may pick, the default one first, each once.
  std::vector<core::Backend*> targets() const;

  bool accept_connection(const core::SockAddr& peer, int fd) const override;
  core::Backend& connection_backend(core::Session& session) const override;
  int usable_servers(std::string_view backend) const override;

 private:
  struct Route {
    conf::Condition cond;
    core::Backend* backend;
  };
  core::Engine& engine_;
  core::Backend& fallback_;
  struct ConnectionRule {
    conf::Condition cond;
    bool accept;
  };
  std::vector<Route> routes_;
  std::vector<ConnectionRule> connection_rules_;
  bool reads_dst_ = false;       // some use_backend condition uses dst or dst_port
  bool conn_reads_dst_ = false;  // some tcp-request connection condition does
};

}  // namespace ferry::http
