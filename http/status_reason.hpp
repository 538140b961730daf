// The standard reason phrase of an HTTP status code, for the answers ferry writes itself.
#pragma once

#include <string_view>

namespace ferry::http {

// The phrase HAProxy 2.6 writes for `status` (a CGI `Status: NNN` without one, ferry's own
// pages); empty for a code it has none for.
std::string_view standard_reason(int status);

}  // namespace ferry::http
