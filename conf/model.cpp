// The few behaviours of the config model's plain structs: printing positions and diagnostics,
// looking proxies up by name.
#include "conf/model.hpp"

#include <algorithm>

namespace ferry::conf {

std::string to_string(const SourcePos& pos) {
  std::string out = pos.file;
  if (pos.line > 0) out += ':' + std::to_string(pos.line);
  if (pos.line > 0 && pos.column > 0) out += ':' + std::to_string(pos.column);
  return out;
}

std::string Diagnostic::to_string() const {
  std::string out = conf::to_string(pos);
  if (!out.empty()) out += ": ";
  out += severity == Severity::Error ? "error: " : "warning: ";
  return out + message;
}

bool LoadResult::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::Error;
  });
}

const ProxyConf* Config::find_proxy(const std::string& name) const {
  for (const auto& p : proxies)
    if (p.name == name) return &p;
  return nullptr;
}

size_t Config::longest_log_length() const {
  size_t longest = 0;
  auto consider = [&](const std::vector<LogTarget>& logs) {
    for (const auto& l : logs)
      longest = std::max(longest, static_cast<size_t>(l.length > 0 ? l.length : 1024));
  };
  consider(global.logs);
  for (const auto& p : proxies)
    consider(p.logs);
  return longest;
}

const ProxyConf* Config::find_backend(const std::string& name) const {
  for (const auto& p : proxies)
    if (p.name == name && p.is_backend()) return &p;
  return nullptr;
}

const FcgiAppConf* Config::find_fcgi_app(const std::string& name) const {
  for (const auto& a : fcgi_apps)
    if (a.name == name) return &a;
  return nullptr;
}

std::string_view to_string(Balance b) {
  switch (b) {
    case Balance::RoundRobin:
      return "roundrobin";
    case Balance::StaticRr:
      return "static-rr";
    case Balance::LeastConn:
      return "leastconn";
    case Balance::First:
      return "first";
    case Balance::Source:
      return "source";
    case Balance::Random:
      return "random";
    case Balance::Uri:
      return "uri";
    case Balance::UrlParam:
      return "url_param";
    case Balance::Hdr:
      return "hdr";
  }
  return "unknown";
}

std::string_view to_string(OnError e) {
  switch (e) {
    case OnError::FastInter:
      return "fastinter";
    case OnError::FailCheck:
      return "fail-check";
    case OnError::SuddenDeath:
      return "sudden-death";
    case OnError::MarkDown:
      return "mark-down";
  }
  return "unknown";
}

std::string_view to_string(Level l) {
  switch (l) {
    case Level::User:
      return "user";
    case Level::Operator:
      return "operator";
    case Level::Admin:
      return "admin";
  }
  return "unknown";
}

}  // namespace ferry::conf
