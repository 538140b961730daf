// `show info`: the process-wide keys of HAProxy 2.6, in its order, defined once and rendered as
// `Key: value` lines, typed lines or JSON. Empty fields are left out, as HAProxy does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "stats/stat_fields.hpp"

namespace ferry::stats {

// ferry's own release, and how it presents itself. `Version:` reads as a HAProxy 2.6 version
// with ferry's release as the suffix ("2.6.0-ferry-0.1.0"): Ansible's haproxy module parses
// major.minor from it (2.6: it uses `set server ... state`), hatop and the Prometheus exporter
// only need a non-empty token. `Name:` stays "HAProxy" so tools that check it keep working.
constexpr std::string_view kFerryVersion = "0.1.0";
constexpr std::string_view kReleaseDate = "2025/06/01";
std::string haproxy_version_string(std::string_view ferry_version);

// Facts of the process that the engine does not hold.
struct ProcessInfo {
  std::string ferry_version{kFerryVersion};
  std::string node;            // host name
  int64_t start_wall_sec = 0;  // UNIX time at start-up
  int pid = 0;                 // 0: the current process (read each time, so daemonizing is seen)
  uint64_t ulimit_n = 0;
  // Stats sockets listening and CLI connections open (they count in Listeners and Jobs).
  size_t admin_listeners = 0;
  size_t admin_connections = 0;

  // Fills node, start time and the fd limit from the system.
  static ProcessInfo current(std::string ferry_version = std::string(kFerryVersion));
};

enum class InfoFormat { Text, Typed, Json };

// One `show info` field and its value now (empty when ferry does not fill it).
struct InfoItem {
  std::string_view name;
  std::string_view description;
  Value value;
};
// Every field, in order (the Prometheus exporter's process metrics).
std::vector<InfoItem> info_items(const core::Engine& engine, const ProcessInfo& process);

// The whole reply body of `show info [typed|json] [desc]`.
std::string render_info(const core::Engine& engine, const ProcessInfo& process, InfoFormat format,
                        bool desc);

}  // namespace ferry::stats
