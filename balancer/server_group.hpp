// Which of a backend's servers may take new traffic (reference 4.1), shared by every algorithm.
// A server is usable when Server::usable() says so. The active tier takes all traffic while at
// least one active server is usable; otherwise the backup tier does: only its first usable server
// (in declaration order) unless `option allbackups`, in which case the algorithm balances over all
// of them. Pure logic, owned by one balancer, on its backend's loop.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "core/load_balancer.hpp"

namespace ferry::balancer {

enum class Tier { Active = 0, Backup = 1 };

inline Tier tier_of(const core::Server& server) {
  return server.backup ? Tier::Backup : Tier::Active;
}
inline size_t tier_index(Tier tier) {
  return static_cast<size_t>(tier);
}

// How one server answers one pick request.
enum class Fit {
  Take,  // usable, not tried by this connection, has a free slot
  Full,  // usable and not tried, but at maxconn (or with a non-empty queue)
  Skip,  // not usable now, or already tried by this connection
};
Fit fit(const core::Server& server, const core::PickRequest& request);

// One pick in progress: checks candidates and remembers whether a usable one was only full, so
// that a failed pick reports `saturated` (wait in the queue) rather than "no server".
class Scan {
 public:
  explicit Scan(const core::PickRequest& request) : request_(request) {}
  Fit check(const core::Server& server) {
    Fit f = fit(server, request_);
    if (f == Fit::Full) saturated_ = true;
    return f;
  }
  bool takes(const core::Server& server) { return check(server) == Fit::Take; }
  core::PickResult found(core::Server* server) const { return {server, false}; }
  core::PickResult none() const { return {nullptr, saturated_}; }
  core::PickResult only(core::Server& server) { return takes(server) ? found(&server) : none(); }
  const core::PickRequest& request() const { return request_; }

 private:
  const core::PickRequest& request_;
  bool saturated_ = false;
};

class ServerGroups {
 public:
  // `servers` in declaration order; servers[i]->index must be i.
  ServerGroups(std::vector<core::Server*> servers, bool allbackups);

  std::span<core::Server* const> servers() const { return servers_; }
  bool allbackups() const { return allbackups_; }

  // Re-reads server.usable(); returns whether it changed since the last look.
  bool refresh(const core::Server& server);
  // Usability as last seen by refresh() (or construction).
  bool usable(const core::Server& server) const { return usable_[server.index] != 0; }

  // The tier that takes traffic now; nullopt when no server is usable at all.
  std::optional<Tier> serving_tier() const;
  // Non-null when the backup tier serves without allbackups: the one server taking all traffic.
  core::Server* sole_server() const;
  // Replaces `out` with every server taking traffic now, in declaration order.
  void serving(std::vector<core::Server*>& out) const;

 private:
  std::vector<core::Server*> servers_;
  std::vector<char> usable_;         // parallel to servers_
  size_t usable_count_[2] = {0, 0};  // per Tier
  bool allbackups_;
};

}  // namespace ferry::balancer
