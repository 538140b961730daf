// The parts of a request target (RFC 9112 §3.2) that rules and balancing read, as HAProxy 2.6
// reads them: views into the target, no copy.
#pragma once

#include <optional>
#include <string_view>

namespace ferry::http {

// The path: from the first '/' of an origin-form target (`/a/b?q` gives `/a/b`) or of what
// follows `scheme://authority` in an absolute-form one; nothing for `*`, an authority-form target
// or an absolute one without a path.
std::optional<std::string_view> target_path(std::string_view target);

// What follows the first '?' (possibly empty); nothing when there is no '?'.
std::optional<std::string_view> target_query(std::string_view target);

// Calls fn(value) for each `name=value` of the query, parameters separated by `delimiter`
// (HAProxy's url_param; the name is compared exactly). Stops early when fn returns true; returns
// whether it did.
template <typename Fn>
bool for_each_url_param(std::string_view target, std::string_view name, char delimiter, Fn&& fn) {
  const auto query = target_query(target);
  if (!query || name.empty()) return false;
  std::string_view rest = *query;
  while (true) {
    const size_t end = rest.find(delimiter);
    const std::string_view param = rest.substr(0, end);
    if (param.size() > name.size() && param.starts_with(name) && param[name.size()] == '=' &&
        fn(param.substr(name.size() + 1)))
      return true;
    if (end == std::string_view::npos) return false;
    rest.remove_prefix(end + 1);
  }
}

}  // namespace ferry::http
