// Test fixture for balancers: a backend's servers as plain structs, and the calls a backend makes
// around a pick (served++, lbtot++, taken(); served--, released()).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "balancer/balancer.hpp"
#include "core/load_balancer.hpp"

namespace ferry::balancer::test {

struct Farm {
  std::vector<std::unique_ptr<core::Server>> owned;

  // Adds server "b<n>" (n = position + 1, also its id) of the given weight.
  core::Server& add(int weight, bool backup = false, unsigned maxconn = 0) {
    auto s = std::make_unique<core::Server>();
    s->index = owned.size();
    s->id = static_cast<int>(owned.size()) + 1;
    s->name = "b" + std::to_string(s->id);
    s->iweight = s->uweight = weight;
    s->backup = backup;
    s->maxconn = maxconn;
    owned.push_back(std::move(s));
    return *owned.back();
  }
  Farm& weights(std::initializer_list<int> ws) {
    for (int w : ws)
      add(w);
    return *this;
  }
  core::Server& operator[](size_t i) { return *owned[i]; }
  std::vector<core::Server*> servers() const {
    std::vector<core::Server*> out;
    for (const auto& s : owned)
      out.push_back(s.get());
    return out;
  }
  std::unique_ptr<core::LoadBalancer> make(conf::Balance algo, bool allbackups = false,
                                           uint64_t seed = 1,
                                           const conf::HashConf& hash = {}) const {
    return make_balancer(algo, hash, servers(), allbackups, seed);
  }
};

// What the backend does once a server is picked.
inline void take(core::LoadBalancer& lb, core::Server& s) {
  ++s.served;
  ++s.counters.lbtot;
  lb.taken(s);
}
inline void release(core::LoadBalancer& lb, core::Server& s) {
  --s.served;
  lb.released(s);
}

// Picks; when `hold`, the connection stays (served stays counted), else it ends at once.
inline core::Server* connect(core::LoadBalancer& lb, bool hold = false,
                             const core::PickRequest& request = {}) {
  core::PickResult r = lb.pick(request);
  if (r.server == nullptr) return nullptr;
  take(lb, *r.server);
  if (!hold) release(lb, *r.server);
  return r.server;
}

// Names of `n` successive picks, space separated; "-" for none.
inline std::string sequence(core::LoadBalancer& lb, int n, bool hold = false,
                            const core::PickRequest& request = {}) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    core::Server* s = connect(lb, hold, request);
    if (!out.empty()) out += ' ';
    out += s ? s->name : "-";
  }
  return out;
}

inline std::string repeat(const std::string& cycle, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += (i ? " " : "") + cycle;
  return out;
}

// How many of `n` picks (connections ended at once) each server got, by name.
inline std::map<std::string, int> tally(core::LoadBalancer& lb, int n) {
  std::map<std::string, int> out;
  for (int i = 0; i < n; ++i) {
    core::Server* s = connect(lb);
    ++out[s ? s->name : "-"];
  }
  return out;
}

inline core::SockAddr ipv4(const char* text) {
  core::SockAddr a;
  auto* sin = reinterpret_cast<sockaddr_in*>(&a.storage);
  sin->sin_family = AF_INET;
  inet_pton(AF_INET, text, &sin->sin_addr);
  a.len = sizeof(sockaddr_in);
  return a;
}
inline core::SockAddr ipv6(const char* text) {
  core::SockAddr a;
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  sin6->sin6_family = AF_INET6;
  inet_pton(AF_INET6, text, &sin6->sin6_addr);
  a.len = sizeof(sockaddr_in6);
  return a;
}
inline core::SockAddr unix_path() {
  core::SockAddr a;
  a.storage.ss_family = AF_UNIX;
  a.len = sizeof(sa_family_t);
  return a;
}

}  // namespace ferry::balancer::test
