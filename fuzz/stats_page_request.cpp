// The stats page's reading of a request from any HTTP client (stats/page_request): the options
// after the stats URI, the urlencoded form of an action, the Basic credentials. Whatever comes,
// each returns without a crash and never yields more bytes than it was given.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stats/page_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto options = ferry::stats::parse_page_options(in);
  assert(options.st.size() <= in.size());
  if (const auto form = ferry::stats::parse_form(in)) {
    size_t decoded = 0;
    for (const auto& [name, value] : *form)
      decoded += name.size() + value.size();
    assert(decoded <= in.size());
  }
  if (const auto credentials = ferry::stats::basic_credentials(in))
    assert(credentials->size() <= in.size());
  return 0;
}
