// Health-check probes as pure scripts: a Probe is compiled once per backend from its config
// (regexes compiled, hex decoded, the HTTP request built), and each check runs a fresh ProbeRun
// from it. A run never touches a socket or a timer: the I/O layer performs the action each call
// returns and reports back, so everything HAProxy-specific (what to send, when an answer is
// conclusive, which status and text result) lives here and is unit-tested.
//
// The I/O contract:
//   action = run.start()                               -> always Connect
//   Connect: connect (closing any previous connection, clearing the receive buffer), then
//            action = run.done(); on failure result = run.connect_failed(errno, phase)
//   Send:    write all of action.bytes, then clear the receive buffer and action = run.done();
//            on a socket error result = run.io_failed(errno)
//   Receive: read into the buffer (at most kCheckBufferSize bytes since the last Send), then
//            action = run.received(buffer, peer_closed); on a socket error run.io_failed(errno)
//   Finish:  close; action.result is the verdict (the caller fills in duration_ms)
//   The check's deadline passing at any point: result = run.timed_out().
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "conf/model.hpp"
#include "healthcheck/check_result.hpp"
#include "healthcheck/connect_errors.hpp"

namespace ferry::healthcheck {

// HAProxy's tune.bufsize: a check never reads more; a full buffer is judged as it is.
constexpr size_t kCheckBufferSize = 16384;

struct ProbeAction {
  enum class Kind { Connect, Send, Receive, Finish };
  Kind kind = Kind::Finish;
  std::string bytes;   // Send: what to write
  CheckResult result;  // Finish: the verdict
};

// One check against one server. Not reusable: start a new run for every check.
class ProbeRun {
 public:
  virtual ~ProbeRun() = default;
  virtual ProbeAction start() = 0;
  // The last Connect or Send completed.
  virtual ProbeAction done() = 0;
  // `data`: every byte received since the last Send (or Connect); `closed`: the peer sent EOF.
  virtual ProbeAction received(std::string_view data, bool closed) = 0;
  virtual CheckResult connect_failed(int err, ConnectPhase phase) = 0;
  virtual CheckResult io_failed(int err) = 0;
  virtual CheckResult timed_out() = 0;
};

// A backend's compiled probe; shared by all its servers' checks, immutable once built.
class Probe {
 public:
  virtual ~Probe() = default;
  virtual std::unique_ptr<ProbeRun> start_run() const = 0;
};

struct ProbeBuild {
  std::unique_ptr<Probe> probe;  // null when `error` is set
  std::string error;             // e.g. an invalid regex or hex string, with the step's place
};

// Compiles a backend's `option tcp-check` / `httpchk` / `redis-check` (or plain connect) probe.
ProbeBuild compile_probe(const conf::HealthProbeConf& conf);

// The plain connect check: Connect, then L4OK with an empty text.
std::unique_ptr<Probe> make_connect_probe();

}  // namespace ferry::healthcheck
