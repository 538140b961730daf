// The interface every balancing algorithm implements (balancer/ holds one file per algorithm).
// An algorithm is pure logic over its backend's servers: their weights, states and in-flight
// counts. It is told about every change that matters to it and never does I/O.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/server.hpp"

namespace ferry::core {

struct PickRequest {
  // The client's address, for `source` hashing; nullptr (or AF_UNIX) falls back to round robin.
  const SockAddr* client = nullptr;
  // Servers already tried by this connection: never returned again.
  std::span<Server* const> tried;
  // What `balance uri|url_param|hdr` hashes, taken from the request; nullopt when the request
  // has none (no such parameter or field): round robin then, as HAProxy.
  std::optional<std::string_view> key;
};

struct PickResult {
  Server* server = nullptr;
  // No server returned, but some usable untried server exists and is only full (maxconn):
  // the connection should wait in the backend queue rather than fail.
  bool saturated = false;
};

class LoadBalancer {
 public:
  virtual ~LoadBalancer() = default;
  // The name `show stat` prints in the `algo` column (HAProxy 2.6 prints "unknown" for random).
  virtual std::string_view stats_name() const = 0;
  // Weights may only be 0% or 100% of the initial weight at run time (map-based algorithms).
  virtual bool is_static() const { return false; }
  // Chooses a server for a new connection and counts it as selected in the algorithm's own
  // state (roundrobin advances). The caller then increments server->served and calls taken().
  virtual PickResult pick(const PickRequest& request) = 0;
  // server.served just grew / shrank by one.
  virtual void taken(Server& server) { (void)server; }
  virtual void released(Server& server) { (void)server; }
  // server.eweight() or server.usable() may have changed (weight, state, maint, drain, slowstart).
  virtual void updated(Server& server) = 0;
};

}  // namespace ferry::core
