#include "conf/duration.hpp"

#include <doctest/doctest.h>

#include "conf/number.hpp"

namespace ferry::conf {
namespace {

long long ms(const std::string& text) {
  Millis out{-1};
  const auto err = parse_duration(text, "timeout queue", out);
  REQUIRE_MESSAGE(!err, text << ": " << err.value_or(""));
  return out.count();
}

std::string error_of(const std::string& text, const std::string& keyword = "timeout queue") {
  Millis out{-1};
  const auto err = parse_duration(text, keyword, out);
  CHECK(out.count() == -1);  // untouched on error
  return err.value_or("<no error>");
}

TEST_CASE("duration: every unit") {
  CHECK(ms("100") == 100);
  CHECK(ms("0") == 0);
  CHECK(ms("100ms") == 100);
  CHECK(ms("2s") == 2000);
  CHECK(ms("1m") == 60000);
  CHECK(ms("1h") == 3600000);
  CHECK(ms("1d") == 86400000);
  CHECK(ms("24d") == 2073600000);
}

TEST_CASE("duration: microseconds round up to whole milliseconds") {
  CHECK(ms("500us") == 1);
  CHECK(ms("1us") == 1);
  CHECK(ms("1000us") == 1);
  CHECK(ms("1001us") == 2);
  CHECK(ms("0us") == 0);
}

TEST_CASE("duration: bad units name the character and the keyword") {
  const std::string hint =
      "; a time is a number with an optional unit: us, ms, s, m, h or d (e.g. 5s)";
  CHECK(error_of("10x") == "unexpected character 'x' in 'timeout queue'" + hint);
  CHECK(error_of("5sec", "inter") == "unexpected character 'e' in 'inter'" + hint);
  CHECK(error_of("2m30s") == "unexpected character '3' in 'timeout queue'" + hint);
  CHECK(error_of("msx") == "unexpected character 'm' in 'timeout queue'" + hint);
  CHECK(error_of("-1") == "unexpected character '-' in 'timeout queue'" + hint);
  CHECK(error_of(" 5") == "unexpected character ' ' in 'timeout queue'" + hint);
  CHECK(error_of("5mss") == "unexpected character 's' in 'timeout queue'" + hint);
}

TEST_CASE("duration: empty and overflowing values") {
  CHECK(error_of("") ==
        "'timeout queue' expects a time value (a number with an optional unit, e.g. 5s)");
  CHECK(error_of("99999999999") ==
        "timer overflow in argument '99999999999' to 'timeout queue' (maximum value is "
        "2147483647 ms or ~24.8 days)");
  CHECK(error_of("25d") ==
        "timer overflow in argument '25d' to 'timeout queue' (maximum value is 2147483647 ms or "
        "~24.8 days)");
  CHECK(ms("2147483647") == 2147483647);
  CHECK(ms("2147483647000us") == 2147483647);
  CHECK(error_of("99999999999999999999999").starts_with("timer overflow"));
}

TEST_CASE("number: strict decimal integers in a range") {
  CHECK(parse_integer("42") == 42);
  CHECK(parse_integer("-3") == -3);
  CHECK_FALSE(parse_integer(""));
  CHECK_FALSE(parse_integer("+3"));
  CHECK_FALSE(parse_integer("3 "));
  CHECK_FALSE(parse_integer("0x10"));
  CHECK_FALSE(parse_integer("99999999999999999999"));
  int out = -1;
  CHECK_FALSE(parse_int("7", "retries", 0, 10, out));
  CHECK(out == 7);
  CHECK(parse_int("11", "nbthread", 1, 10, out) ==
        "'nbthread' expects an integer between 1 and 10 (got '11')");
  CHECK(parse_int("x", "maxconn", 0, INT_MAX, out) ==
        "'maxconn' expects a non-negative integer (got 'x')");
  CHECK(parse_int("0", "id", 1, INT_MAX, out) == "'id' expects a positive integer (got '0')");
  CHECK(out == 7);
}

}  // namespace
}  // namespace ferry::conf
