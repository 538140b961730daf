// `http-request` and `http-response` rules (conf/http_rule.hpp has the syntax). Each action is a
// row of kActions: its words are parsed by the row's function, the `if|unless` condition after
// them by condition_arg.
#include <algorithm>
#include <cctype>

#include "conf/did_you_mean.hpp"
#include "conf/keyword_table.hpp"
#include "conf/number.hpp"

namespace ferry::conf {

namespace {

using Action = HttpRule::Action;

// The words of one rule: the action's own (`args`, without the action name) and where the
// condition starts in call.args (call.args.size() when there is none).
struct RuleWords {
  std::span<const std::string> args;
  size_t cond = 0;
};

// Parses the action's words into the rule; an error message or nullopt.
using ActionParser = std::optional<std::string> (*)(const RuleWords& w, HttpRule& rule);

struct ActionRow {
  std::string_view name;
  Action action;
  ActionParser parse;
  bool request;   // allowed in http-request
  bool response;  // allowed in http-response
  std::string_view usage;
};

std::optional<std::string> format_arg(const std::string& text, LogFormat& out) {
  if (auto err = parse_log_format(text, out)) return "'" + text + "': " + *err;
  return std::nullopt;
}

std::optional<std::string> regex_arg(const std::string& text, HttpRule& rule) {
  std::string error;
  rule.regex = Regex::compile(text, false, error, true);
  if (!rule.regex) return "invalid regular expression '" + text + "': " + error;
  return std::nullopt;
}

std::optional<std::string> count(const RuleWords& w, size_t n) {
  if (w.args.size() < n) return std::string("missing argument");
  if (w.args.size() > n) return "unexpected argument '" + w.args[n] + "'";
  return std::nullopt;
}

// The header a rule changes: not one that frames the body, which ferry forwards as it came.
std::optional<std::string> name_arg(const std::string& name, HttpRule& rule) {
  for (std::string_view framing : {"content-length", "transfer-encoding"})
    if (name.size() == framing.size() &&
        std::equal(name.begin(), name.end(), framing.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return "ferry does not let rules change '" + name +
             "': it forwards the body with the framing it arrived with";
  rule.name = name;
  return std::nullopt;
}

std::optional<std::string> header_value(const RuleWords& w, HttpRule& rule) {
  if (auto err = count(w, 2)) return err;
  if (auto err = name_arg(w.args[0], rule)) return err;
  return format_arg(w.args[1], rule.value);
}

std::optional<std::string> header_name(const RuleWords& w, HttpRule& rule) {
  if (w.args.size() > 1 && w.args[1] == "-m")
    return std::string(
        "'-m' (a match method for del-header) is not supported by ferry; ferry "
        "deletes the fields of that exact name (any case)");
  if (auto err = count(w, 1)) return err;
  return name_arg(w.args[0], rule);
}

std::optional<std::string> replace_header(const RuleWords& w, HttpRule& rule) {
  if (auto err = count(w, 3)) return err;
  if (auto err = name_arg(w.args[0], rule)) return err;
  if (auto err = regex_arg(w.args[1], rule)) return err;
  return format_arg(w.args[2], rule.value);
}

std::optional<std::string> one_format(const RuleWords& w, HttpRule& rule) {
  if (auto err = count(w, 1)) return err;
  return format_arg(w.args[0], rule.value);
}

std::optional<std::string> replace_path(const RuleWords& w, HttpRule& rule) {
  if (auto err = count(w, 2)) return err;
  if (auto err = regex_arg(w.args[0], rule)) return err;
  return format_arg(w.args[1], rule.value);
}

std::optional<std::string> status_arg(const std::string& word, int min, int max, int& out) {
  const auto n = parse_integer(word, min, max);
  if (!n)
    return "'" + word + "' is not a status code between " + std::to_string(min) + " and " +
           std::to_string(max);
  out = static_cast<int>(*n);
  return std::nullopt;
}

std::optional<std::string> redirect(const RuleWords& w, HttpRule& rule) {
  if (w.args.size() < 2) return std::string("missing argument");
  const std::string& type = w.args[0];
  if (type == "location")
    rule.redirect = HttpRule::Redirect::Location;
  else if (type == "prefix")
    rule.redirect = HttpRule::Redirect::Prefix;
  else if (type == "scheme")
    rule.redirect = HttpRule::Redirect::Scheme;
  else
    return "unknown redirect type '" + type + "'; use location, prefix or scheme";
  if (auto err = format_arg(w.args[1], rule.value)) return err;
  rule.status = 302;
  for (size_t i = 2; i < w.args.size(); ++i) {
    const std::string& o = w.args[i];
    if (o == "code" && i + 1 < w.args.size()) {
      if (auto err = status_arg(w.args[++i], 301, 308, rule.status)) return err;
      if (rule.status > 303 && rule.status < 307)
        return "redirect code " + w.args[i] + " is not one of 301, 302, 303, 307, 308";
    } else if (o == "drop-query") {
      rule.drop_query = true;
    } else if (o == "append-slash") {
      rule.append_slash = true;
    } else if (o == "set-cookie" || o == "clear-cookie") {
      return "the redirect option '" + o + "' is not supported by ferry; remove it";
    } else {
      return "unknown redirect option '" + o + "'; use code N, drop-query or append-slash";
    }
  }
  return std::nullopt;
}

std::optional<std::string> deny(const RuleWords& w, HttpRule& rule) {
  rule.status = 403;
  if (w.args.empty()) return std::nullopt;
  if (w.args[0] != "deny_status" || w.args.size() != 2)
    return "unexpected argument '" + w.args[0] + "'; use 'deny [deny_status <code>]'";
  constexpr int kPages[] = {200, 400, 401, 403, 404, 405, 407, 408, 410,
                            413, 425, 429, 500, 501, 502, 503, 504};
  if (auto err = status_arg(w.args[1], 200, 599, rule.status)) return err;
  if (std::find(std::begin(kPages), std::end(kPages), rule.status) == std::end(kPages))
    return "deny_status " + w.args[1] +
           " has no error page; use 200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, "
           "429, 500, 501, 502, 503 or 504 (as HAProxy)";
  return std::nullopt;
}

std::optional<std::string> return_body(const std::string& kind, const std::string& arg,
                                       HttpRule& rule) {
  if (kind == "string") return rule.body = arg, std::nullopt;
  if (kind == "lf-string") {
    rule.body_is_format = true;
    return format_arg(arg, rule.value);
  }
  constexpr size_t kMax = 64 * 1024;
  if (auto err = read_small_file(arg, kMax + 1, rule.body))
    return "cannot read the file '" + arg + "': " + *err;
  if (rule.body.size() > kMax) return "the file '" + arg + "' is over 64 kB";
  return std::nullopt;
}

std::optional<std::string> return_(const RuleWords& w, HttpRule& rule) {
  rule.status = 200;
  bool has_body = false;
  for (size_t i = 0; i < w.args.size(); i += 2) {
    const std::string& o = w.args[i];
    if (i + 1 >= w.args.size()) return "missing value after '" + o + "'";
    const std::string& v = w.args[i + 1];
    if (o == "status") {
      if (auto err = status_arg(v, 200, 599, rule.status)) return err;
    } else if (o == "content-type") {
      rule.content_type = v;
    } else if (o == "string" || o == "lf-string" || o == "file") {
      if (has_body) return std::string("only one of string, lf-string and file may be given");
      has_body = true;
      if (auto err = return_body(o, v, rule)) return err;
    } else if (o == "lf-file" || o == "errorfile" || o == "errorfiles" || o == "hdr") {
      return "the return option '" + o +
             "' is not supported by ferry; use status, content-type, string, lf-string or file";
    } else {
      return "unknown return option '" + o +
             "'; use status, content-type and one of string, lf-string or file";
    }
  }
  if (has_body != !rule.content_type.empty())
    return std::string(has_body ? "a body needs a content-type" : "content-type without a body");
  return std::nullopt;
}

std::optional<std::string> no_args(const RuleWords& w, HttpRule&) {
  return count(w, 0);
}

std::optional<std::string> set_status(const RuleWords& w, HttpRule& rule) {
  if (w.args.size() != 1 && !(w.args.size() == 3 && w.args[1] == "reason"))
    return std::string("use 'set-status <code> [reason <text>]'");
  if (auto err = status_arg(w.args[0], 100, 999, rule.status)) return err;
  if (w.args.size() == 3) rule.reason = w.args[2];
  return std::nullopt;
}

constexpr ActionRow kActions[] = {
    {"set-header", Action::SetHeader, header_value, true, true, "set-header <name> <fmt>"},
    {"add-header", Action::AddHeader, header_value, true, true, "add-header <name> <fmt>"},
    {"del-header", Action::DelHeader, header_name, true, true, "del-header <name>"},
    {"replace-header", Action::ReplaceHeader, replace_header, true, true,
     "replace-header <name> <regex> <fmt>"},
    {"set-path", Action::SetPath, one_format, true, false, "set-path <fmt>"},
    {"replace-path", Action::ReplacePath, replace_path, true, false, "replace-path <regex> <fmt>"},
    {"set-query", Action::SetQuery, one_format, true, false, "set-query <fmt>"},
    {"set-method", Action::SetMethod, one_format, true, false, "set-method <fmt>"},
    {"set-uri", Action::SetUri, one_format, true, false, "set-uri <fmt>"},
    {"redirect", Action::Redirect, redirect, true, false,
     "redirect location|prefix|scheme <fmt> [code <N>] [drop-query] [append-slash]"},
    {"deny", Action::Deny, deny, true, false, "deny [deny_status <code>]"},
    {"return", Action::Return, return_, true, false,
     "return [status <code>] [content-type <type>] [string <text> | lf-string <fmt> | file "
     "<path>]"},
    {"allow", Action::Allow, no_args, true, false, "allow"},
    {"set-status", Action::SetStatus, set_status, false, true, "set-status <code> [reason <text>]"},
};

std::string unknown_action(const std::string& kw, const std::string& name, bool request) {
  std::vector<std::string_view> names;
  for (const ActionRow& a : kActions)
    if (request ? a.request : a.response) names.push_back(a.name);
  std::string list;
  for (std::string_view n : names)
    list += (list.empty() ? "" : ", ") + std::string(n);
  return "the action '" + kw + " " + name + "' is not supported by ferry" +
         did_you_mean(name, names) + " (ferry's " + kw + " actions: " + list + ")";
}

// As HAProxy 2.6: a response rule's value may not read the request (an error), and a condition
// that does never matches (a warning).
bool response_fetches(ParseContext& ctx, const Call& call, const HttpRule& rule) {
  for (const LogFormatPiece& p : rule.value)
    if (p.sample && p.sample->fetch.needs_request()) {
      fail(ctx, call,
           "'http-response " + call.args[0] + "': the sample '" + p.sample->text +
               "' reads the request, which http-response rules cannot; use src, dst, their "
               "ports, unique-id or nbsrv");
      return false;
    }
  if (const AclTerm* t = rule.cond.first_request_term())
    warn(ctx, call,
         "the condition of this http-response rule reads the request ('" + t->text +
             "'), which http-response rules cannot: it never matches");
  return true;
}

void add_rule(ParseContext& ctx, const Call& call, bool request) {
  const std::string kw = request ? "http-request" : "http-response";
  if (ctx.section() == kDefaults)
    return fail(ctx, call,
                "'" + kw +
                    "' rules in a defaults section are not supported by ferry; put them "
                    "in the frontend or backend");
  const auto* row = std::find_if(std::begin(kActions), std::end(kActions), [&](const ActionRow& a) {
    return a.name == call.args[0] && (request ? a.request : a.response);
  });
  if (row == std::end(kActions)) return fail(ctx, call, unknown_action(kw, call.args[0], request));
  HttpRule rule;
  rule.pos = call.pos();
  rule.action = row->action;
  for (const std::string& w : call.args)
    rule.text += (rule.text.empty() ? "" : " ") + w;
  const auto cond = std::find_if(call.args.begin() + 1, call.args.end(),
                                 [](const std::string& w) { return w == "if" || w == "unless"; });
  const RuleWords words{call.args.subspan(1, static_cast<size_t>(cond - call.args.begin()) - 1),
                        static_cast<size_t>(cond - call.args.begin())};
  if (auto err = row->parse(words, rule))
    return fail(ctx, call,
                "'" + kw + " " + call.args[0] + "': " + *err + "; usage: " + kw + " " +
                    std::string(row->usage) + " [if|unless <condition>]");
  if (words.cond < call.args.size() && !condition_arg(ctx, call, words.cond, rule.cond)) return;
  if (!request && !response_fetches(ctx, call, rule)) return;
  auto& rules = request ? ctx.proxy().http_request_rules : ctx.proxy().http_response_rules;
  rules.push_back(std::move(rule));
}

void http_request(ParseContext& ctx, const Call& call) {
  add_rule(ctx, call, true);
}

void http_response(ParseContext& ctx, const Call& call) {
  add_rule(ctx, call, false);
}

constexpr Keyword kTable[] = {
    {.name = "http-request",
     .sections = kAnyProxy,
     .handler = http_request,
     .usage = "http-request <action> [args...] [if|unless <condition>]",
     .min_args = 1,
     .max_args = -1,
     .misplaced = Misplaced::Error},
    {.name = "http-response",
     .sections = kAnyProxy,
     .handler = http_response,
     .usage = "http-response <action> [args...] [if|unless <condition>]",
     .min_args = 1,
     .max_args = -1,
     .misplaced = Misplaced::Error},
};

}  // namespace

std::span<const Keyword> http_rule_keywords() {
  return kTable;
}

}  // namespace ferry::conf
