#include "stats/admin_connection.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "core/fd_passing.hpp"
#include "stats/admin_socket.hpp"
#include "stats/cli_parser.hpp"

namespace ferry::stats {

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kReadBatch = 256 * 1024;   // bytes read per wake-up before yielding
constexpr size_t kInputBound = 64 * 1024;   // unrun input held; above, reading pauses
constexpr size_t kOutputBound = 64 * 1024;  // pending output above which commands and reads pause
constexpr size_t kCommandBudget = 64;       // commands run per wake-up
constexpr core::Millis kMaxPoll{100};       // a wait re-checks its condition at least this often

}  // namespace

AdminConnection::AdminConnection(AdminSockets& owner, core::Fd fd, conf::Level level,
                                 core::Millis timeout, const AdminAccess& access,
                                 const std::string& socket_text, AdminPeer peer)
    : owner_(owner),
      fd_(std::move(fd)),
      access_(access),
      socket_text_(socket_text),
      peer_(std::move(peer)),
      io_(owner.loop(), this),
      idle_timer_(owner.loop(), this),
      wait_timer_(owner.loop(), this),
      continue_(owner.loop(), this) {
  session_.bind_level = session_.level = level;
  session_.timeout = timeout;
}

AdminConnection::~AdminConnection() = default;

void AdminConnection::start() {
  arm_idle_timer();  // bounds the handshake too
  if (!access_.tls) return admit();
  tls_ = std::make_unique<TlsStream>(*access_.tls, fd_.get(), true);
  continue_handshake();
}

void AdminConnection::continue_handshake() {
  const ssize_t rc = tls_->handshake();
  if (rc == TlsStream::kWait) {
    io_.watch(fd_.get(), tls_->want() == TlsStream::Want::Write ? EV_WRITE : EV_READ);
    return;
  }
  if (rc == TlsStream::kFailed) {
    owner_.log().notice(socket_text_ + ": TLS handshake with " + peer_.describe() +
                        " failed: " + tls_->error());
    return close();
  }
  peer_.cn = tls_->peer_cn();
  peer_.subject = tls_->peer_subject();
  admit();
}

void AdminConnection::admit() {
  const auto level = client_level(access_.clients, session_.bind_level, peer_);
  if (!level) {
    owner_.log().notice(socket_text_ + ": refused " + peer_.describe() + " (deny rule)");
    return close();
  }
  admitted_ = true;
  session_.bind_level = session_.level = *level;
  work();
}

// Control characters of a command or reply are shown as '?' in the log.
void AdminConnection::audit(const std::string& command, const std::string& reply) {
  if (!access_.audit) return;
  auto printable = [](std::string text) {
    for (char& c : text)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return text;
  };
  const std::string first = reply.substr(0, reply.find('\n'));
  owner_.log().notice("audit: " + socket_text_ + ": " + peer_.describe() + " level " +
                      std::string(level_name(session_.level)) + ": '" + printable(command) +
                      "' -> '" + printable(first) + "'");
}

ssize_t AdminConnection::receive(char* buf, size_t len) {
  if (tls_) return tls_->read(buf, len);
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), buf, len, 0);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? TlsStream::kWait : TlsStream::kFailed;
  }
}

ssize_t AdminConnection::transmit(const char* buf, size_t len) {
  if (tls_) return tls_->write(buf, len);
  for (;;) {
    const ssize_t n = ::send(fd_.get(), buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) return n;
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? TlsStream::kWait
                                                              : TlsStream::kFailed;
  }
}

bool AdminConnection::idle_partial() const {
  return fd_ && !wait_ && !closing_ && pending_output() == 0 &&
         (!ran_command_ || pending_input() > 0);
}

void AdminConnection::on_io(int revents) {
  if (!admitted_) return continue_handshake();
  // A TLS record may be read while writing and written while reading: try both.
  if ((tls_ || (revents & EV_READ)) && !read_input()) return;
  work();
}

void AdminConnection::on_continue() {
  if (tls_ && tls_->pending() && !read_input()) return;
  work();
}

void AdminConnection::work() {
  run_commands();
  flush();
  if (fd_ && more_ready_ && pending_output() < kOutputBound) continue_.start(core::Millis(0));
}

void AdminConnection::on_idle_timeout() {
  if (tls_ && !admitted_)
    owner_.log().notice(socket_text_ + ": TLS handshake with " + peer_.describe() + " timed out");
  close();
}

// Reads no more than the input bound: bytes never restart the timeout, only commands do.
bool AdminConnection::read_input() {
  size_t total = 0;
  char buf[kReadChunk];
  while (total < kReadBatch && !eof_ && pending_input() < kInputBound) {
    const size_t room = std::min(sizeof(buf), kInputBound - pending_input());
    const ssize_t n = receive(buf, room);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      total += static_cast<size_t>(n);
    } else if (n == 0) {
      eof_ = true;
    } else if (n == TlsStream::kWait) {
      break;
    } else {
      close();  // reset by the client: nobody is left to answer
      return false;
    }
  }
  return true;
}

// Runs the complete commands buffered, in order, until one waits, the output backs up, the
// session ends or the budget of this wake-up is spent; then drops the input consumed, once.
void AdminConnection::run_commands() {
  more_ready_ = false;
  size_t budget = kCommandBudget;
  while (fd_ && !wait_ && !closing_) {
    if (budget-- == 0 || pending_output() >= kOutputBound) {
      more_ready_ = true;
      break;
    }
    if (!run_one(std::string_view(in_).substr(in_pos_))) break;
  }
  in_.erase(0, in_pos_);
  in_pos_ = 0;
  // An unterminated tail never runs.
  if (eof_ && !wait_ && !closing_ && !more_ready_ && !next_command(in_, eof_)) closing_ = true;
}

bool AdminConnection::run_one(std::string_view input) {
  const auto cmd = next_command(input, eof_);
  if (!cmd) return false;
  if (cmd->too_long) {
    out_ += format_reply(Reply{std::string(kLineTooLong), Severity::Error, {}, {}}, session_);
    in_pos_ = in_.size();
    closing_ = true;
    return false;
  }
  in_pos_ += cmd->consumed;
  ran_command_ = true;
  Reply reply = run_command(cmd->words, session_, owner_.context());
  const std::string command = reply.audit ? join_words(cmd->words) : std::string();
  if (session_.quit) {  // no output; later commands are dropped
    in_pos_ = in_.size();
    closing_ = true;
    return false;
  }
  arm_idle_timer();
  if (reply.wait) waiting_command_ = command;
  if (reply.wait && begin_wait(*reply.wait)) return false;
  if (!reply.wait) {
    if (reply.audit) audit(command, reply.text);
    queue_reply(reply);
  }
  after_reply();
  return true;
}

// A reply that passes descriptors (`_getsocks`) leaves at once with them attached to its first
// byte, when nothing is queued before it; otherwise it is refused.
void AdminConnection::queue_reply(const Reply& reply) {
  std::string text = format_reply(reply, session_);
  if (!reply.fds.empty()) {
    const ssize_t n =
        pending_output() == 0 ? core::send_with_fds(fd_.get(), text, reply.fds) : ssize_t{-1};
    if (n <= 0) text = "Cannot pass the sockets: send the command alone, on a new connection.\n";
    if (n > 0) owner_.count_sent(static_cast<size_t>(n));
    text.erase(0, n > 0 ? static_cast<size_t>(n) : 0);
  }
  out_ += text;
}

// A non-interactive session ends once the client has nothing more buffered.
void AdminConnection::after_reply() {
  if (!session_.interactive && pending_input() == 0) closing_ = true;
}

bool AdminConnection::begin_wait(const WaitRequest& wait) {
  wait_ = wait;
  wait_deadline_ = owner_.loop().now() + wait.delay;
  const WaitStatus status = wait_status(wait, owner_.context().engine);
  if (status != WaitStatus::Pending && wait.kind != WaitRequest::Kind::Sleep) {
    end_wait(status);
    return false;
  }
  idle_timer_.stop();  // a wait may outlast the idle timeout
  schedule_wait_tick();
  return true;
}

void AdminConnection::schedule_wait_tick() {
  const core::Millis left = wait_deadline_ - owner_.loop().now();
  core::Millis step =
      wait_->kind == WaitRequest::Kind::Sleep ? left : std::min(kMaxPoll, wait_->delay / 10);
  step = std::clamp(step, core::Millis(1), std::max(left, core::Millis(1)));
  wait_timer_.start(step);
}

void AdminConnection::on_wait_tick() {
  const WaitStatus status = wait_status(*wait_, owner_.context().engine);
  if (status == WaitStatus::Pending && owner_.loop().now() < wait_deadline_) {
    schedule_wait_tick();
    return;
  }
  end_wait(status);
  arm_idle_timer();
  work();
}

// Queues the wait's final reply; the caller carries on with the commands buffered behind it.
void AdminConnection::end_wait(WaitStatus status) {
  wait_timer_.stop();
  const WaitRequest wait = std::move(*wait_);
  wait_.reset();
  const Reply reply = finish_wait(wait, status);
  if (!waiting_command_.empty()) audit(std::exchange(waiting_command_, {}), reply.text);
  out_ += format_reply(reply, session_);
  after_reply();
}

void AdminConnection::flush() {
  while (fd_ && pending_output() > 0) {
    const ssize_t n = transmit(out_.data() + out_pos_, pending_output());
    if (n > 0) {
      out_pos_ += static_cast<size_t>(n);
      owner_.count_sent(static_cast<size_t>(n));
      if (out_pos_ >= kOutputBound) {  // drop what was sent so the buffer does not keep growing
        out_.erase(0, out_pos_);
        out_pos_ = 0;
      }
      arm_idle_timer();
    } else if (n == TlsStream::kWait) {
      break;
    } else {
      return close();
    }
  }
  if (!fd_) return;
  if (pending_output() == 0) {
    out_.clear();
    out_pos_ = 0;
    if (closing_) {
      discard_input();
      if (tls_) tls_->close_notify();
      ::shutdown(fd_.get(), SHUT_WR);
      return close();
    }
  }
  update_watchers();
}

// Bytes left unread when a TCP socket closes make the kernel send a reset, which may destroy the
// reply still in flight; read and drop what the client sent after its last command.
void AdminConnection::discard_input() {
  char buf[kReadChunk];
  for (size_t total = 0; total < kReadBatch;) {
    const ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), MSG_DONTWAIT);
    if (n <= 0 && !(n < 0 && errno == EINTR)) return;
    total += n > 0 ? static_cast<size_t>(n) : 0;
  }
}

void AdminConnection::update_watchers() {
  int events = 0;
  const bool want_input =
      !eof_ && !closing_ && pending_output() < kOutputBound && pending_input() < kInputBound;
  if (want_input) events |= EV_READ;
  if (pending_output() > 0) events |= EV_WRITE;
  // TLS: the record layer may need the other direction to go on.
  if (tls_ && tls_->want() == TlsStream::Want::Write) events |= EV_WRITE;
  if (tls_ && tls_->want() == TlsStream::Want::Read && !closing_) events |= EV_READ;
  io_.watch(fd_.get(), events);
  if (want_input && tls_ && tls_->pending()) continue_.start(core::Millis(0));
}

void AdminConnection::arm_idle_timer() {
  if (!wait_ && fd_) idle_timer_.start(session_.timeout);
}

void AdminConnection::close() {
  if (!fd_) return;
  io_.stop();
  idle_timer_.stop();
  wait_timer_.stop();
  continue_.stop();
  fd_.reset();
  owner_.release(*this);
}

}  // namespace ferry::stats
