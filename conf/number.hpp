// Integers in the config: strict decimal text (no sign other than a leading '-', no spaces, no
// trailing garbage), checked against a range with a message that names the keyword.
#pragma once

#include <climits>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::conf {

// The value of `text`, or nullopt when it is not a decimal integer that fits a long long.
std::optional<long long> parse_integer(std::string_view text);

// Parses `text` into `out` if it lies in [min, max]; otherwise returns a message such as
// "'retries' expects a non-negative integer (got 'x')" or
// "'nbthread' expects an integer between 1 and 64 (got '0')".
std::optional<std::string> parse_int(std::string_view text, std::string_view keyword, long long min,
                                     long long max, int& out);

// Describes a range for messages: "a positive integer", "an integer between 1 and 64", ...
std::string describe_range(long long min, long long max);

}  // namespace ferry::conf
