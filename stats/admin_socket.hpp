// The stats sockets (`stats socket` lines): UNIX paths (mode, uid, gid, user, group) and TCP
// addresses, several at once, each with its level; `stats timeout` as the idle timeout of a
// connection. Owns the listeners, the open CLI connections and the command context they share.
// Lives on the engine's loop; create it after the engine and destroy it before.
#pragma once

#include <list>
#include <memory>
#include <string>
#include <vector>

#include "conf/model.hpp"
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
  AdminSockets(core::Engine& engine, ProcessInfo process);
  ~AdminSockets();
  AdminSockets(const AdminSockets&) = delete;
  AdminSockets& operator=(const AdminSockets&) = delete;

  // Binds every `stats socket` of `global` and applies `stats timeout`. Returns one message per
  // socket that could not listen (the others are served). `takeover`: replacing an older
  // process (-sf/-st), whose live UNIX sockets may be replaced.
  std::vector<std::string> listen(const conf::GlobalConf& global, bool takeover = false);
  // Serves a socket that already listens (nonblocking). `text` names it in `show cli sockets`.
  void serve(core::Fd fd, std::string text, conf::Level level, core::SocketFile file = {});
  void set_timeout(core::Millis timeout) { timeout_ = timeout; }

  size_t listener_count() const { return listeners_.size(); }
  size_t connection_count() const { return connections_.size(); }

  // For connections.
  CliContext& context() { return context_; }
  core::EventLoop& loop() { return engine_.loop; }
  // A connection sent `n` bytes: HAProxy's TotalBytesOut counts the CLI's replies too.
  void count_sent(size_t n) { engine_.cli_bytes_out += n; }
  void release(AdminConnection& connection);  // deleted after the current callback

 private:
  class Listener;
  void accepted(core::Fd fd, conf::Level level);
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
};

// How `show cli sockets` names an address: "unix@/run/ferry.sock", "ipv4@127.0.0.1:9999".
std::string socket_text(const core::SockAddr& addr);

}  // namespace ferry::stats
