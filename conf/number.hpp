// Integers from untrusted text (the config, the runtime API, the command line, the environment):
// strict decimal text (no sign other than a leading '-', no spaces, no trailing garbage) that
// fits a long long, checked against a range. The one checked integer parser of ferry.
#pragma once

#include <climits>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::conf {

// The value of `text`, or nullopt when it is not a decimal integer that fits a long long.
std::optional<long long> parse_integer(std::string_view text);

// The value of `text` when it is a decimal integer within [min, max], else nullopt.
std::optional<long long> parse_integer(std::string_view text, long long min, long long max);

// An integer at the start of a word, read as C's strtol reads one (HAProxy's runtime API does):
// an optional sign, then digits; a value beyond a long long saturates to its bound instead of
// being undefined. `rest` is the text after the digits.
struct LeadingInteger {
  long long value = 0;
  std::string_view rest;
};
// Nothing when `text` does not begin with [+-]digit.
std::optional<LeadingInteger> parse_leading_integer(std::string_view text);

// Parses `text` into `out` if it lies in [min, max]; otherwise returns a message such as
// "'retries' expects a non-negative integer (got 'x')" or
// "'nbthread' expects an integer between 1 and 64 (got '0')".
std::optional<std::string> parse_int(std::string_view text, std::string_view keyword, long long min,
                                     long long max, int& out);

// Describes a range for messages: "a positive integer", "an integer between 1 and 64", ...
std::string describe_range(long long min, long long max);

}  // namespace ferry::conf
