#include "conf/parse_context.hpp"

#include <cassert>
#include <cctype>

namespace ferry::conf {

std::string section_name(unsigned bit) {
  switch (bit) {
    case kGlobal:
      return "global";
    case kDefaults:
      return "defaults";
    case kFrontend:
      return "frontend";
    case kBackend:
      return "backend";
    case kListen:
      return "listen";
    case kFcgiApp:
      return "fcgi-app";
  }
  return "unknown";
}

std::string sections_phrase(unsigned mask) {
  std::vector<std::string> names;
  for (unsigned bit : {kGlobal, kDefaults, kFrontend, kBackend, kListen, kFcgiApp})
    if (mask & bit) names.push_back(section_name(bit));
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return names.size() == 1 ? "the " + out + " section" : out + " sections";
}

std::optional<std::string> check_name(std::string_view what, const std::string& name) {
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')
      continue;
    return "invalid character '" + std::string(1, c) + "' in " + std::string(what) + " name '" +
           name + "'; use letters, digits, '-', '_', '.' and ':'";
  }
  return std::nullopt;
}

void ParseContext::error(const SourcePos& pos, std::string message) {
  diags_.push_back({Diagnostic::Severity::Error, pos, std::move(message)});
}

void ParseContext::warning(const SourcePos& pos, std::string message) {
  diags_.push_back({Diagnostic::Severity::Warning, pos, std::move(message)});
}

void ParseContext::begin_global() {
  current_ = Current::Global;
}

void ParseContext::begin_unsupported() {
  current_ = Current::Unsupported;
}

// HAProxy 2.6 warns when a named defaults section is both named with `from` and used as the
// implicit last defaults: a reader cannot tell which settings a proxy gets.
void ParseContext::warn_if_ambiguous(const SourcePos& pos, Defaults& d) {
  if (!d.named_by_from || !d.used_implicitly) return;
  warning(pos, "defaults section '" + d.name + "' (declared at " + to_string(d.pos) +
                   ") is both named with 'from' and used implicitly by proxies without 'from'; " +
                   "add a last defaults section that no 'from' names, or use 'from' everywhere");
}

const ParseContext::Defaults* ParseContext::find_defaults(const SourcePos& pos,
                                                          const std::string& from) {
  for (auto it = defaults_.rbegin(); it != defaults_.rend(); ++it) {
    if (it->name != from) continue;
    const bool first = !it->named_by_from;
    it->named_by_from = true;
    if (first) warn_if_ambiguous(pos, *it);
    return &*it;
  }
  error(pos, "no defaults section named '" + from + "' before this line; declare 'defaults " +
                 from + "' earlier or fix the name");
  return nullptr;
}

// The defaults a new section starts from: `from NAME`, else (for proxies) the last defaults.
const ParseContext::Defaults* ParseContext::base_for(const SourcePos& pos,
                                                     const std::string& from) {
  if (!from.empty()) return find_defaults(pos, from);
  if (!last_defaults_) return nullptr;
  Defaults& d = defaults_[*last_defaults_];
  const bool first = !d.used_implicitly;
  d.used_implicitly = true;
  if (first && !d.name.empty()) warn_if_ambiguous(pos, d);
  return &d;
}

void ParseContext::begin_defaults(const SourcePos& pos, const std::string& name,
                                  const std::string& from) {
  for (const auto& d : defaults_)
    if (!name.empty() && d.name == name)
      error(pos, "defaults section '" + name + "' has the same name as the one declared at " +
                     to_string(d.pos) + "; give it another name");
  // A defaults section starts from scratch unless it names another with `from`.
  const Defaults* base = from.empty() ? nullptr : find_defaults(pos, from);
  Defaults d{name, pos, base ? base->proxy : ProxyConf{},
             base ? base->default_server : ServerConf{}};
  d.proxy.kind = ProxyKind::Defaults;
  d.proxy.name = name;
  d.proxy.pos = pos;
  inherited_tcp_steps_ = !d.proxy.probe.tcp_steps.empty();
  defaults_.push_back(std::move(d));
  last_defaults_ = index_ = defaults_.size() - 1;
  current_ = Current::Defaults;
}

void ParseContext::begin_proxy(const SourcePos& pos, ProxyKind kind, const std::string& name,
                               const std::string& from) {
  const Defaults* base = base_for(pos, from);
  ProxyConf p = base ? base->proxy : ProxyConf{};
  p.kind = kind;
  p.name = name;
  p.pos = pos;
  p.id = 0;
  p.binds.clear();
  p.servers.clear();
  if (!p.is_frontend()) {
    p.default_backend.clear();
    p.default_backend_pos = {};
  }
  inherited_tcp_steps_ = !p.probe.tcp_steps.empty();
  config_.proxies.push_back(std::move(p));
  proxy_default_servers_.resize(config_.proxies.size());
  proxy_default_servers_.back() = base ? base->default_server : ServerConf{};
  index_ = config_.proxies.size() - 1;
  current_ = Current::Proxy;
}

void ParseContext::begin_fcgi_app(const SourcePos& pos, const std::string& name) {
  for (const auto& a : config_.fcgi_apps)
    if (a.name == name)
      error(pos, "fcgi-app '" + name + "' has the same name as the one declared at " +
                     to_string(a.pos) + "; give it another name");
  FcgiAppConf app;
  app.pos = pos;
  app.name = name;
  config_.fcgi_apps.push_back(std::move(app));
  index_ = config_.fcgi_apps.size() - 1;
  current_ = Current::FcgiApp;
}

FcgiAppConf& ParseContext::fcgi_app() {
  assert(current_ == Current::FcgiApp);
  return config_.fcgi_apps[index_];
}

unsigned ParseContext::section() const {
  switch (current_) {
    case Current::FcgiApp:
      return kFcgiApp;
    case Current::Global:
      return kGlobal;
    case Current::Defaults:
      return kDefaults;
    case Current::Proxy:
      switch (config_.proxies[index_].kind) {
        case ProxyKind::Frontend:
          return kFrontend;
        case ProxyKind::Backend:
          return kBackend;
        default:
          return kListen;
      }
    default:
      return 0;
  }
}

std::string ParseContext::where() const {
  switch (current_) {
    case Current::Global:
      return "global section";
    case Current::Defaults: {
      const auto& name = defaults_[index_].name;
      return name.empty() ? "defaults section" : "defaults '" + name + "'";
    }
    case Current::Proxy:
      return section_name(section()) + " '" + config_.proxies[index_].name + "'";
    case Current::FcgiApp:
      return "fcgi-app '" + config_.fcgi_apps[index_].name + "'";
    default:
      return "outside any section";
  }
}

ProxyConf& ParseContext::proxy() {
  assert(current_ == Current::Defaults || current_ == Current::Proxy);
  return current_ == Current::Defaults ? defaults_[index_].proxy : config_.proxies[index_];
}

ServerConf& ParseContext::default_server() {
  assert(current_ == Current::Defaults || current_ == Current::Proxy);
  return current_ == Current::Defaults ? defaults_[index_].default_server
                                       : proxy_default_servers_[index_];
}

bool ParseContext::take_inherited_tcp_steps() {
  const bool was = inherited_tcp_steps_;
  inherited_tcp_steps_ = false;
  return was;
}

}  // namespace ferry::conf
