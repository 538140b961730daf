// The Prometheus exporter (`http-request use-service prometheus-exporter`): the metrics of
// HAProxy 2.6's built-in exporter (names, labels `proxy` / `server` / `state` / `code`, types),
// taken from the `show info` and `show stat` field lists, so every value is the one `show stat`
// gives at the same moment (times in seconds instead of milliseconds). The text format 0.0.4 by
// default, OpenMetrics 1.0 when the scraper's Accept header asks for it.
#pragma once

#include <string>
#include <string_view>

#include "core/engine.hpp"
#include "stats/info_fields.hpp"

namespace ferry::stats {

struct MetricsRequest {
  enum Scope : unsigned { kGlobal = 1, kFrontend = 2, kBackend = 4, kServer = 8, kAll = 15 };
  unsigned scopes = kAll;  // `scope=global|frontend|backend|server|*`, repeatable
  bool no_maint = false;   // `no-maint`: servers in maintenance are left out
  bool openmetrics = false;
};

// The request's query string (after '?') and Accept header; an error message for a bad scope.
std::string parse_metrics_request(std::string_view query, std::string_view accept,
                                  MetricsRequest& out);
std::string render_metrics(const core::Engine& engine, const ProcessInfo& process,
                           const MetricsRequest& request);
std::string_view metrics_content_type(bool openmetrics);

}  // namespace ferry::stats
