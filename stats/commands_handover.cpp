// What a new ferry process started with `-x` takes over from the one it replaces, through its
// stats socket at level admin: `_getsocks` (HAProxy's command name; ferry's own reply format, so
// only a ferry reads it; only on a stats socket with `expose-fd listeners`) and `_getstate`.
#include "core/fd_passing.hpp"
#include "stats/command_handlers.hpp"
#include "stats/server_state.hpp"

namespace ferry::stats {

// The reply: one line per listener, "<address> <number of sockets>", in the order of the
// descriptors passed with it. From then on the listeners are shared with the new process: this
// process no longer shuts them down or removes their socket files when it stops.
Reply get_socks(Invocation& in) {
  if (!in.session.expose_fd)
    return error("Permission denied: this stats socket has no 'expose-fd listeners'.\n");
  auto lk = in.ctx.engine.lock_state();
  Reply reply = output("");
  for (const auto& fe : in.ctx.engine.frontends)
    for (const auto& l : fe->listeners) {
      if (l->closed()) continue;
      reply.text += l->addr.to_string() + " " + std::to_string(l->fds().size()) + "\n";
      for (const auto& fd : l->fds())
        reply.fds.push_back(fd.get());
    }
  if (reply.fds.size() > core::kMaxPassedFds)
    return error("Too many listening sockets to pass at once (" + std::to_string(reply.fds.size()) +
                 ", at most " + std::to_string(core::kMaxPassedFds) + ").\n");
  if (reply.fds.empty()) return output("\n");
  for (const auto& fe : in.ctx.engine.frontends)
    for (const auto& l : fe->listeners)
      if (!l->closed()) l->hand_over();
  return reply;
}

// `show servers state` with UNIX servers' paths (`unix@PATH`), so that the new process can tell
// a server whose path its config changed.
Reply get_state(Invocation& in) {
  return output(render_servers_state(in.ctx.engine, nullptr, true));
}

}  // namespace ferry::stats
