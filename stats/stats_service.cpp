#include "stats/stats_service.hpp"

#include "stats/prometheus.hpp"

namespace ferry::stats {

namespace {

std::string_view query_of(std::string_view target) {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

core::LocalReply text_reply(int status, std::string body) {
  core::LocalReply r;
  r.status = status;
  r.headers = {{"content-type", "text/plain"}, {"cache-control", "no-cache"}};
  r.body = std::move(body);
  return r;
}

}  // namespace

StatsService::StatsService(core::Engine& engine, ProcessInfo process,
                           const conf::StatsPageConf& page, bool prometheus, std::string frontend)
    : engine_(engine),
      process_(std::move(process)),
      page_(page),
      prometheus_(prometheus),
      frontend_(std::move(frontend)) {}

bool StatsService::wants(std::string_view, std::string_view target) const {
  // HAProxy evaluates `http-request` rules before the stats URI: an unconditional
  // use-service takes every request.
  if (prometheus_) return true;
  return page_.enabled && target.starts_with(page_.uri);
}

core::LocalReply StatsService::answer(const core::LocalRequest& request) {
  if (prometheus_) return metrics(request);
  return text_reply(200, "");
}

core::LocalReply StatsService::metrics(const core::LocalRequest& request) {
  MetricsRequest req;
  if (std::string err =
          parse_metrics_request(query_of(request.target), request.header("accept"), req);
      !err.empty())
    return text_reply(400, err + "\n");
  core::LocalReply r;
  r.headers = {{"content-type", std::string(metrics_content_type(req.openmetrics))},
               {"cache-control", "no-cache"}};
  auto lk = engine_.lock_state();
  r.body = render_metrics(engine_, process_, req);
  return r;
}

}  // namespace ferry::stats
