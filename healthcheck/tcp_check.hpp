// `option tcp-check`: a backend's send/expect rules, compiled once, and the probe that runs them
// with HAProxy 2.6's semantics and texts. `option redis-check` is the same machine with two fixed
// rules and its own wording (see redis_check.hpp).
//
// Semantics: steps are numbered from 1 in config order (an explicit `tcp-check connect` counts; the
// implicit first connection does not). Each send starts a fresh receive buffer; consecutive expects
// judge the same buffer. A positive expect passes as soon as its pattern is there and fails only
// once the answer is conclusive (peer closed or buffer full); a negated one fails as soon as the
// pattern is there and passes only once the answer is conclusive.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "healthcheck/probe.hpp"

namespace ferry::healthcheck {

struct TcpCheckRule {
  using Kind = conf::TcpCheckStep::Kind;
  Kind kind = Kind::Connect;
  std::string bytes;  // Send*: the bytes to send; ExpectString/Binary: the pattern; Rstring: source
  std::optional<std::regex> regex;  // ExpectRstring
  bool negate = false;
  int step = 0;  // 1-based, as the texts number it
};

// How a protocol built on tcp-check rules words its verdicts.
struct TcpCheckDialect {
  bool step_context = true;  // errors and timeouts end with " at step N of tcp-check (...)"
  core::CheckStatus error_status = core::CheckStatus::L7Rsp;  // a failed expect
  std::string ok_text = "(tcp-check)";                        // last_chk of a passed check
  bool error_is_first_line = false;  // a failed expect reports the answer's first line instead
};

struct TcpCheckRules {
  std::vector<TcpCheckRule> rules;
  TcpCheckDialect dialect;
};

struct TcpCheckRulesBuild {
  std::optional<TcpCheckRules> rules;
  std::string error;  // "file:line: ..." when a regex or hex string is invalid
};

// Decodes hex, compiles regexes. An empty rule set is valid (it behaves as a connect check).
TcpCheckRulesBuild compile_tcp_check(std::span<const conf::TcpCheckStep> steps);

// The probe running `rules`; with no rules, the plain connect probe (HAProxy ignores an empty
// `option tcp-check`).
std::unique_ptr<Probe> make_tcp_check_probe(TcpCheckRules rules);

// "50494e47" -> "PING"; nullopt on odd length or a non-hex digit.
std::optional<std::string> decode_hex(std::string_view hex);

}  // namespace ferry::healthcheck
