// Keywords of a `mode http` backend about its server connections: how idle ones are shared
// (http-reuse), when a request is sent again (retry-on), whether a client stays on its last
// server (option prefer-last-server). The server options of the idle connections
// (pool-max-conn, ...) are in server_options.cpp.
#include <algorithm>

#include "conf/keyword_table.hpp"
#include "conf/number.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kBackendSide = kDefaults | kListen | kBackend;

// http-reuse never|safe|aggressive|always
void http_reuse(ParseContext& ctx, const Call& call) {
  static constexpr std::pair<std::string_view, HttpReuse> kModes[] = {
      {"never", HttpReuse::Never},
      {"safe", HttpReuse::Safe},
      {"aggressive", HttpReuse::Aggressive},
      {"always", HttpReuse::Always}};
  for (const auto& [name, mode] : kModes) {
    if (call.args[0] == name) {
      ctx.proxy().http_reuse = mode;
      return;
    }
  }
  fail(ctx, call,
       "unknown mode '" + call.args[0] + "'; use 'http-reuse never|safe|aggressive|always'");
}

constexpr std::pair<std::string_view, unsigned> kRetryKinds[] = {
    {"conn-failure", RetryOn::kConnFailure},   {"empty-response", RetryOn::kEmptyResponse},
    {"junk-response", RetryOn::kJunkResponse}, {"response-timeout", RetryOn::kResponseTimeout},
    {"0rtt-rejected", RetryOn::k0rttRejected},
};
// HAProxy 2.6's list of the response codes a request may be retried after.
constexpr int kRetryStatuses[] = {401, 403, 404, 408, 425, 500, 501, 502, 503, 504};

// Adds `word` to `out`; false when it is no retry-on keyword.
bool add_retry_word(const std::string& word, RetryOn& out) {
  if (word == "all-retryable-errors") {
    out.kinds |= RetryOn::kConnFailure | RetryOn::kEmptyResponse | RetryOn::kJunkResponse |
                 RetryOn::kResponseTimeout | RetryOn::k0rttRejected;
    for (int s : {500, 502, 503, 504})
      if (!out.has_status(s)) out.statuses.push_back(s);
    return true;
  }
  for (const auto& [name, kind] : kRetryKinds) {
    if (word == name) {
      out.kinds |= kind;
      return true;
    }
  }
  const auto code = parse_integer(word);
  if (!code || std::find(std::begin(kRetryStatuses), std::end(kRetryStatuses), *code) ==
                   std::end(kRetryStatuses))
    return false;
  if (!out.has_status(static_cast<int>(*code))) out.statuses.push_back(static_cast<int>(*code));
  return true;
}

// retry-on <keyword>...: replaces what was set before (a defaults section's), as HAProxy.
void retry_on(ParseContext& ctx, const Call& call) {
  RetryOn r;
  r.kinds = 0;
  for (const std::string& word : call.args) {
    if (word == "none") {
      if (call.args.size() > 1)
        return fail(ctx, call, "'none' cannot be combined with other retry-on keywords");
      continue;
    }
    if (!add_retry_word(word, r))
      return fail(ctx, call,
                  "unknown keyword '" + word +
                      "'; use none, conn-failure, empty-response, junk-response, "
                      "response-timeout, 0rtt-rejected, all-retryable-errors or a status among "
                      "401 403 404 408 425 500 501 502 503 504");
  }
  ctx.proxy().retry_on = std::move(r);
}

void prefer_last_server(ParseContext& ctx, const Call& call) {
  ctx.proxy().prefer_last_server = !call.negated;
}

constexpr Keyword kTable[] = {
    {.name = "http-reuse",
     .sections = kBackendSide,
     .handler = http_reuse,
     .usage = "http-reuse never|safe|aggressive|always",
     .min_args = 1,
     .max_args = 1},
    {.name = "retry-on",
     .sections = kBackendSide,
     .handler = retry_on,
     .usage = "retry-on <keyword>...",
     .min_args = 1,
     .max_args = -1},
    {.name = "option prefer-last-server",
     .sections = kBackendSide,
     .handler = prefer_last_server,
     .usage = "option prefer-last-server",
     .negatable = true},
};

}  // namespace

std::span<const Keyword> http_backend_keywords() {
  return kTable;
}

}  // namespace ferry::conf
