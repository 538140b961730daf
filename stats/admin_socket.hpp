// The stats sockets (`stats socket` lines): UNIX paths (mode, uid, gid, user, group) and TCP
// addresses, several at once, each with its level, `maxconn` and `backlog`; `stats timeout` as the
// timeout of a connection. Owns the listeners, the open CLI connections and the command context
// they share. Lives on the engine's loop; create it after the engine and destroy it before.
//
// Connection bounds, so that no client can lock the others out: each socket takes at most its
// `maxconn` (default kDefaultMaxconn) connections, and one source (a peer uid on UNIX sockets,
// an address on TCP) at most kMaxPerSource over all sockets. When a socket or a source is at its
// bound, the oldest connection that has done nothing for kDropGrace but hold an incomplete line
// (or nothing) is dropped to make room; if there is none, a socket waits (its clients stay in
// the kernel backlog) and a source is refused with a message. Accepting shares the traffic
// listeners' path, so running out of fds pauses the stats sockets too.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/accept_backoff.hpp"
#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/socket_ops.hpp"
#include "stats/admin_connection.hpp"
#include "stats/commands.hpp"
#include "stats/info_fields.hpp"

namespace ferry::stats {

class AdminSockets {
 public:
  static constexpr size_t kDefaultMaxconn = 100;
  static constexpr size_t kMaxPerSource = 20;
  static constexpr core::Millis kDropGrace{500};

  AdminSockets(core::Engine& engine, ProcessInfo process);
  ~AdminSockets();
  AdminSockets(const AdminSockets&) = delete;
  AdminSockets& operator=(const AdminSockets&) = delete;

  // Binds every `stats socket` of `global` and applies `stats timeout`. Returns one message per
  // socket that could not listen (the others are served). `takeover`: replacing an older
  // process (-sf/-st), whose live UNIX sockets may be replaced.
  std::vector<std::string> listen(const conf::GlobalConf& global, bool takeover = false);
  // Serves a socket that already listens (nonblocking). `text` names it in `show cli sockets`.
  // `maxconn`: connections this socket takes at once. `expose_fd`: `expose-fd listeners`.
  // `access`: its TLS, `grant` / `deny` rules and audit switch.
  void serve(core::Fd fd, std::string text, conf::Level level, core::SocketFile file = {},
             size_t maxconn = kDefaultMaxconn, bool expose_fd = false, AdminAccess access = {});
  void set_timeout(core::Millis timeout) { timeout_ = timeout; }
  // What `ferry -c` finds wrong in the TLS files of the `stats socket` lines (a key that is not
  // one, or does not match its certificate, ...): one message per line, naming it.
  static std::vector<std::string> check_tls(const conf::GlobalConf& global);

  size_t listener_count() const { return listeners_.size(); }
  size_t connection_count() const { return connections_.size(); }

  // For connections.
  CliContext& context() { return context_; }
  core::EventLoop& loop() { return engine_.loop; }
  core::Log& log() { return engine_.log; }
  // A connection sent `n` bytes: HAProxy's TotalBytesOut counts the CLI's replies too.
  void count_sent(size_t n) { engine_.cli_bytes_out += n; }
  void release(AdminConnection& connection);  // deleted after the current callback

 private:
  class Listener;
  bool make_room(Listener& listener);
  void accepted(Listener& listener, core::Fd fd, const core::SockAddr& peer);
  using Pick = std::function<bool(const AdminConnection&)>;
  static Pick on_socket(size_t index);
  size_t count_if(const Pick& pick) const;
  // The oldest connection `pick` chooses that has been idle_partial() for kDropGrace, if any.
  AdminConnection* droppable(const Pick& pick);
  void reap();
  void update_listeners();

  core::Engine& engine_;
  ProcessInfo process_;
  CliContext context_;
  core::Millis timeout_{10000};
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::list<std::unique_ptr<AdminConnection>> connections_;
  std::vector<std::unique_ptr<AdminConnection>> graveyard_;
  core::PrepareWatcher<AdminSockets, &AdminSockets::reap> reaper_;
  core::AcceptBackoff backoff_;
  // A full socket looks again this often for a connection it may drop.
  core::TimerWatcher<AdminSockets, &AdminSockets::update_listeners> recheck_;
};

// How `show cli sockets` names an address: "unix@/run/ferry.sock", "ipv4@127.0.0.1:9999".
std::string socket_text(const core::SockAddr& addr);

}  // namespace ferry::stats
