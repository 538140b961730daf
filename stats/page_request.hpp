// What a request to the stats page says, read without trusting it: the options after the URI
// (`;csv`, `;json`, `;up`, `;norefresh`, `;st=DONE`), an `application/x-www-form-urlencoded`
// form, the credentials of `Authorization: Basic`. Pure functions, unit-tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::stats {

struct PageRequestOptions {
  bool csv = false;
  bool json = false;
  bool up = false;         // `;up`: DOWN and MAINT servers hidden
  bool norefresh = false;  // `;norefresh`
  std::string st;          // `;st=CODE`: the outcome of the last action
};

// `rest`: what follows the stats URI in the request target.
PageRequestOptions parse_page_options(std::string_view rest);

// `a=1&s=x&s=y` with `+` and `%XX` decoded; nullopt for a bad escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);

// "user:password" from the value of an Authorization header ("Basic dXNlcjpwYXNz"); nullopt
// when it is not Basic or not valid base64.
std::optional<std::string> basic_credentials(std::string_view authorization);

}  // namespace ferry::stats
