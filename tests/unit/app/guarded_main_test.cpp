#include "app/guarded_main.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

namespace ferry::app::test {
namespace {

TEST_CASE("guarded_main: the body's status passes through, nothing is printed") {
  std::ostringstream err;
  CHECK(guarded_main([] { return 3; }, err) == 3);
  CHECK(err.str().empty());
}

TEST_CASE("guarded_main: an escaping exception is one line on stderr and exit status 70") {
  std::ostringstream err;
  CHECK(guarded_main([]() -> int { throw std::runtime_error("boom"); }, err) == 70);
  CHECK(err.str() ==
        "ferry: internal error: boom; this is a bug in ferry, please report it with the command "
        "line and configuration that caused it\n");
}

TEST_CASE("guarded_main: an exception of any type is caught") {
  std::ostringstream err;
  CHECK(guarded_main([]() -> int { throw 42; }, err) == kInternalErrorStatus);
  CHECK(err.str().starts_with(
      "ferry: internal error: an exception that is not a std::exception; this is a bug"));
}

}  // namespace
}  // namespace ferry::app::test
