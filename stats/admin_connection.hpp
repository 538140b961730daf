// One connection to a stats socket: reads bytes, runs each complete command in order, queues
// the replies and writes them out whole, however large, pausing input while the client is slow
// to read. Non-interactive (the default) it closes once its buffered input is done; after
// `prompt` it stays open until `quit`, the timeout or the client leaves. A `wait` command
// is polled on a timer, so it never blocks the loop. Owned by AdminSockets; never destroyed
// inside its own callbacks (close() hands it back for deferred deletion).
//
// What one client can cost is bounded: at most kCommandBudget commands run per wake-up (the rest
// go on in a later loop iteration), no command runs and nothing is read while more than
// kOutputBound bytes of replies wait for the client, the unread input held is bounded, a command
// line longer than kMaxCommandLength is answered with an error and the connection closed, and the
// timeout (`stats timeout`, `set timeout cli`) counts from the connection's start, its last
// completed command or the last reply bytes the client took, never from a byte of a line still
// incomplete: a line trickled byte by byte must be complete within the timeout.
//
// On a socket with `ssl` the connection first completes the TLS handshake, within the same
// timeout, driven by the loop's events like everything else; no byte of a reply is ever sent in
// clear text. Then (at once without TLS) the socket's `grant` / `deny` rules give the client its
// level or refuse it: closed without a byte, and logged. Every command that changes state is
// logged (the audit line: socket, peer, level, command, the reply's first line), unless the
// socket has `no-audit`.
#pragma once

#include <list>
#include <memory>
#include <optional>
#include <string>

#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "stats/admin_access.hpp"
#include "stats/admin_tls.hpp"
#include "stats/commands.hpp"

namespace ferry::stats {

class AdminSockets;

class AdminConnection {
 public:
  // `access` and `socket_text` belong to the socket, which outlives its connections.
  AdminConnection(AdminSockets& owner, core::Fd fd, conf::Level level, core::Millis timeout,
                  const AdminAccess& access, const std::string& socket_text, AdminPeer peer);
  ~AdminConnection();
  // The socket has `expose-fd listeners`: `_getsocks` may pass descriptors.
  void allow_fd_passing(bool on) { session_.expose_fd = on; }
  AdminConnection(const AdminConnection&) = delete;
  AdminConnection& operator=(const AdminConnection&) = delete;

  void start();
  bool closed() const { return !fd_; }
  // May be dropped to make room for a new client: nothing is in progress for it (no wait, no
  // reply pending) and it has not completed a command yet or holds an incomplete line.
  bool idle_partial() const;
  void drop() { close(); }
  // Where the owner keeps this connection, for O(1) removal; which socket it came to, from
  // which source (peer uid or address), when.
  std::list<std::unique_ptr<AdminConnection>>::iterator self;
  size_t socket = 0;
  std::string source;
  core::Millis since{0};

 private:
  void on_io(int revents);
  void continue_handshake();
  void admit();  // the rules decide: a level, or closed
  void audit(const std::string& command, const std::string& reply);
  // The socket or the TLS stream: >0 bytes, 0 end of input, kWait, kFailed (TlsStream's values).
  ssize_t receive(char* buf, size_t len);
  ssize_t transmit(const char* buf, size_t len);
  void on_idle_timeout();
  void on_wait_tick();
  void on_continue();

  bool read_input();  // false when the connection failed and was closed
  void run_commands();
  bool run_one(std::string_view input);  // false: stop running commands for now
  void work();                           // run what is buffered, write, then watch what is due
  void after_reply();
  void queue_reply(const Reply& reply);
  bool begin_wait(const WaitRequest& wait);  // true while the wait goes on
  void end_wait(WaitStatus status);
  void schedule_wait_tick();
  void flush();
  void discard_input();
  void update_watchers();
  void arm_idle_timer();
  size_t pending_output() const { return out_.size() - out_pos_; }
  size_t pending_input() const { return in_.size() - in_pos_; }
  bool runnable() const;
  void close();

  AdminSockets& owner_;
  core::Fd fd_;
  const AdminAccess& access_;
  const std::string& socket_text_;
  AdminPeer peer_;
  std::unique_ptr<TlsStream> tls_;
  bool admitted_ = false;
  std::string waiting_command_;  // a state-changing command whose reply comes after its wait
  CliSession session_;
  std::string in_;
  size_t in_pos_ = 0;  // bytes of in_ already run; erased once per batch
  std::string out_;
  size_t out_pos_ = 0;
  bool eof_ = false;      // the client sent everything it will send
  bool closing_ = false;  // close once the output is written
  bool ran_command_ = false;
  bool more_ready_ = false;  // run_commands() stopped with commands left to run
  std::optional<WaitRequest> wait_;
  core::Millis wait_deadline_{0};
  core::IoWatcher<AdminConnection, &AdminConnection::on_io> io_;
  core::TimerWatcher<AdminConnection, &AdminConnection::on_idle_timeout> idle_timer_;
  core::TimerWatcher<AdminConnection, &AdminConnection::on_wait_tick> wait_timer_;
  core::TimerWatcher<AdminConnection, &AdminConnection::on_continue> continue_;
};

}  // namespace ferry::stats
