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

TEST_CASE("number: the boundaries of a long long and of a range") {
  CHECK(parse_integer("9223372036854775807") == LLONG_MAX);
  CHECK(parse_integer("-9223372036854775808") == LLONG_MIN);
  CHECK_FALSE(parse_integer("9223372036854775808"));
  CHECK_FALSE(parse_integer("-9223372036854775809"));
  CHECK_FALSE(parse_integer("18446744073709553000"));
  CHECK(parse_integer("256", 0, 256) == 256);
  CHECK(parse_integer("0", 0, 256) == 0);
  CHECK_FALSE(parse_integer("257", 0, 256));
  CHECK_FALSE(parse_integer("-1", 0, 256));
  CHECK_FALSE(parse_integer("4294967552", 0, 256));  // 2^32 + 256: no wrapping into the range
  CHECK_FALSE(parse_integer("1x", 0, 256));
}

TEST_CASE("number: a leading integer as strtol reads it, saturated instead of undefined") {
  auto lead = [](std::string_view t) { return parse_leading_integer(t); };
  CHECK(lead("42")->value == 42);
  CHECK(lead("42")->rest.empty());
  CHECK(lead("+7%")->value == 7);
  CHECK(lead("+7%")->rest == "%");
  CHECK(lead("-3x")->value == -3);
  CHECK(lead("-3x")->rest == "x");
  CHECK(lead("9223372036854775807")->value == LLONG_MAX);
  CHECK(lead("9223372036854775808")->value == LLONG_MAX);
  CHECK(lead("99999999999999999999999%")->value == LLONG_MAX);
  CHECK(lead("99999999999999999999999%")->rest == "%");
  CHECK(lead("-9223372036854775808")->value == LLONG_MIN);
  CHECK(lead("-99999999999999999999999")->value == LLONG_MIN);
  CHECK_FALSE(lead(""));
  CHECK_FALSE(lead("-"));
  CHECK_FALSE(lead("+"));
  CHECK_FALSE(lead("x1"));
  CHECK_FALSE(lead(" 1"));
}

ParsedTime seconds(std::string_view text) {
  return parse_time(text, TimeUnit::S, TimeUnit::S, 2147483647);
}

TEST_CASE("time: counted in the caller's unit, rounded up, bounded without overflow") {
  using E = ParsedTime::Error;
  CHECK(seconds("5").count == 5);
  CHECK(seconds("999us").count == 1);
  CHECK(seconds("500ms").count == 1);
  CHECK(seconds("1001ms").count == 2);
  CHECK(seconds("1d").count == 86400);
  CHECK(seconds("0").count == 0);
  CHECK(seconds("2147483647").count == 2147483647);
  CHECK(seconds("2147483647000ms").count == 2147483647);
  // Issue 10 finding 5: these overflowed a signed multiplication in the runtime API's parser.
  CHECK(seconds("18446744073709553").error == E::Overflow);
  CHECK(seconds("2147483648").error == E::Overflow);
  CHECK(seconds("9223372036854775807").error == E::Overflow);  // fits, but not in microseconds
  CHECK(seconds("9223372036854775808").error == E::Overflow);  // the digits alone overflow
  CHECK(seconds("99999999999999999999999d").error == E::Overflow);
  CHECK(seconds("106751992d").error == E::Overflow);  // just past LLONG_MAX microseconds
  CHECK(seconds("").error == E::Empty);
  CHECK(seconds("-1").error == E::BadCharacter);
  CHECK(seconds("-1").bad == '-');
  CHECK(seconds("5x").bad == 'x');
  CHECK(seconds("1.5").bad == '.');
  const auto ms = parse_time("1500us", TimeUnit::Ms, TimeUnit::Ms, LLONG_MAX);
  CHECK(ms.count == 2);
  CHECK(parse_time("1500", TimeUnit::Us, TimeUnit::Ms, LLONG_MAX).count == 2);
  CHECK(parse_time("106751991167d", TimeUnit::Ms, TimeUnit::Ms, LLONG_MAX).error == E::Overflow);
  CHECK(parse_time("106751991d", TimeUnit::Ms, TimeUnit::Ms, LLONG_MAX).count ==
        106751991LL * 86400000);
}

}  // namespace
}  // namespace ferry::conf
