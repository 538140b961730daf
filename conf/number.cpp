#include "conf/number.hpp"

#include <charconv>

namespace ferry::conf {

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text[0] == '+') return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string describe_range(long long min, long long max) {
  if (max >= INT_MAX && min == 0) return "a non-negative integer";
  if (max >= INT_MAX && min == 1) return "a positive integer";
  return "an integer between " + std::to_string(min) + " and " + std::to_string(max);
}

std::optional<std::string> parse_int(std::string_view text, std::string_view keyword, long long min,
                                     long long max, int& out) {
  const auto value = parse_integer(text);
  if (!value || *value < min || *value > max)
    return "'" + std::string(keyword) + "' expects " + describe_range(min, max) + " (got '" +
           std::string(text) + "')";
  out = static_cast<int>(*value);
  return std::nullopt;
}

}  // namespace ferry::conf
