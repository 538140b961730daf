// Changes an operator (admin socket) or a health check makes to a server's state. One
// implementation, in healthcheck/, keeps the check state machine, the balancer, the backend
// queue, the logs and the sessions consistent with each change, following HAProxy 2.6
// (reference sections 3.6, 3.7 and 5). The admin socket only ever goes through this interface.
#pragma once

#include "core/server.hpp"

namespace ferry::core {

enum class ForcedHealth { Up, Stopping, Down };

class ServerControl {
 public:
  virtual ~ServerControl() = default;
  // `disable server` / `set server state maint` (on) and `enable server` / `state ready` (off).
  virtual void set_maint(Server& server, bool on) = 0;
  // `set server state drain` (on); `state ready` clears it too.
  virtual void set_drain(Server& server, bool on) = 0;
  // `set weight` / `set server weight`: user weight 0..256, already validated.
  virtual void set_weight(Server& server, int uweight) = 0;
  // `set server health up|stopping|down`.
  virtual void set_health(Server& server, ForcedHealth health) = 0;
  // `enable health` / `disable health`.
  virtual void set_checks_enabled(Server& server, bool on) = 0;
  // A server's health saved before a restart or reload (server-state file, the previous
  // process): Down (health 0: its checks must bring it back), Stopping, or Up (full health).
  // No effect while the server is in maintenance.
  virtual void restore_health(Server& server, ForcedHealth health) = 0;
  // `shutdown sessions server`: closes every session on the server now.
  virtual void shutdown_sessions(Server& server) = 0;
};

}  // namespace ferry::core
