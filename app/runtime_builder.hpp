// Builds the runtime (backends with their servers and balancers, frontends with their bound
// listeners) from a validated config model. The one place where conf/ meets core/.
#pragma once

#include <sys/resource.h>

#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/engine.hpp"

namespace ferry::app {

// The process-wide connection limit: `maxconn` from the config, or derived from the fd limit
// as HAProxy does (each session needs two fds, plus a reserve for listeners and checks).
unsigned resolve_global_maxconn(const conf::Config& config, rlim_t fd_limit);

// Adds backends and frontends to `engine` and binds every listener. `takeover`: replacing an
// older process (-sf/-st), whose live UNIX sockets may be replaced. Returns the errors (empty
// when everything is listening).
std::vector<std::string> build_runtime(const conf::Config& config, core::Engine& engine,
                                       bool takeover);

}  // namespace ferry::app
