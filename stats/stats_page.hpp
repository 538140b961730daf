// The HTML statistics page (`stats enable`): the process, then a table per proxy with its
// FRONTEND, server and BACKEND rows, as HAProxy's page shows them (queue, session rate, sessions,
// bytes, denied, errors, warnings, status with its colour, last check, weight, checks, downtime).
// Every cell is a `show stat` field read through the field table (stat_fields.hpp), so the page,
// the CSV and the Prometheus exporter show the same values. One self-contained document: inline
// CSS, no script, no external asset; it reads on a phone (tables scroll sideways) and a laptop.
#pragma once

#include <string>

#include "conf/model.hpp"
#include "core/engine.hpp"
#include "stats/info_fields.hpp"

namespace ferry::stats {

struct PageOptions {
  const conf::StatsPageConf* conf = nullptr;
  std::string base;        // the stats URI, where the links and forms point
  bool refresh = true;     // `stats refresh` applies (not after ';norefresh')
  bool hide_down = false;  // ';up': servers DOWN or in maintenance are left out
  bool admin = false;      // `stats admin` allows this client: each backend gets its form
  std::string token;       // the forms' anti-CSRF token
  std::string notice;      // the result of the last action (';st=...'), shown on top
  bool notice_ok = true;
};

std::string render_stats_page(const core::Engine& engine, const ProcessInfo& process,
                              const PageOptions& options);

}  // namespace ferry::stats
