// ferry's command line: HAProxy's options where they apply, plus ferry's own extensions.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "app/proxyd_mode.hpp"

namespace ferry::app {

struct CommandLine {
  std::vector<std::string> config_files;  // -f (repeatable; a directory loads its *.cfg)
  bool check_only = false;                // -c
  bool debug = false;                     // -d
  bool foreground = false;                // -db
  bool daemon = false;                    // -D
  bool master_worker = false;             // -W, -Ws
  bool systemd_notify = false;            // -Ws
  bool dump_config = false;               // --dump-config
  bool dump_haproxy = false;              // --dump-config=haproxy (command-line proxy only)
  ProxydOptions proxyd;                   // --listen/--server...: no config file
  bool quiet = false;                     // -q
  bool version = false;                   // -v / -vv
  bool build_info = false;                // -vv
  bool help = false;                      // -h
  std::string pidfile;                    // -p
  std::string takeover_socket;            // -x: an old process's stats socket
  std::vector<pid_t> soft_stop_pids;      // -sf PID...
  std::vector<pid_t> hard_stop_pids;      // -st PID...
};

// Parses argv; on a usage error returns false with `error` set.
bool parse_command_line(int argc, char** argv, CommandLine& out, std::string& error);
std::string usage_text();

}  // namespace ferry::app
