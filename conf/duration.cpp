#include "conf/duration.hpp"

#include <array>
#include <cctype>

namespace ferry::conf {

namespace {

struct Unit {
  std::string_view suffix;
  long long us;  // microseconds per unit
};

// Longest suffixes first so `ms` is not read as `m` followed by garbage.
constexpr std::array<Unit, 6> kUnits{{
    {"us", 1},
    {"ms", 1000},
    {"s", 1'000'000},
    {"m", 60'000'000},
    {"h", 3'600'000'000},
    {"d", 86'400'000'000},
}};

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

ParsedTime failed(ParsedTime::Error error, char bad = 0) {
  return ParsedTime{error, bad, 0};
}

std::string unexpected(char c, std::string_view keyword) {
  return "unexpected character '" + std::string(1, c) + "' in '" + std::string(keyword) +
         "'; a time is a number with an optional unit: us, ms, s, m, h or d (e.g. 5s)";
}

std::string overflow(std::string_view text, std::string_view keyword) {
  return "timer overflow in argument '" + std::string(text) + "' to '" + std::string(keyword) +
         "' (maximum value is 2147483647 ms or ~24.8 days)";
}

}  // namespace

ParsedTime parse_time(std::string_view text, TimeUnit bare, TimeUnit unit, long long max) {
  using Error = ParsedTime::Error;
  if (text.empty()) return failed(Error::Empty);
  size_t i = 0;
  long long value = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, text[i] - '0', &value))
      return failed(Error::Overflow);
  if (i == 0) return failed(Error::BadCharacter, text[0]);
  long long per_unit = static_cast<long long>(bare);
  if (i < text.size()) {
    char bad = 0;
    const Unit* u = find_unit(text.substr(i), bad);
    if (!u) return failed(Error::BadCharacter, bad);
    per_unit = u->us;
  }
  long long us = 0;
  if (__builtin_mul_overflow(value, per_unit, &us)) return failed(Error::Overflow);
  const long long out_us = static_cast<long long>(unit);
  const long long count = us / out_us + (us % out_us != 0);
  if (count > max) return failed(Error::Overflow);
  return ParsedTime{Error::None, 0, count};
}

std::optional<std::string> parse_duration(std::string_view text, std::string_view keyword,
                                          Millis& out) {
  const ParsedTime t = parse_time(text, TimeUnit::Ms, TimeUnit::Ms, kMaxDurationMs);
  switch (t.error) {
    case ParsedTime::Error::None:
      out = Millis(t.count);
      return std::nullopt;
    case ParsedTime::Error::Empty:
      return "'" + std::string(keyword) +
             "' expects a time value (a number with an optional unit, e.g. 5s)";
    case ParsedTime::Error::BadCharacter:
      return unexpected(t.bad, keyword);
    case ParsedTime::Error::Overflow:
      break;
  }
  return overflow(text, keyword);
}

}  // namespace ferry::conf
