// Builds the runtime (backends with their servers and balancers, frontends with their bound
// listeners) from a validated config model. The one place where conf/ meets core/.
#pragma once

#include <sys/resource.h>

#include <string>
#include <vector>

#include "app/listen_sockets.hpp"
#include "conf/model.hpp"
#include "core/engine.hpp"
#include "core/inherited_sockets.hpp"

namespace ferry::app {

// The process-wide connection limit: `maxconn` from the config, or derived from the fd limit
// as HAProxy does (each session needs two fds, plus a reserve for listeners and checks).
unsigned resolve_global_maxconn(const conf::Config& config, rlim_t fd_limit);
// The sessions `fd_limit` fds leave room for (2.5 fds each, after the reserve).
unsigned maxconn_for_fds(rlim_t fd_limit);
struct ProcessLimits {
  unsigned maxconn = 0;               // the process-wide connection limit under the fd limit
  std::string error;                  // set: ferry must not start (strict-limits)
  std::vector<std::string> warnings;  // to print, and start anyway
};
// Raises the fd limit for `config` (`ulimit-n`, else what `maxconn` needs), as HAProxy 2.6: a
// limit that cannot be had is an error under `strict-limits` (the default), else a warning;
// a limit below what `maxconn` needs is a warning (HAProxy 2.6 says nothing when `ulimit-n`
// set it so).
ProcessLimits raise_limits_for(const conf::Config& config);

struct BuildOptions {
  // Replacing an older process (-sf/-st, or a master's worker), whose live UNIX sockets may be
  // replaced.
  bool takeover = false;
  // Sockets bound by the master (-W), or taken over from an old process (-x): an address found
  // there is listened on through them.
  const HeldSockets* held = nullptr;
  // Sockets to take before binding (socket activation, a master's sockets): `bind fd@N|NAME`
  // must find one there, and a `bind` whose address equals one's takes it instead of binding.
  // Taken sockets are marked used; null: none.
  core::InheritedSockets* inherited = nullptr;
};

// Adds backends and frontends to `engine` and binds (or takes) every listener. Returns the
// errors (empty when everything is listening).
std::vector<std::string> build_runtime(const conf::Config& config, core::Engine& engine,
                                       const BuildOptions& opts);

}  // namespace ferry::app
