// Every shipped example must stay valid, and the YAML quick start must be the same setup as the
// HAProxy-format one.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <nlohmann/json.hpp>

#include "tests/support/ferry_process.hpp"

using namespace ferry::test;

namespace {

const std::string kExamples = std::string(FERRY_SOURCE_DIR) + "/examples/";

// The dumped model without source positions (they differ between the two formats by nature).
nlohmann::json without_positions(nlohmann::json j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : j.items())
      if (k != "pos" && k.find("_pos") == std::string::npos) out[k] = without_positions(v);
    return out;
  }
  if (j.is_array())
    for (auto& v : j)
      v = without_positions(v);
  return j;
}

}  // namespace

TEST_CASE("every example config passes ferry -c") {
  ::setenv("FERRY_DEMO_DIR", "/tmp/ferry-demo", 1);
  for (const char* name : {"quickstart.cfg", "quickstart.yaml", "tcp-to-unix-bridge.cfg",
                           "unix-frontend-leastconn.cfg"}) {
    CAPTURE(name);
    const RunResult r = run_ferry({"-c", "-f", kExamples + name});
    CHECK(r.status == ExitStatus{true, 0, 0});
    CHECK(r.err.find("error") == std::string::npos);
  }
}

TEST_CASE("service.cfg of Running as a service passes ferry -c once its user exists") {
  // The walk-through creates the user ferry; this machine has nobody/nogroup instead.
  std::string config = read_file(kExamples + "service.cfg");
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"user ferry\n", "user nobody\n"},
        {"group ferry\n", "group nogroup\n"}}) {
    const size_t at = config.find(from);
    REQUIRE(at != std::string::npos);
    config.replace(at, from.size(), to);
  }
  const TempDir dir;
  const RunResult r = run_ferry({"-c", "-f", dir.write_file("service.cfg", config)});
  CHECK_MESSAGE((r.status == ExitStatus{true, 0, 0}), r.err);
  CHECK(r.err.find("error") == std::string::npos);
  CHECK(r.err.find("warning") == std::string::npos);
}

TEST_CASE("quickstart.yaml is the same model as quickstart.cfg") {
  ::setenv("FERRY_DEMO_DIR", "/tmp/ferry-demo", 1);
  const RunResult cfg = run_ferry({"--dump-config", "-f", kExamples + "quickstart.cfg"});
  const RunResult yaml = run_ferry({"--dump-config", "-f", kExamples + "quickstart.yaml"});
  REQUIRE(cfg.status.code == 0);
  REQUIRE(yaml.status.code == 0);
  const auto a = without_positions(nlohmann::json::parse(cfg.out));
  const auto b = without_positions(nlohmann::json::parse(yaml.out));
  CHECK(a.dump(1) == b.dump(1));
  CHECK(a.dump().find("/tmp/ferry-demo/app1.sock") != std::string::npos);
}
