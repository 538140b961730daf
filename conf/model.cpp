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

const ProxyConf* Config::find_backend(const std::string& name) const {
  for (const auto& p : proxies)
    if (p.name == name && p.is_backend()) return &p;
  return nullptr;
}

}  // namespace ferry::conf
