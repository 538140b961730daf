// Keyword tables: each section's keywords are rows of {name, where it applies, handler, usage,
// argument counts}; one dispatcher looks a statement up, checks placement and argument count,
// and runs the handler. Keywords ferry knows but does not implement are rows without a handler
// and with a note saying what to do instead, so nothing is ever silently ignored.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "conf/parse_context.hpp"
#include "conf/tokenizer.hpp"

namespace ferry::conf {

// One use of a keyword: the statement, the matched name and the words after it.
struct Call {
  const Statement& st;
  std::string_view keyword;           // "retries", "timeout connect", "option redispatch"
  std::span<const std::string> args;  // the words after the keyword
  bool negated = false;               // written as `no option ...`

  const SourcePos& pos() const { return st.pos; }
};

using Handler = void (*)(ParseContext& ctx, const Call& call);

enum class Misplaced {
  Warn,   // used in the wrong section: ignored with a warning (HAProxy does the same)
  Error,  // used in the wrong section: an error (it would create something that cannot work)
};

struct Keyword {
  std::string_view name = {};   // one or two words
  unsigned sections = 0;        // SectionBits where it applies
  Handler handler = nullptr;    // nullptr: known, not supported; `note` says what to do
  std::string_view usage = {};  // "retries <count>" for argument-count messages; or the note
  int min_args = 0;
  int max_args = 0;  // -1: no limit
  Misplaced misplaced = Misplaced::Warn;
  bool negatable = false;  // accepts `no option ...`
  bool prefix = false;     // matches every first word starting with `name` (`tune.`)
};

// Tables, one per file of handlers.
std::span<const Keyword> global_keywords();        // keywords_global.cpp
std::span<const Keyword> proxy_keywords();         // keywords_proxy.cpp
std::span<const Keyword> bind_keywords();          // keywords_bind.cpp: bind, stats socket
std::span<const Keyword> server_keywords();        // keywords_server.cpp: server, default-server
std::span<const Keyword> log_keywords();           // keywords_log.cpp
std::span<const Keyword> check_keywords();         // keywords_check.cpp: option httpchk, ...
std::span<const Keyword> http_keywords();          // keywords_http.cpp: mode http settings
std::span<const Keyword> http_backend_keywords();  // keywords_http_backend.cpp: http-reuse, ...
std::span<const Keyword> stats_page_keywords();    // keywords_stats.cpp: stats uri, ...
std::span<const Keyword> acl_keywords();           // keywords_acl.cpp: acl, rules with conditions
std::span<const Keyword> http_rule_keywords();     // keywords_http_rules.cpp: http-request, ...
std::span<const Keyword> fcgi_keywords();          // keywords_fcgi.cpp: fcgi-app, use-fcgi-app
std::span<const Keyword> cookie_keywords();        // keywords_cookie.cpp: cookie persistence
std::span<const Keyword> unsupported_keywords();   // keywords_unsupported.cpp

// The row for `words` in the tables, or nullptr; `consumed` gets the number of words the name
// has (1 or 2). A row that applies to `section` wins over one that does not.
const Keyword* find_keyword(std::span<const std::string> words, unsigned section, size_t& consumed);

// Runs one statement of a global/defaults/frontend/backend/listen section.
void dispatch(ParseContext& ctx, const Statement& st);

// True when the first word of `words` names a supported keyword of `section` (used to decide
// whether a line continues the server line above it).
bool is_section_keyword(const std::vector<std::string>& words, unsigned section);

// Helpers for handlers: an error/warning prefixed with ctx.where(), at the call's line.
void fail(ParseContext& ctx, const Call& call, const std::string& message);
void warn(ParseContext& ctx, const Call& call, const std::string& message);
// call.args[i] as an integer in [min, max] / a time; false (error reported) otherwise.
bool int_arg(ParseContext& ctx, const Call& call, size_t i, long long min, long long max, int& out);
bool duration_arg(ParseContext& ctx, const Call& call, size_t i, Millis& out);
// call.args[i..] (`if|unless ...`, see conf/acl.hpp) as a condition over the proxy's named ACLs;
// false (error reported) otherwise.
bool condition_arg(ParseContext& ctx, const Call& call, size_t i, Condition& out);

// Up to `limit` bytes of the regular file at `path` into `out`; an error message otherwise.
std::optional<std::string> read_small_file(const std::string& path, size_t limit, std::string& out);

}  // namespace ferry::conf
