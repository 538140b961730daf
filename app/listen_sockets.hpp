// The listening sockets of the frontends' binds. A bind address gets one socket (UNIX) or one
// SO_REUSEPORT socket per thread (TCP, so the kernel spreads connections over the threads).
// In master-worker mode (-W) the master holds them (HeldSockets) and every worker it starts
// listens on those same sockets, so a reload never rebinds an address that stays.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/fd.hpp"
#include "core/inherited_sockets.hpp"
#include "core/log.hpp"
#include "core/sockaddr.hpp"
#include "core/socket_ops.hpp"

namespace ferry::app {

struct BoundSocket {
  core::SockAddr addr;        // as bound: a `:0` port is resolved
  std::vector<core::Fd> fds;  // TCP: one per thread; UNIX: one
  core::SocketFile file;      // a UNIX socket file created for it
  // True: held by a master, which keeps the sockets and removes the file; a worker's listeners
  // on them are shared. False: taken over from an old process (-x); the listener owns them.
  bool master_owned = true;
};

// "frontend 'web' (ferry.cfg:12)": who a bind belongs to, in messages.
std::string bind_owner(const conf::ProxyConf& proxy, const conf::BindConf& bind);
// The listen() backlog of a bind: its `backlog`, else the frontend's maxconn.
int bind_backlog(const conf::ProxyConf& proxy, const conf::BindConf& bind, unsigned global_maxconn);

// Binds `addr` with `count` sockets (TCP) or one (UNIX). On failure `fds` is empty and the
// reason is appended to `errors`. `takeover`: see core::listen_on.
BoundSocket bind_socket(const core::SockAddr& addr, const conf::ProxyConf& proxy,
                        const conf::BindConf& bind, unsigned global_maxconn, unsigned count,
                        bool takeover, std::vector<std::string>& errors);

// Socket activation: adopts the sockets LISTEN_FDS passes into `into` (and clears the
// variables, so no child inherits them), logging what is wrong. False when they cannot be used.
bool adopt_systemd_sockets(core::InheritedSockets& into, core::Log& log);
// A warning for each inherited socket no `bind` took.
void warn_unused_inherited(const core::InheritedSockets& inherited, core::Log& log);

class HeldSockets {
 public:
  HeldSockets() = default;
  ~HeldSockets();  // removes the UNIX socket files it created
  HeldSockets(const HeldSockets&) = delete;
  HeldSockets& operator=(const HeldSockets&) = delete;

  // Sockets the master inherited (socket activation): held for every worker, which takes them
  // (build_runtime); `bind fd@...` and the binds on their addresses are not bound here.
  core::InheritedSockets inherited;

  // Binds every frontend address of `config` not held yet (nor inherited), and adds TCP sockets
  // up to its nbthread. Returns the errors (the sockets bound so far stay held).
  std::vector<std::string> bind_for(const conf::Config& config, unsigned global_maxconn);
  // Lets go of the addresses `config` does not bind and of TCP sockets beyond its nbthread.
  // Connections waiting in a socket let go of here are reset once no worker holds it either.
  void keep_only(const conf::Config& config);
  // The sockets held for a configured address, or nullptr.
  const BoundSocket* find(const core::SockAddr& configured) const;
  // Closes this process's copies without removing any socket file (in a worker after fork),
  // the inherited ones it did not take included.
  void forget();
  // Adds sockets taken over from an old process (-x), held for the address they are bound to.
  void take(BoundSocket socket);

 private:
  std::map<std::string, BoundSocket> held_;  // by the configured address (to_string())
};

}  // namespace ferry::app
