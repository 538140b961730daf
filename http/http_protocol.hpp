// The HTTP protocol of a `mode http` frontend: makes an HttpConnection for each of its sessions,
// with the frontend's resolved settings and its worker's idle server connections.
#pragma once

#include <memory>
#include <vector>

#include "core/session_protocol.hpp"
#include "core/worker.hpp"
#include "http/http_connection.hpp"
#include "http/idle_pool.hpp"

namespace ferry::http {

// Idle server connections, one pool per worker.
class IdlePools {
 public:
  explicit IdlePools(size_t workers) : pools_(workers) {}
  // The pool of `worker`; made on its own thread at first use, touched only there.
  IdlePool& of(core::Worker& worker);

 private:
  std::vector<std::unique_ptr<IdlePool>> pools_;
};

class HttpProtocol final : public core::SessionProtocolFactory {
 public:
  // `workers`: the engine's thread count.
  // `local`: what the frontend answers itself, or null.
  // `routing`: the use_backend rules and each backend's settings (without local answers).
  HttpProtocol(HttpSettings settings, size_t workers, std::unique_ptr<core::LocalService> local,
               HttpRouting routing = {})
      : local_(std::move(local)),
        settings_(with_local(std::move(settings), local_.get())),
        routing_(with_local(std::move(routing), local_.get())),
        pools_(workers) {}
  std::unique_ptr<core::SessionProtocol> create(core::Session& session) override;

 private:
  static HttpSettings with_local(HttpSettings s, core::LocalService* local) {
    s.local.service = local;
    return s;
  }
  static HttpRouting with_local(HttpRouting r, core::LocalService* local) {
    for (auto& [backend, s] : r.settings)
      s.local.service = local;
    return r;
  }

  std::unique_ptr<core::LocalService> local_;
  const HttpSettings settings_;
  const HttpRouting routing_;
  IdlePools pools_;  // this frontend's: another frontend's sessions do not share them
};

}  // namespace ferry::http
