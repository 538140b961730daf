// Time values as HAProxy writes them: an integer with an optional unit (us, ms, s, m, h, d;
// milliseconds when none), e.g. `100`, `500ms`, `2s`, `1m`, `1h`, `1d`, `500us`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "conf/model.hpp"

namespace ferry::conf {

// The largest time HAProxy accepts: 2147483647 ms (~24.8 days).
inline constexpr long long kMaxDurationMs = 2147483647;

// Parses `text` into `out`. Microseconds are rounded up to whole milliseconds (`1us` is 1ms,
// `0us` is 0). On failure returns a message naming `keyword` (e.g. "timeout queue"), such as
// "unexpected character 'x' in 'timeout queue'; ...", and leaves `out` alone.
std::optional<std::string> parse_duration(std::string_view text, std::string_view keyword,
                                          Millis& out);

}  // namespace ferry::conf
