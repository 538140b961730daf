#include "http/http_protocol.hpp"

namespace ferry::http {

IdlePool& IdlePools::of(core::Worker& worker) {
  auto& pool = pools_[worker.index];
  if (!pool) pool = std::make_unique<IdlePool>(worker.poller, worker.loop);
  return *pool;
}

std::unique_ptr<core::SessionProtocol> HttpProtocol::create(core::Session& session) {
  return std::make_unique<HttpConnection>(session, settings_, pools_.of(session.worker()),
                                          routing_.rules ? &routing_ : nullptr);
}

}  // namespace ferry::http
