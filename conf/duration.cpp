#include "conf/duration.hpp"

#include <array>
#include <cctype>

namespace ferry::conf {

namespace {

struct Unit {
  std::string_view suffix;
  long long numerator;  // milliseconds per unit = numerator / denominator
  long long denominator;
};

// Longest suffixes first so `ms` is not read as `m` followed by garbage.
constexpr std::array<Unit, 6> kUnits{{
    {"us", 1, 1000},
    {"ms", 1, 1},
    {"s", 1000, 1},
    {"m", 60'000, 1},
    {"h", 3'600'000, 1},
    {"d", 86'400'000, 1},
}};

std::string unexpected(char c, std::string_view keyword) {
  return "unexpected character '" + std::string(1, c) + "' in '" + std::string(keyword) +
         "'; a time is a number with an optional unit: us, ms, s, m, h or d (e.g. 5s)";
}

std::string overflow(std::string_view text, std::string_view keyword) {
  return "timer overflow in argument '" + std::string(text) + "' to '" + std::string(keyword) +
         "' (maximum value is 2147483647 ms or ~24.8 days)";
}

// The unit `rest` names, or the offending character.
const Unit* find_unit(std::string_view rest, char& bad) {
  const Unit* longest = nullptr;
  for (const auto& u : kUnits)
    if (rest.starts_with(u.suffix) && (!longest || u.suffix.size() > longest->suffix.size()))
      longest = &u;
  if (longest && rest.size() == longest->suffix.size()) return longest;
  bad = rest[longest ? longest->suffix.size() : 0];
  return nullptr;
}

}  // namespace

std::optional<std::string> parse_duration(std::string_view text, std::string_view keyword,
                                          Millis& out) {
  if (text.empty())
    return "'" + std::string(keyword) + "' expects a time value (a number with an optional unit, " +
           "e.g. 5s)";
  size_t i = 0;
  long long value = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    value = value * 10 + (text[i] - '0');
    if (value > kMaxDurationMs * 1000) return overflow(text, keyword);
  }
  if (i == 0) return unexpected(text[0], keyword);
  const Unit* unit = &kUnits[1];
  if (i < text.size()) {
    char bad = 0;
    unit = find_unit(text.substr(i), bad);
    if (!unit) return unexpected(bad, keyword);
  }
  if (unit->denominator == 1 && value > kMaxDurationMs / unit->numerator)
    return overflow(text, keyword);
  const long long ms = (value * unit->numerator + unit->denominator - 1) / unit->denominator;
  if (ms > kMaxDurationMs) return overflow(text, keyword);
  out = Millis(ms);
  return std::nullopt;
}

}  // namespace ferry::conf
