// The YAML front end through validation and the JSON dump: yaml-cpp's exceptions must stay
// inside the loader, and any document gives diagnostics, never a crash. (yaml-cpp itself is the
// Debian build, not instrumented: coverage guides the fuzzer through ferry's walker only.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "conf/dump_json.hpp"
#include "conf/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ferry;
  const conf::LoadResult r =
      conf::load_string("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  for (const auto& d : r.diagnostics)
    (void)d.to_string();
  (void)conf::to_json(r.config).dump(2);
  return 0;
}
