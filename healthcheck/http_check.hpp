// `option httpchk` as HAProxy 2.6 does it: the request bytes, and the judge of the answer
// (status line and, for string expects, the body) with HAProxy's statuses and texts.
//
// Request: `<meth> <uri> <ver>\r\n`, then the configured headers with lower-cased names (also the
// deprecated ones hidden after "\r\n" in the version), then `connection: close` unless the version
// is HTTP/1.0 or a Connection header was given, then an empty line. No Host is added.
// Verdicts: no `http-check expect`: 2xx/3xx -> L7OK (code), else L7STS (code, reason phrase);
// status/rstatus -> L7OK or L7STS likewise; string/rstring on the body -> L7OK (code) or L7RSP
// with "HTTP content check did not match" / "HTTP check matched unwanted content" / "HTTP
// content check could not find a response body"; an unparsable or truncated answer -> L7RSP "".
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "conf/model.hpp"
#include "healthcheck/probe.hpp"

namespace ferry::healthcheck {

struct HttpExpect {
  enum class Kind { Default, Status, Rstatus, String, Rstring };
  Kind kind = Kind::Default;
  bool negate = false;
  std::vector<std::pair<int, int>> statuses;  // Status: codes and ranges, inclusive
  std::optional<std::regex> regex;            // Rstatus, Rstring
  std::string text;                           // String
};

struct HttpCheckSpec {
  std::string request;
  bool head_request = false;  // the answer carries no body
  HttpExpect expect;
  bool fcgi = false;  // `request` is FastCGI records, the answer too (fcgi_check.hpp)
};

struct HttpCheckBuild {
  std::optional<HttpCheckSpec> spec;
  std::string error;  // an unknown expect kind, a bad status list or regex
};

HttpCheckBuild compile_http_check(const conf::HealthProbeConf& conf);
std::string build_http_request(const conf::HealthProbeConf& conf);

// The verdict on the answer received so far, or nullopt while more bytes are needed.
// `closed`: the peer sent EOF (a full buffer counts the same).
std::optional<CheckResult> judge_http_response(const HttpCheckSpec& spec, std::string_view data,
                                               bool closed);

std::unique_ptr<Probe> make_http_check_probe(HttpCheckSpec spec);

}  // namespace ferry::healthcheck
