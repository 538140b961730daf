#include <doctest/doctest.h>

#include "stats/page_request.hpp"

namespace ferry::stats {

TEST_CASE("page request: options after the stats URI") {
  const auto o = parse_page_options(";up;norefresh;st=DONE");
  CHECK(o.up);
  CHECK(o.norefresh);
  CHECK(o.st == "DONE");
  CHECK(!o.csv);
  CHECK(parse_page_options(";csv").csv);
  CHECK(parse_page_options(";json").json);
  CHECK(!parse_page_options("csv").csv);  // an option follows a ';'
}

TEST_CASE("page request: forms decode plus and percent escapes") {
  const auto f = parse_form("b=my+app&s=s%2F1&s=two&action=maint&empty=&flag");
  REQUIRE(f);
  using P = std::pair<std::string, std::string>;
  CHECK(*f == std::vector<P>{{"b", "my app"},
                             {"s", "s/1"},
                             {"s", "two"},
                             {"action", "maint"},
                             {"empty", ""},
                             {"flag", ""}});
  CHECK(!parse_form("a=%2"));
  CHECK(!parse_form("a=%zz"));
}

TEST_CASE("page request: basic credentials") {
  CHECK(basic_credentials("Basic YWRtaW46czNjcmV0") == std::optional<std::string>("admin:s3cret"));
  CHECK(basic_credentials("Basic YWRtaW46cHc=") == std::optional<std::string>("admin:pw"));
  CHECK(!basic_credentials("Bearer abc"));
  CHECK(!basic_credentials("Basic !!!"));
}

}  // namespace ferry::stats
