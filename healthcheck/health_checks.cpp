#include "healthcheck/health_checks.hpp"

#include <algorithm>
#include <cassert>

#include "core/backend.hpp"
#include "healthcheck/fcgi_check.hpp"
#include "healthcheck/startup_stagger.hpp"

namespace ferry::healthcheck {

namespace {

// tcp-check errors already name their step's line; the others get the proxy's.
std::string placed(const conf::ProxyConf& p, const std::string& error) {
  if (p.probe.kind == conf::HealthProbeConf::Kind::TcpCheck) return error;
  const char* what = p.kind == conf::ProxyKind::Listen ? "proxy '" : "backend '";
  return conf::to_string(p.pos) + ": " + what + p.name + "': " + error;
}

CheckTimeouts timeouts_for(const conf::ProxyConf& p, const conf::ServerConf& s) {
  return {s.inter, p.timeouts.connect, p.timeouts.check};
}

}  // namespace

HealthChecks::HealthChecks(core::Engine& engine) : engine_(engine), controller_(engine) {}

HealthChecks::~HealthChecks() {
  if (engine_.server_control == &controller_) engine_.server_control = nullptr;
  if (engine_.connect_observer == &controller_) engine_.connect_observer = nullptr;
}

std::unique_ptr<HealthChecks> HealthChecks::start(const conf::Config& config, core::Engine& engine,
                                                  std::vector<std::string>& errors) {
  std::unique_ptr<HealthChecks> checks(new HealthChecks(engine));
  bool ok = true;
  for (const auto& p : config.proxies)
    if (p.is_backend()) ok = checks->add_backend(config, p, errors) && ok;
  if (!ok) return nullptr;
  checks->stagger_first_checks();
  engine.server_control = &checks->controller_;
  engine.connect_observer = &checks->controller_;
  return checks;
}

bool HealthChecks::add_backend(const conf::Config& config, const conf::ProxyConf& p,
                               std::vector<std::string>& errors) {
  core::Backend* backend = engine_.find_backend(p.name);
  assert(backend != nullptr && backend->servers.size() == p.servers.size());
  if (backend == nullptr) return true;
  const bool checked =
      std::any_of(p.servers.begin(), p.servers.end(), [](const auto& s) { return s.check; });
  const Probe* probe = checked ? compile(p, errors) : nullptr;
  const Probe* fcgi_probe = probe ? compile_fcgi(config, p, probe) : nullptr;
  const core::Millis now = engine_.loop.now();
  for (size_t i = 0; i < p.servers.size(); ++i) {
    const conf::ServerConf& sc = p.servers[i];
    auto sh = std::make_unique<ServerHealth>(engine_, *backend->servers[i], sc);
    sh->state.start(now);
    if (sc.check && probe != nullptr)
      sh->task = std::make_unique<CheckTask>(engine_, sh->server, sh->state,
                                             sc.proto_fcgi ? *fcgi_probe : *probe,
                                             timeouts_for(p, sc), controller_);
    controller_.add(std::move(sh));
  }
  return !checked || probe != nullptr;
}

const Probe* HealthChecks::compile(const conf::ProxyConf& p, std::vector<std::string>& errors) {
  ProbeBuild build = compile_probe(p.probe);
  if (!build.probe) {
    errors.push_back(placed(p, build.error));
    return nullptr;
  }
  probes_.push_back(std::move(build.probe));
  return probes_.back().get();
}

const Probe* HealthChecks::compile_fcgi(const conf::Config& config, const conf::ProxyConf& p,
                                        const Probe* probe) {
  const conf::FcgiAppConf* app = config.find_fcgi_app(p.use_fcgi_app);
  if (p.probe.kind != conf::HealthProbeConf::Kind::HttpCheck || !app) return probe;
  HttpCheckBuild build = compile_http_check(p.probe);  // it compiled once already
  probes_.push_back(make_fcgi_check_probe(std::move(*build.spec), *app));
  return probes_.back().get();
}

// The k-th checked server of all backends (config order) first runs at max(mininter, own) * k / n.
void HealthChecks::stagger_first_checks() {
  std::vector<CheckTask*> tasks;
  std::vector<core::Millis> intervals;
  for (const auto& sh : controller_.servers()) {
    if (!sh->task) continue;
    tasks.push_back(sh->task.get());
    intervals.push_back(sh->state.next_interval());
  }
  const core::Millis mininter = stagger_min_interval(intervals);
  for (size_t k = 0; k < tasks.size(); ++k)
    tasks[k]->start(first_check_delay(k, tasks.size(), intervals[k], mininter));
}

}  // namespace ferry::healthcheck
