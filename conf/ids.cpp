// Proxy and server numbering, as HAProxy 2.6 does it (see validate.hpp).
#include <map>

#include "conf/validate.hpp"

namespace ferry::conf {

namespace {

// Explicit ids of `items` (by `get`), with an error for each one already taken.
template <typename T, typename GetId, typename Describe>
std::map<int, const T*> explicit_ids(std::vector<T>& items, GetId get, Describe describe,
                                     std::vector<Diagnostic>& diags) {
  std::map<int, const T*> used;
  for (auto& item : items) {
    const int id = get(item);
    if (id == 0) continue;
    const auto [it, inserted] = used.emplace(id, &item);
    if (!inserted)
      diags.push_back({Diagnostic::Severity::Error, item.pos,
                       describe(item) + ": id " + std::to_string(id) + " is already used by " +
                           describe(*it->second) + " (" + to_string(it->second->pos) +
                           "); give each one a different id"});
  }
  return used;
}

template <typename T, typename Ref>
void number(std::vector<T>& items, Ref ref, int next, const std::map<int, const T*>& used) {
  for (auto& item : items) {
    if (ref(item) != 0) continue;
    while (used.count(next))
      ++next;
    ref(item) = next++;
  }
}

}  // namespace

void assign_ids(Config& config, std::vector<Diagnostic>& diags) {
  auto proxy_id = [](ProxyConf& p) -> int& { return p.id; };
  const auto used = explicit_ids(config.proxies, proxy_id, describe_proxy, diags);
  // The stats socket's internal proxy takes slot 1 (its id shows as 0, the counter moves on).
  number(config.proxies, proxy_id, config.global.stats_sockets.empty() ? 1 : 2, used);
  for (auto& p : config.proxies) {
    auto describe = [&p](const ServerConf& s) { return "server '" + p.name + "/" + s.name + "'"; };
    auto server_id = [](ServerConf& s) -> int& { return s.id; };
    const auto used_servers = explicit_ids(p.servers, server_id, describe, diags);
    number(p.servers, server_id, 1, used_servers);
  }
}

}  // namespace ferry::conf
