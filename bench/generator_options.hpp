// The load generator's command line: `ferry-bench --mode MODE --target ENDPOINT [options]`.
// Every run is bounded by a count or a duration, and by --timeout on top.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "bench/endpoint.hpp"

namespace ferry::bench {

enum class Mode {
  Bulk,             // each connection streams --bytes to a sink, which acknowledges the count
  RequestResponse,  // --conns connections ping-pong --msg-size messages with an echo server
  ConnectRate,      // a new connection for each --msg-size exchange, --conns at a time
  Idle,             // --conns connections, each pinged once, then held open for --hold
};

struct GeneratorOptions {
  Mode mode = Mode::RequestResponse;
  Endpoint target;
  unsigned conns = 1;
  uint64_t bytes = uint64_t{1} << 30;  // bulk: bytes per connection
  uint32_t chunk = 256 * 1024;         // bulk: bytes per send()
  uint32_t msg_size = 64;              // rr, connrate, idle: message size
  double duration_s = 5;               // rr, connrate: the measured window
  double warmup_s = 0.5;               // rr, connrate: run before the window opens
  uint64_t requests = 0;               // rr, connrate: exactly this many, no duration (0: off)
  double hold_s = 1;                   // idle: how long all connections are held
  unsigned concurrency = 256;          // idle: connects in flight at once
  pid_t proxy_pid = 0;                 // whose CPU time (and RSS, in idle) is reported
  pid_t backend_pid = 0;               // whose CPU time is reported
  double timeout_s = 0;                // hard limit on the whole run (0: derived from the above)
  std::string label;                   // copied into the result line

  // The --timeout in effect: the given one, or a generous bound derived from the run's size.
  double effective_timeout() const;
};

const char* mode_name(Mode m);

struct ParsedOptions {
  std::optional<GeneratorOptions> options;  // nullopt: print `message` and exit
  std::string message;                      // an error, or the usage text for --help
  bool help = false;
};
ParsedOptions parse_generator_options(int argc, char** argv);

}  // namespace ferry::bench
