// What a `mode http` frontend answers itself: the statistics page at its `stats uri` (HTML,
// `;csv`, `;json`, and with `stats admin` the server actions posted from the page) and the
// Prometheus exporter of `http-request use-service prometheus-exporter`. The HTTP connection
// decides which (core::LocalRoutes); this renders the answer.
//
// Runs on the threads of the frontend's sessions; reads the engine under its state lock, and
// changes servers through the admin socket's commands (stats/commands.hpp), with the same log
// lines and an audit line naming the page's client.
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
               std::string frontend);

  core::LocalReply answer(const core::LocalRequest& request) override;

 private:
  core::LocalReply metrics(const core::LocalRequest& request);
  core::LocalReply page(const core::LocalRequest& request);
  // A POST of the page's form: the action on each server chosen, then a redirection to the
  // page with the outcome (`;st=DONE`, `PART`, `NONE`, `ERRP`, `DENY`).
  core::LocalReply action(const core::LocalRequest& request);
  // The user named by a valid `Authorization: Basic` of `stats auth`; nullopt when refused.
  std::optional<std::string> authorized(const core::LocalRequest& request) const;
  // Runs one admin command as `stats admin` allows; its error text, or "".
  std::string run(const std::vector<std::string>& words, const core::LocalRequest& request,
                  const std::string& user);

  core::Engine& engine_;
  ProcessInfo process_;
  const conf::StatsPageConf page_;
  const std::string frontend_;
  const std::string token_;  // the forms' anti-CSRF token, random per process
};

}  // namespace ferry::stats
