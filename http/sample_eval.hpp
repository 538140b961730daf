// Evaluates sample expressions (conf/sample.hpp) against one request: the fetch's value, as
// text, through its converters. Integers are written in decimal, addresses as inet_ntop writes
// them (no port).
//
// Usage: std::string v; if (http::sample_value(expr, request_context, v)) ... // v has the value
#pragma once

#include <string>

#include "conf/sample.hpp"
#include "http/acl_eval.hpp"

namespace ferry::http {

// Appends the sample's value to `out`; false (nothing appended) when the fetch has no sample (no
// such header or parameter, a UNIX client's src, no request).
bool sample_value(const conf::SampleExpr& expr, const RequestContext& ctx, std::string& out);

// `replacement` with \0..\9 replaced by the groups of the match `groups` of `text` (a group that
// did not match is empty), appended to `out`.
void substitute(std::string_view text, const regmatch_t* groups, size_t ngroups,
                std::string_view replacement, std::string& out);

}  // namespace ferry::http
