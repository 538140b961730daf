// Server state across restarts and reloads, in HAProxy's `show servers state` format (version 1):
// rendering it (what `show servers state` prints), reading it back (`server-state-file`, or the
// state a previous process handed over), and applying it to a freshly built runtime.
//
// Applying follows HAProxy 2.6's rules for a state file, matching backends and servers by name
// (ids may differ, as HAProxy): forced maintenance and drain, the runtime weight when the
// configured weight did not change, `disable health`, and the health: a server DOWN (or
// stopping) stays so until its checks say otherwise, a checked server UP starts with full
// health (one failed check does not take it DOWN). Where the new config changed a server the config
// wins, with a warning naming backend/server and why: its address changed (HAProxy 2.6 puts the
// saved port back instead), `disabled` was added or removed, its configured weight changed (for the
// weight alone), or the server is gone (removed or renamed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/engine.hpp"

namespace ferry::stats {

// `unix_paths`: print a UNIX server's address as `unix@PATH` / `abns@NAME` (ferry's extension,
// so a state handed to a new process can tell a changed path) instead of HAProxy's `-`.
std::string render_servers_state(const core::Engine& engine, const core::Backend* only = nullptr,
                                 bool unix_paths = false);

// One server line of a state file.
struct SavedServer {
  size_t line = 0;  // in the file, for messages
  std::string backend;
  std::string server;
  std::string addr;  // srv_addr: an IP, `-`, or `unix@PATH` / `abns@NAME`
  int port = 0;      // srv_port
  int op_state = 2;  // core::OpState
  unsigned admin_state = 0;
  int uweight = 1;
  int iweight = 1;
  int check_state = 0;  // bits: 2 configured, 4 enabled
};

struct SavedState {
  std::vector<SavedServer> servers;
  std::vector<std::string> errors;  // "origin:line: ..." for each line that was skipped
};

// Parses a state file's text (`origin` names it in messages). A missing or unknown version
// line, or a malformed server line, is an error; the good lines are kept.
SavedState parse_servers_state(std::string_view text, const std::string& origin);

// Applies the saved state of the servers of `backends` (through engine.server_control, after the
// health checks started). Saved lines for other backends are ignored, except that a line whose
// backend no longer exists at all is reported. Returns the warnings, each naming backend/server.
std::vector<std::string> apply_servers_state(const SavedState& saved, core::Engine& engine,
                                             const std::vector<core::Backend*>& backends);

}  // namespace ferry::stats
