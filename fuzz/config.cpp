// The HAProxy-format pipeline as `ferry -c` and `--dump-config` run it: parse, validate, print
// the diagnostics and, for a config without error (as main does), dump the model as JSON. Such a
// config must also compile every backend's health-check probe, as the daemon does at start:
// `-c` must not call valid what cannot start.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "conf/dump_json.hpp"
#include "conf/model.hpp"
#include "healthcheck/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ferry;
  const conf::LoadResult r =
      conf::load_string("fuzz.cfg", std::string(reinterpret_cast<const char*>(data), size));
  for (const auto& d : r.diagnostics)
    (void)d.to_string();
  if (!r.ok()) return 0;
  (void)conf::to_json(r.config).dump(2);
  for (const auto& p : r.config.proxies) {
    if (!p.is_backend()) continue;
    const healthcheck::ProbeBuild build = healthcheck::compile_probe(p.probe);
    if (!build.probe) {
      std::fprintf(stderr, "valid config, but the probe does not compile: %s\n",
                   build.error.c_str());
      std::abort();
    }
  }
  return 0;
}
