// `server-state-file`, `server-state-base` and `load-server-state-from-file` (HAProxy 2.6): at
// start-up, each backend that asks for it takes its servers' saved state from the global file
// or from its own file. Runs once the health checks started (the state goes through
// engine.server_control).
#pragma once

#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/engine.hpp"

namespace ferry::app {

// Returns the warnings: a file that cannot be read or parsed (the backends then start from the
// config, as HAProxy), and what apply_servers_state reports.
std::vector<std::string> load_server_state_files(const conf::Config& config, core::Engine& engine);

}  // namespace ferry::app
