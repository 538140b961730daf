#include "app/server_state_files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "stats/server_state.hpp"

namespace ferry::app {

namespace {

// `name` under `server-state-base` unless it is absolute.
std::string state_path(const conf::GlobalConf& g, const std::string& name) {
  if (name.starts_with('/') || g.server_state_base.empty()) return name;
  return g.server_state_base + (g.server_state_base.ends_with('/') ? "" : "/") + name;
}

// The file each backend loads from ("" for none), with a warning for `global` without a file.
std::string file_for(const conf::Config& config, const conf::ProxyConf& p,
                     std::vector<std::string>& warnings) {
  switch (p.load_server_state) {
    case conf::LoadServerState::None:
      return "";
    case conf::LoadServerState::Local:
      return state_path(config.global,
                        p.server_state_file_name.empty() ? p.name : p.server_state_file_name);
    case conf::LoadServerState::Global:
      break;
  }
  if (config.global.server_state_file.empty())
    warnings.push_back("backend '" + p.name + "' (" + conf::to_string(p.pos) +
                       "): 'load-server-state-from-file global' but the global section has no " +
                       "'server-state-file'; its servers start from the configuration");
  return state_path(config.global, config.global.server_state_file);
}

// Parses `text` and applies it to `backends`: the parser's errors, then apply's warnings.
std::vector<std::string> apply_text(const std::string& text, const std::string& origin,
                                    const std::vector<core::Backend*>& backends,
                                    core::Engine& engine) {
  const stats::SavedState saved = stats::parse_servers_state(text, origin);
  std::vector<std::string> out = saved.errors;
  for (auto& w : stats::apply_servers_state(saved, engine, backends))
    out.push_back(std::move(w));
  return out;
}

std::vector<std::string> load_one(const std::string& path,
                                  const std::vector<core::Backend*>& backends,
                                  core::Engine& engine) {
  std::ifstream in(path);
  if (!in)
    return {"cannot open server state file '" + path + "': " + std::strerror(errno) +
            "; its backends start from the configuration"};
  std::ostringstream text;
  text << in.rdbuf();
  return apply_text(text.str(), path, backends, engine);
}

}  // namespace

std::vector<std::string> load_server_state_files(const conf::Config& config, core::Engine& engine) {
  std::vector<std::string> warnings;
  std::map<std::string, std::vector<core::Backend*>> by_file;
  for (const auto& p : config.proxies) {
    if (!p.is_backend()) continue;
    const std::string path = file_for(config, p, warnings);
    if (!path.empty()) by_file[path].push_back(engine.find_backend(p.name));
  }
  for (const auto& [path, backends] : by_file)
    for (auto& w : load_one(path, backends, engine))
      warnings.push_back(std::move(w));
  return warnings;
}

std::vector<std::string> apply_handed_over_state(const conf::Config& config, core::Engine& engine,
                                                 const std::string& text,
                                                 const std::string& origin) {
  std::vector<core::Backend*> backends;
  for (const auto& p : config.proxies)
    if (p.is_backend() && p.load_server_state == conf::LoadServerState::None)
      backends.push_back(engine.find_backend(p.name));
  return apply_text(text, origin, backends, engine);
}

}  // namespace ferry::app
