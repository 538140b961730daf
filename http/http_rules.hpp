// Applies `http-request` and `http-response` rules (conf/http_rule.hpp) to a parsed head, in
// order, as HAProxy 2.6 does: a rule whose condition holds acts; `allow` ends the list; `deny`,
// `return` and `redirect` end it with an answer the caller sends instead of forwarding the
// request. Later rules and conditions see what earlier ones changed.
//
// Rewritten names and values are kept in a RewriteStore the head's views then point into; the
// caller clears it with the head (next message). A head no rule touches costs nothing.
#pragma once

#include <forward_list>
#include <span>
#include <string>
#include <string_view>

#include "conf/http_rule.hpp"
#include "http/error_reply.hpp"
#include "http/h1_head.hpp"
#include "http/log_format.hpp"

namespace ferry::http {

// Owns the bytes of rewritten parts of a head; views stay valid until clear().
class RewriteStore {
 public:
  std::string_view keep(std::string s) { return strings_.emplace_front(std::move(s)); }
  void clear() { strings_.clear(); }

 private:
  // A list: adding one never moves the others, and an empty one has allocated nothing.
  std::forward_list<std::string> strings_;
};

// Runs `rules` on `head` (which `in.request.request` points to). Returns the deny, return or
// redirect rule that answers the request, or nullptr when it goes on (no such rule, or `allow`).
const conf::HttpRule* run_request_rules(std::span<const conf::HttpRule> rules, RequestHead& head,
                                        const LogFormatInputs& in, RewriteStore& store);

// Runs `rules` on a response (`in.request.request` is nullptr: the request's head is gone).
void run_response_rules(std::span<const conf::HttpRule> rules, ResponseHead& head,
                        const LogFormatInputs& in, RewriteStore& store);

// The answer of a `return` or `redirect` rule to `request`, as HAProxy 2.6 writes it.
Reply rule_reply(const conf::HttpRule& rule, const RequestHead& request, const LogFormatInputs& in);

}  // namespace ferry::http
