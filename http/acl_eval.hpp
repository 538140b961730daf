// Evaluates conditions (conf/acl.hpp) against one request. Pure: reads the context, allocates
// nothing, never fails. A criterion whose sample is missing (no such header, a UNIX client's
// `src`, no request head) is false; `!` makes it true, as in HAProxy.
//
// Usage, from a rule or keyword of another module:
//   http::RequestContext rc{.request = &head, .src = &session.peer(), .dst = &local};
//   if (http::evaluate(rule.cond, rc)) ...   // an empty condition (no if/unless) is true
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "conf/acl.hpp"
#include "core/sockaddr.hpp"
#include "http/h1_head.hpp"

namespace ferry::http {

// Answers `nbsrv(backend)`: the usable servers of a backend by name ("" for the current one), or
// -1 when there is no such backend.
class ServerCounts {
 public:
  virtual int usable_servers(std::string_view backend) const = 0;

 protected:
  ~ServerCounts() = default;
};

struct RequestContext {
  const RequestHead* request = nullptr;   // nullptr before any HTTP request (tcp rules)
  const core::SockAddr* src = nullptr;    // the client: core::Session::peer()
  const core::SockAddr* dst = nullptr;    // the address it connected to
  const ServerCounts* servers = nullptr;  // for nbsrv; nullptr: nbsrv has no sample
  std::string_view unique_id = {};        // the request's unique-id-format id, if any
};

bool evaluate(const conf::Condition& cond, const RequestContext& ctx);

// How many comma-separated values the header `name` has (all headers when empty), and the
// `occurrence`th of them (1 the first, -1 the last), as HAProxy's hdr() counts them.
int64_t header_value_count(const RequestHead& head, std::string_view name);
std::optional<std::string_view> header_value(const RequestHead& head, std::string_view name,
                                             int occurrence);
// One criterion against its values (a named ACL is true when one of its terms is).
bool evaluate(const conf::AclTerm& term, const RequestContext& ctx);

}  // namespace ferry::http
