// The config-less command line that replaces systemd-socket-proxyd:
//   ferry --listen fd@proxy --server unix@/run/app1.sock --server unix@/run/app2.sock
//         [--balance ALGO] [--check] [--connections-max N] [--timeout D] [--exit-idle-time D]
// It is turned into the text of an HAProxy-format config (one `listen` section) and loaded like
// a file, so it gets the same validation, messages and behaviour; `--dump-config=haproxy`
// prints that text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/model.hpp"

namespace ferry::app {

struct ProxydOptions {
  std::vector<std::string> listen;             // --listen ADDR (fd@NAME, fd@3, an address)
  std::vector<std::string> servers;            // --server ADDR
  std::string balance;                         // --balance ALGO
  bool check = false;                          // --check
  std::string connections_max;                 // --connections-max N: global maxconn
  std::string timeout;                         // --timeout D: client and server idle timeout
  std::string connect_timeout;                 // --connect-timeout D (default 5s)
  std::optional<conf::Millis> exit_idle_time;  // --exit-idle-time D

  bool active() const { return !listen.empty() || !servers.empty(); }
};

// If argv[i] is one of the options above, consumes it (and its value) and returns true; `i`
// then points at the last word used. On a bad value, `error` is set.
bool parse_proxyd_option(int argc, char** argv, int& i, ProxydOptions& out, std::string& error);

// Checks the options fit together (at least one --listen and one --server); "" when they do.
std::string check_proxyd_options(const ProxydOptions& opts);

// The equivalent config in HAProxy's format.
std::string proxyd_config_text(const ProxydOptions& opts);

extern const char* const kProxydUsage;

}  // namespace ferry::app
