#include "http/http_rules.hpp"

#include <algorithm>

#include "http/acl_eval.hpp"
#include "http/h1_fields.hpp"
#include "http/request_target.hpp"
#include "http/sample_eval.hpp"
#include "http/status_reason.hpp"

namespace ferry::http {

namespace {

using Action = conf::HttpRule::Action;

std::string render(const conf::LogFormat& format, const LogFormatInputs& in) {
  std::string out;
  render_log_format(format, in, out);
  return out;
}

void del_header(MessageHead& head, std::string_view name) {
  std::erase_if(head.headers, [&](const Header& h) { return iequals(h.name, name); });
}

// `text` with `rule.regex`'s match replaced as HAProxy does: the whole text becomes the rendered
// format, its \N references filled from the match. False when the regex does not match.
bool replace(const conf::HttpRule& rule, std::string_view text, const LogFormatInputs& in,
             std::string& out) {
  constexpr size_t kGroups = 10;
  regmatch_t groups[kGroups];
  if (!rule.regex->match(text, groups, kGroups)) return false;
  substitute(text, groups, kGroups, render(rule.value, in), out);
  return true;
}

// The header rules common to requests and responses; false when `rule` is none of them.
bool header_rule(const conf::HttpRule& rule, MessageHead& head, const LogFormatInputs& in,
                 RewriteStore& store) {
  switch (rule.action) {
    case Action::SetHeader:
    case Action::AddHeader: {
      const std::string_view value = store.keep(render(rule.value, in));
      if (rule.action == Action::SetHeader) del_header(head, rule.name);
      head.headers.push_back({rule.name, value});
      return true;
    }
    case Action::DelHeader:
      del_header(head, rule.name);
      return true;
    case Action::ReplaceHeader:
      for (Header& h : head.headers) {
        std::string out;
        if (iequals(h.name, rule.name) && replace(rule, h.value, in, out))
          h.value = store.keep(std::move(out));
      }
      return true;
    default:
      return false;
  }
}

// The target with its path (and what follows it) replaced; `path` is a view into `target`.
std::string with_path(std::string_view target, std::string_view path, std::string_view new_path) {
  const size_t at = static_cast<size_t>(path.data() - target.data());
  return std::string(target.substr(0, at)) + std::string(new_path) +
         std::string(target.substr(at + path.size()));
}

void target_rule(const conf::HttpRule& rule, RequestHead& head, const LogFormatInputs& in,
                 RewriteStore& store) {
  const auto path = target_path(head.target);
  switch (rule.action) {
    case Action::SetPath:
      if (path) head.target = store.keep(with_path(head.target, *path, render(rule.value, in)));
      return;
    case Action::ReplacePath: {
      std::string out;
      if (path && replace(rule, *path, in, out))
        head.target = store.keep(with_path(head.target, *path, out));
      return;
    }
    case Action::SetQuery: {
      const std::string query = render(rule.value, in);
      const std::string_view base = head.target.substr(0, head.target.find('?'));
      head.target = store.keep(std::string(base) + (query.empty() ? "" : "?" + query));
      return;
    }
    case Action::SetMethod:
      head.method = store.keep(render(rule.value, in));
      return;
    case Action::SetUri:
      head.target = store.keep(render(rule.value, in));
      return;
    default:
      return;
  }
}

bool answers(Action a) {
  return a == Action::Deny || a == Action::Return || a == Action::Redirect;
}

std::string redirect_location(const conf::HttpRule& rule, const RequestHead& request,
                              const LogFormatInputs& in) {
  std::string value = render(rule.value, in);
  if (rule.redirect == conf::HttpRule::Redirect::Location) return value;
  std::string path(target_path(request.target).value_or(request.target));
  const auto query = target_query(request.target);
  if (rule.redirect == conf::HttpRule::Redirect::Scheme) {
    const Header* host = request.find("host");
    return value + "://" + std::string(host ? host->value : "") + path +
           (query ? "?" + std::string(*query) : "");
  }
  if (rule.drop_query && rule.append_slash && !path.ends_with('/')) path += '/';
  // As HAProxy: a prefix of "/" adds nothing.
  return (value == "/" ? "" : value) + path +
         (query && !rule.drop_query ? "?" + std::string(*query) : "");
}

}  // namespace

const conf::HttpRule* run_request_rules(std::span<const conf::HttpRule> rules, RequestHead& head,
                                        const LogFormatInputs& in, RewriteStore& store) {
  for (const conf::HttpRule& rule : rules) {
    if (!evaluate(rule.cond, in.request)) continue;
    if (rule.action == Action::Allow) return nullptr;
    if (answers(rule.action)) return &rule;
    if (!header_rule(rule, head, in, store)) target_rule(rule, head, in, store);
  }
  return nullptr;
}

void run_response_rules(std::span<const conf::HttpRule> rules, ResponseHead& head,
                        const LogFormatInputs& in, RewriteStore& store) {
  for (const conf::HttpRule& rule : rules) {
    if (!evaluate(rule.cond, in.request)) continue;
    if (header_rule(rule, head, in, store)) continue;
    if (rule.action != Action::SetStatus) continue;
    head.status = rule.status;
    head.reason = rule.reason.empty() ? standard_reason(rule.status) : rule.reason;
  }
}

Reply rule_reply(const conf::HttpRule& rule, const RequestHead& request,
                 const LogFormatInputs& in) {
  Reply r;
  r.has_length = true;
  const std::string code = std::to_string(rule.status);
  if (rule.action == Action::Redirect) {
    static constexpr std::pair<int, std::string_view> kReasons[] = {{301, "Moved Permanently"},
                                                                    {302, "Found"},
                                                                    {303, "See Other"},
                                                                    {307, "Temporary Redirect"},
                                                                    {308, "Permanent Redirect"}};
    const auto* reason = std::find_if(std::begin(kReasons), std::end(kReasons),
                                      [&](const auto& p) { return p.first == rule.status; });
    r.head = "HTTP/1.1 " + code + " " + std::string(reason->second) +
             "\r\ncontent-length: 0\r\nlocation: " + redirect_location(rule, request, in) + "\r\n";
    // As HAProxy 2.6 (observed): the temporary ones are not to be cached.
    if (rule.status != 301 && rule.status != 308) r.head += "cache-control: no-cache\r\n";
    return r;
  }
  // HAProxy names 302 so in its own answers.
  const std::string_view reason =
      rule.status == 302 ? "Moved Temporarily" : standard_reason(rule.status);
  r.head = "HTTP/1.1 " + code + " " + std::string(reason) + "\r\n";
  r.body = rule.body_is_format ? render(rule.value, in) : rule.body;
  if (rule.status != 204 && rule.status != 304)
    r.head += "content-length: " + std::to_string(r.body.size()) + "\r\n";
  if (!rule.content_type.empty()) r.head += "content-type: " + rule.content_type + "\r\n";
  return r;
}

}  // namespace ferry::http
