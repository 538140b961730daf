// What a `mode http` frontend answers itself: the statistics page at its `stats uri` (HTML,
// `;csv`, `;json`, and with `stats admin` the server actions posted from the page) and the
// Prometheus exporter of `http-request use-service prometheus-exporter`.
//
// Runs on the threads of the frontend's sessions; reads the engine under its state lock, and
// changes servers through the admin socket's commands (stats/commands.hpp).
#pragma once

#include <string>

#include "conf/model.hpp"
#include "core/engine.hpp"
#include "core/local_service.hpp"
#include "stats/info_fields.hpp"

namespace ferry::stats {

class StatsService final : public core::LocalService {
 public:
  StatsService(core::Engine& engine, ProcessInfo process, const conf::StatsPageConf& page,
               bool prometheus, std::string frontend);

  bool wants(std::string_view method, std::string_view target) const override;
  core::LocalReply answer(const core::LocalRequest& request) override;

 private:
  core::LocalReply metrics(const core::LocalRequest& request);

  core::Engine& engine_;
  ProcessInfo process_;
  const conf::StatsPageConf page_;
  const bool prometheus_;
  const std::string frontend_;
};

}  // namespace ferry::stats
