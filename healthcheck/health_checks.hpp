// Health checking for a whole runtime, as main() starts it: a HealthState for every server of
// every backend (checked or not, so admin commands work on all), a check task for each server
// with `check` using its backend's compiled probe (for `proto fcgi` servers, `option httpchk`
// through FastCGI), first checks staggered across all of them
// (reference 3.4), and the engine's `server_control` and `connect_observer` pointing at the one
// ServerController. Destroying it detaches it from the engine and stops every check; destroy it
// before the engine, with the loop not running.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/engine.hpp"
#include "healthcheck/probe.hpp"
#include "healthcheck/server_controller.hpp"

namespace ferry::healthcheck {

class HealthChecks {
 public:
  // Needs the runtime built from `config` (build_runtime). Returns null, with one message per
  // problem in `errors` (placed "file:line: ..."), when a backend's probe cannot be compiled.
  static std::unique_ptr<HealthChecks> start(const conf::Config& config, core::Engine& engine,
                                             std::vector<std::string>& errors);
  ~HealthChecks();
  HealthChecks(const HealthChecks&) = delete;
  HealthChecks& operator=(const HealthChecks&) = delete;

  ServerController& controller() { return controller_; }

 private:
  explicit HealthChecks(core::Engine& engine);
  bool add_backend(const conf::Config& config, const conf::ProxyConf& proxy,
                   std::vector<std::string>& errors);
  const Probe* compile(const conf::ProxyConf& proxy, std::vector<std::string>& errors);
  // The probe of the backend's `proto fcgi` servers: `option httpchk` through FastCGI, else
  // `probe` (the others' probe).
  const Probe* compile_fcgi(const conf::Config& config, const conf::ProxyConf& proxy,
                            const Probe* probe);
  void stagger_first_checks();

  core::Engine& engine_;
  std::vector<std::unique_ptr<Probe>> probes_;  // outlive the tasks that run them
  ServerController controller_;
};

}  // namespace ferry::healthcheck
