// Where a new process takes its servers' state from. `server-state-file`, `server-state-base`
// and `load-server-state-from-file` (HAProxy 2.6): at start-up, each backend that asks for it
// takes its servers' saved state from the global file or from its own file. On a reload, the
// other backends take the state the previous process handed over. Both run once the health
// checks started (the state goes through engine.server_control), before any traffic.
#pragma once

#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/engine.hpp"

namespace ferry::app {

// Returns the warnings: a file that cannot be read or parsed (the backends then start from the
// config, as HAProxy), and what apply_servers_state reports.
std::vector<std::string> load_server_state_files(const conf::Config& config, core::Engine& engine);

// On a reload (-W, or -sf with -x): the state the previous process handed over (`show servers
// state` text, `origin` names it in messages), applied to the backends that do not load theirs
// from a file: where both exist, the file the config names wins. Returns the warnings.
std::vector<std::string> apply_handed_over_state(const conf::Config& config, core::Engine& engine,
                                                 const std::string& text,
                                                 const std::string& origin);

}  // namespace ferry::app
