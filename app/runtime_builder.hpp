// Builds the runtime (backends with their servers and balancers, frontends with their bound
// listeners) from a validated config model. The one place where conf/ meets core/.
#pragma once

#include <sys/resource.h>

#include <string>
#include <vector>

#include "app/listen_sockets.hpp"
#include "conf/model.hpp"
#include "core/engine.hpp"

namespace ferry::app {

// The process-wide connection limit: `maxconn` from the config, or derived from the fd limit
// as HAProxy does (each session needs two fds, plus a reserve for listeners and checks).
unsigned resolve_global_maxconn(const conf::Config& config, rlim_t fd_limit);
// Raises the fd limit for `config` (`ulimit-n`, else what `maxconn` needs) and returns the
// process-wide connection limit under the limit now in force.
unsigned raise_limits_for(const conf::Config& config);

// Adds backends and frontends to `engine` and binds every listener. `takeover`: replacing an
// older process (-sf/-st), whose live UNIX sockets may be replaced. `held`: sockets bound by
// the master (-W); an address found there is listened on through them, not bound again.
// Returns the errors (empty when everything is listening).
std::vector<std::string> build_runtime(const conf::Config& config, core::Engine& engine,
                                       bool takeover, const HeldSockets* held = nullptr);

}  // namespace ferry::app
