// Time values as HAProxy writes them: an integer with an optional unit (us, ms, s, m, h, d;
// milliseconds when none), e.g. `100`, `500ms`, `2s`, `1m`, `1h`, `1d`, `500us`. The one checked
// time parser of ferry: the config, the runtime API (`set timeout cli`, `wait`), the command line
// and ferryctl all read times through parse_time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "conf/model.hpp"

namespace ferry::conf {

// The largest time HAProxy accepts: 2147483647 ms (~24.8 days).
inline constexpr long long kMaxDurationMs = 2147483647;

// A unit of time, as its length in microseconds.
enum class TimeUnit : long long {
  Us = 1,
  Ms = 1000,
  S = 1'000'000,
};

struct ParsedTime {
  enum class Error { None, Empty, BadCharacter, Overflow };
  Error error = Error::None;
  char bad = 0;         // the first unexpected character, for BadCharacter
  long long count = 0;  // the time in the requested unit, for None
};

// Reads `text` (digits, then an optional unit among us, ms, s, m, h and d; `bare` when none) as a
// count of `unit`, rounded up as HAProxy does (`1us` is 1 ms, `500ms` is 1 s). Overflow when the
// digits or the time do not fit a long long, or the count exceeds `max`; never undefined
// behaviour, whatever the text.
ParsedTime parse_time(std::string_view text, TimeUnit bare, TimeUnit unit, long long max);

// Parses a config time into `out` (milliseconds, at most kMaxDurationMs). On failure returns a
// message naming `keyword` (e.g. "timeout queue"), such as "unexpected character 'x' in 'timeout
// queue'; ...", and leaves `out` alone.
std::optional<std::string> parse_duration(std::string_view text, std::string_view keyword,
                                          Millis& out);

}  // namespace ferry::conf
