#include "http/request_target.hpp"

namespace ferry::http {

std::optional<std::string_view> target_path(std::string_view target) {
  std::string_view rest = target;
  if (!rest.starts_with('/')) {
    const size_t scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(scheme_end + 3);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(slash);
  }
  return rest.substr(0, rest.find('?'));
}

std::optional<std::string_view> target_query(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  return target.substr(q + 1);
}

}  // namespace ferry::http
