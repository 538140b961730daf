// The state-file parser (server-state-file, and the old process's `_getstate` reply on a -sf -x
// reload): any bytes give servers and messages, never a crash; every message names its line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stats/server_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto saved = ferry::stats::parse_servers_state(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.state");
  for (const auto& e : saved.errors)
    if (!e.starts_with("fuzz.state")) std::abort();
  for (const auto& s : saved.servers)
    if (s.line == 0 || s.backend.empty() || s.server.empty()) std::abort();
  return 0;
}
