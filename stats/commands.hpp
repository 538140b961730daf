// The runtime API commands (HAProxy 2.6 `stats socket` CLI, plus 3.0's `wait`): a table of
// {words, level, handler, usage, help}; the level is checked before the handler parses anything.
// Pure request -> reply logic over the engine: no sockets here (admin_socket.hpp does the I/O).
// Every state change to a server goes through engine.server_control.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/engine.hpp"
#include "stats/info_fields.hpp"

namespace ferry::stats {

// How HAProxy flags a reply, which matters only after `set severity-output`: data (show stat,
// get weight) is never prefixed; messages get `[6]: ` (info) or `[3]: ` (error).
enum class Severity { Output, Info, Error };
enum class SeverityOutput { None, Number, String };

// A wait, carried out by the connection: `wait <delay> [srv-removable <backend>/<server>]`, or
// the guarded take-out of `safe disable|drain server ... wait <delay>` retried until it passes.
struct WaitRequest {
  enum class Kind : uint8_t { Sleep, SrvRemovable, TakeOut };
  Kind kind = Kind::Sleep;
  core::Millis delay{0};
  std::string backend;  // SrvRemovable, TakeOut
  std::string server;
  bool drain = false;  // TakeOut: to DRAIN (else MAINT)
  int keep_up = 1;     // TakeOut: usable servers the backend must keep besides this one
};

struct Reply {
  std::string text;  // exactly what the command prints (its own LFs included)
  Severity severity = Severity::Output;
  std::optional<WaitRequest> wait;  // set: the reply comes later, from finish_wait()
  std::vector<int> fds;             // descriptors sent with the reply's first byte (`_getsocks`)
  bool audit = false;               // the command changes state: log who ran it and the reply
};

// One CLI connection's state.
struct CliSession {
  conf::Level bind_level = conf::Level::Operator;  // the socket's level
  conf::Level level = conf::Level::Operator;       // lowered by `operator` / `user`
  bool interactive = false;                        // `prompt`
  bool quit = false;                               // `quit`: close now
  bool expose_fd = false;  // the socket has `expose-fd listeners`: `_getsocks` is allowed
  SeverityOutput severity_output = SeverityOutput::None;
  core::Millis timeout{10000};  // idle timeout, `set timeout cli`
};

// A listening stats socket, as `show cli sockets` lists it.
struct SocketDesc {
  std::string text;  // "unix@/run/ferry.sock", "ipv4@127.0.0.1:9999"
  conf::Level level = conf::Level::Operator;
  bool expose_fd = false;  // `expose-fd listeners`
};

// What commands read and act on; owned by the admin server, on the engine's loop.
struct CliContext {
  core::Engine& engine;
  ProcessInfo& process;
  std::vector<SocketDesc> sockets;
};

// Runs one command (already split into words).
Reply run_command(const std::vector<std::string>& words, CliSession& session, CliContext& ctx);

// The bytes sent for a reply: the severity prefix when asked for, the text, then the
// post-command prompt (LF, or LF + "> " in interactive mode).
std::string format_reply(const Reply& reply, const CliSession& session);

enum class WaitStatus { Pending, Done, Failed };
// Where a wait stands now (a TakeOut is tried, and made when it passes); a plain sleep stays
// Pending until its deadline.
WaitStatus wait_status(const WaitRequest& wait, core::Engine& engine);
// The final reply of a wait: Done, Failed, or the deadline passed while Pending.
Reply finish_wait(const WaitRequest& wait, WaitStatus status);

std::string_view level_name(conf::Level level);
// The words of a command, joined by spaces, for the audit line.
std::string join_words(const std::vector<std::string>& words);

}  // namespace ferry::stats
