// A request that ferry answers itself instead of passing it to a backend: the statistics page
// and the Prometheus exporter of a `mode http` frontend (implemented in stats/, given to the
// frontend's HTTP protocol by the runtime builder).
//
// Called on the session's thread; the service reads the engine as `show stat` does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conf/acl.hpp"
#include "core/sockaddr.hpp"

namespace ferry::core {

struct LocalRequest {
  enum class Kind : uint8_t { Metrics, StatsPage };
  Kind kind = Kind::StatsPage;
  bool admin = false;  // `stats admin` allows this client: the page offers and takes actions
  std::string_view method;
  std::string_view target;  // path and query, as received
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;  // whole (the protocol reads it first)
  const SockAddr* peer = nullptr;

  // The first field of that name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const {
    auto same = [](std::string_view a, std::string_view b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
      return true;
    };
    for (const auto& [n, v] : headers)
      if (same(n, name)) return v;
    return {};
  }
};

struct LocalReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;
};

class LocalService {
 public:
  virtual ~LocalService() = default;
  virtual LocalReply answer(const LocalRequest& request) = 0;
};

// Which requests a frontend answers itself, decided by its HTTP connections.
struct LocalRoutes {
  LocalService* service = nullptr;  // null: none
  bool metrics = false;             // `http-request use-service prometheus-exporter`
  conf::Condition metrics_when;     // its `if|unless`: empty for every request
  std::string stats_uri;            // `stats uri`; empty: no stats page
  bool stats_admin = false;         // `stats admin if|unless ...`
  conf::Condition admin_if;
};

}  // namespace ferry::core
