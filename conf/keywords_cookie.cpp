// `cookie NAME insert|rewrite|prefix [options]`: cookie-based persistence of a `mode http`
// backend, as HAProxy 2.6 parses it. The options ferry does not implement (`dynamic`, `attr`)
// are refused with a message; the server side is the `cookie VALUE` server option.
#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kBackendSide = kDefaults | kListen | kBackend;

bool set_mode(CookieConf& c, const std::string& word) {
  static constexpr std::pair<std::string_view, CookieConf::Mode> kModes[] = {
      {"insert", CookieConf::Mode::Insert},
      {"rewrite", CookieConf::Mode::Rewrite},
      {"prefix", CookieConf::Mode::Prefix}};
  for (const auto& [name, mode] : kModes)
    if (word == name) return c.mode = mode, true;
  return false;
}

bool set_flag(CookieConf& c, const std::string& word) {
  static constexpr std::pair<std::string_view, bool CookieConf::*> kFlags[] = {
      {"indirect", &CookieConf::indirect}, {"nocache", &CookieConf::nocache},
      {"postonly", &CookieConf::postonly}, {"preserve", &CookieConf::preserve},
      {"httponly", &CookieConf::httponly}, {"secure", &CookieConf::secure}};
  for (const auto& [name, field] : kFlags)
    if (word == name) return c.*field = true, true;
  return false;
}

// The option at args[i] (and its value); false after reporting an error.
bool cookie_option(ParseContext& ctx, const Call& call, size_t& i, CookieConf& c, int& modes) {
  const std::string& w = call.args[i];
  if (set_mode(c, w)) return ++modes, true;
  if (set_flag(c, w)) return true;
  if (w == "domain" || w == "maxidle" || w == "maxlife") {
    if (i + 1 >= call.args.size())
      return fail(ctx, call, "'" + w + "' needs a value: 'cookie NAME ... " + w + " <value>'"),
             false;
    if (w == "domain") return c.domains.push_back(call.args[++i]), true;
    return duration_arg(ctx, call, ++i, w == "maxidle" ? c.maxidle : c.maxlife);
  }
  if (w == "dynamic" || w == "attr")
    return fail(ctx, call, "'cookie ... " + w + "' is not supported by ferry; remove it"), false;
  fail(ctx, call,
       "unknown cookie option '" + w +
           "'; use insert, rewrite or prefix and indirect, nocache, postonly, preserve, httponly, "
           "secure, domain, maxidle, maxlife");
  return false;
}

void cookie(ParseContext& ctx, const Call& call) {
  CookieConf c;
  c.pos = call.pos();
  c.name = call.args[0];
  int modes = 0;
  for (size_t i = 1; i < call.args.size(); ++i)
    if (!cookie_option(ctx, call, i, c, modes)) return;
  if (modes > 1) return fail(ctx, call, "'insert', 'rewrite' and 'prefix' are exclusive; keep one");
  if (modes == 0)
    return fail(ctx, call,
                "the cookie needs a mode: 'cookie " + c.name + " insert|rewrite|prefix'");
  if (c.mode != CookieConf::Mode::Insert &&
      (c.nocache || c.postonly || c.indirect || c.maxidle.count() || c.maxlife.count()))
    return fail(ctx, call,
                "'nocache', 'postonly', 'indirect', 'maxidle' and 'maxlife' need 'insert' mode "
                "(ferry supports them there only)");
  ctx.proxy().cookie = std::move(c);
}

constexpr Keyword kTable[] = {
    {.name = "cookie",
     .sections = kBackendSide,
     .handler = cookie,
     .usage = "cookie <name> insert|rewrite|prefix [indirect] [nocache] [postonly] [preserve] "
              "[httponly] [secure] [domain <domain>] [maxidle <idle>] [maxlife <life>]",
     .min_args = 1,
     .max_args = -1},
};

}  // namespace

std::span<const Keyword> cookie_keywords() {
  return kTable;
}

}  // namespace ferry::conf
