// The HAProxy-format tokenizer alone: any bytes give statements and diagnostics, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "conf/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<ferry::conf::Diagnostic> diags;
  const auto statements =
      ferry::conf::tokenize({reinterpret_cast<const char*>(data), size}, "fuzz.cfg", diags);
  for (const auto& d : diags)
    (void)d.to_string();
  (void)statements;
  return 0;
}
