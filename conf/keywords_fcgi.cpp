// FastCGI applications: the keywords of an `fcgi-app` section (how a request becomes CGI
// parameters, what the connection to the application may do) and `use-fcgi-app`, which gives a
// backend's `proto fcgi` servers their application.
#include <regex>

#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kBackendSide = kDefaults | kListen | kBackend;

void docroot(ParseContext& ctx, const Call& call) {
  ctx.fcgi_app().docroot = call.args[0];
}

void index(ParseContext& ctx, const Call& call) {
  ctx.fcgi_app().index = call.args[0];
}

// path-info <regex>: its first group is SCRIPT_NAME, its second PATH_INFO.
void path_info(ParseContext& ctx, const Call& call) {
  try {
    const std::regex re(call.args[0], std::regex::ECMAScript);
    if (re.mark_count() < 2)
      return fail(ctx, call,
                  "path-info '" + call.args[0] + "' needs two capture groups, the script's " +
                      "name and the path info, e.g. '^(/.+\\.php)(/.*)?$'");
  } catch (const std::regex_error& e) {
    return fail(ctx, call, "invalid path-info regex '" + call.args[0] + "': " + e.what());
  }
  ctx.fcgi_app().path_info = call.args[0];
  ctx.fcgi_app().path_info_pos = call.pos();
}

// A condition after a rule (`if`/`unless`): refused until ferry has ACLs.
bool refuse_condition(ParseContext& ctx, const Call& call, size_t at) {
  if (call.args.size() <= at) return false;
  const std::string& w = call.args[at];
  if (w == "if" || w == "unless")
    fail(ctx, call,
         "conditions ('" + w + " ...') on '" + std::string(call.keyword) +
             "' are not supported by ferry yet; remove the condition (the rule then always " +
             "applies)");
  else
    fail(ctx, call,
         "unexpected argument '" + w + "'; usage: " + std::string(call.keyword) +
             (call.keyword == "set-param" ? " <name> <value>" : " <name>"));
  return true;
}

// set-param <name> <value>: HAProxy takes a log-format value; ferry takes literal text.
void set_param(ParseContext& ctx, const Call& call) {
  if (refuse_condition(ctx, call, 2)) return;
  const std::string& value = call.args[1];
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') continue;
    if (i + 1 < value.size() && value[i + 1] == '%') {
      ++i;
      continue;
    }
    return fail(ctx, call,
                "set-param value '" + value + "' uses a log-format expression; ferry sends " +
                    "literal text only (write '%%' for a '%')");
  }
  std::string literal;
  for (size_t i = 0; i < value.size(); ++i) {
    literal += value[i];
    if (value[i] == '%') ++i;  // '%%'
  }
  ctx.fcgi_app().set_params.push_back({call.pos(), call.args[0], literal});
}

void pass_header(ParseContext& ctx, const Call& call) {
  if (refuse_condition(ctx, call, 1)) return;
  ctx.fcgi_app().pass_headers.push_back(call.args[0]);
}

void keep_conn(ParseContext& ctx, const Call& call) {
  ctx.fcgi_app().keep_conn = !call.negated;
}

void get_values(ParseContext& ctx, const Call& call) {
  ctx.fcgi_app().get_values = !call.negated;
}

// PHP-FPM serves one request at a time on a connection (it answers FCGI_MPXS_CONNS=0 and closes
// a connection that sends a second BEGIN_REQUEST): ferry never multiplexes.
void mpxs_conns(ParseContext& ctx, const Call& call) {
  ctx.fcgi_app().mpxs_conns = !call.negated;
  if (!call.negated)
    warn(ctx, call,
         "'option mpxs-conns' is ignored: ferry sends one request at a time on a FastCGI " +
             std::string("connection (PHP-FPM does not multiplex); remove it"));
}

void max_reqs(ParseContext& ctx, const Call& call) {
  int n = 1;
  if (int_arg(ctx, call, 0, 1, 65535, n)) ctx.fcgi_app().max_reqs = n;
}

void log_stderr(ParseContext& ctx, const Call& call) {
  if (call.args[0] != "global" || call.args.size() > 1)
    return fail(ctx, call,
                "ferry supports 'log-stderr global' only (the STDERR lines go to the global "
                "log targets); log to a target there");
  ctx.fcgi_app().log_stderr = true;
}

void use_fcgi_app(ParseContext& ctx, const Call& call) {
  ctx.proxy().use_fcgi_app = call.args[0];
  ctx.proxy().use_fcgi_app_pos = call.pos();
}

constexpr Keyword kTable[] = {
    {.name = "docroot",
     .sections = kFcgiApp,
     .handler = docroot,
     .usage = "docroot <path>",
     .min_args = 1,
     .max_args = 1},
    {.name = "index",
     .sections = kFcgiApp,
     .handler = index,
     .usage = "index <script name>",
     .min_args = 1,
     .max_args = 1},
    {.name = "path-info",
     .sections = kFcgiApp,
     .handler = path_info,
     .usage = "path-info <regex>",
     .min_args = 1,
     .max_args = 1},
    {.name = "set-param",
     .sections = kFcgiApp,
     .handler = set_param,
     .usage = "set-param <name> <value>",
     .min_args = 2,
     .max_args = -1},
    {.name = "pass-header",
     .sections = kFcgiApp,
     .handler = pass_header,
     .usage = "pass-header <name>",
     .min_args = 1,
     .max_args = -1},
    {.name = "option keep-conn",
     .sections = kFcgiApp,
     .handler = keep_conn,
     .usage = "option keep-conn",
     .negatable = true},
    {.name = "option get-values",
     .sections = kFcgiApp,
     .handler = get_values,
     .usage = "option get-values",
     .negatable = true},
    {.name = "option mpxs-conns",
     .sections = kFcgiApp,
     .handler = mpxs_conns,
     .usage = "option mpxs-conns",
     .negatable = true},
    {.name = "option max-reqs",
     .sections = kFcgiApp,
     .handler = max_reqs,
     .usage = "option max-reqs <count>",
     .min_args = 1,
     .max_args = 1},
    {.name = "log-stderr",
     .sections = kFcgiApp,
     .handler = log_stderr,
     .usage = "log-stderr global",
     .min_args = 1,
     .max_args = -1},
    {.name = "use-fcgi-app",
     .sections = kBackendSide,
     .handler = use_fcgi_app,
     .usage = "use-fcgi-app <fcgi-app name>",
     .min_args = 1,
     .max_args = 1,
     .misplaced = Misplaced::Error},
};

}  // namespace

std::span<const Keyword> fcgi_keywords() {
  return kTable;
}

}  // namespace ferry::conf
