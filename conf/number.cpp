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

std::optional<long long> parse_integer(std::string_view text, long long min, long long max) {
  const auto value = parse_integer(text);
  if (!value || *value < min || *value > max) return std::nullopt;
  return value;
}

std::optional<LeadingInteger> parse_leading_integer(std::string_view text) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++i;
  const size_t digits = i;
  long long value = 0;
  bool saturated = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const int d = text[i] - '0';
    saturated = saturated || __builtin_mul_overflow(value, 10, &value) ||
                __builtin_add_overflow(value, negative ? -d : d, &value);
  }
  if (i == digits) return std::nullopt;
  if (saturated) value = negative ? LLONG_MIN : LLONG_MAX;
  return LeadingInteger{value, text.substr(i)};
}

std::string describe_range(long long min, long long max) {
  if (max >= INT_MAX && min == 0) return "a non-negative integer";
  if (max >= INT_MAX && min == 1) return "a positive integer";
  return "an integer between " + std::to_string(min) + " and " + std::to_string(max);
}

std::optional<std::string> parse_int(std::string_view text, std::string_view keyword, long long min,
                                     long long max, int& out) {
  const auto value = parse_integer(text, min, max);
  if (!value)
    return "'" + std::string(keyword) + "' expects " + describe_range(min, max) + " (got '" +
           std::string(text) + "')";
  out = static_cast<int>(*value);
  return std::nullopt;
}

}  // namespace ferry::conf
