// bulk: --conns connections each send --bytes (in --chunk sized send() calls, from one shared
// buffer), then half-close. The sink answers the half-close with the count of bytes it read (8
// bytes, little-endian) and closes, so every byte is accounted end to end. The window runs from
// the first connect to the last acknowledgement.
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "bench/generator_run.hpp"
#include "core/fd.hpp"

namespace ferry::bench {

namespace {

class BulkScenario;

class BulkConn {
 public:
  BulkConn(Run& run, BulkScenario& owner, const std::vector<char>& chunk)
      : run_(run), owner_(owner), chunk_(chunk), io_(run.loop, this) {}
  BulkConn(const BulkConn&) = delete;
  BulkConn& operator=(const BulkConn&) = delete;

  void open();

 private:
  enum class State { Connecting, Sending, AwaitingAck, AwaitingClose, Done };
  void on_io(int revents);
  void send_some();
  void receive_ack();
  void finish(bool failed);
  void fail(const char* what, int err = 0) {
    run_.error(what, err);
    finish(true);
  }

  Run& run_;
  BulkScenario& owner_;
  const std::vector<char>& chunk_;
  core::Fd fd_;
  core::IoWatcher<BulkConn, &BulkConn::on_io> io_;
  State state_ = State::Connecting;
  uint64_t sent_ = 0;
  unsigned char ack_[8] = {};
  uint32_t ack_got_ = 0;
};

class BulkScenario final : public Scenario {
 public:
  explicit BulkScenario(Run& run) : run_(run), chunk_(run.opt.chunk) {
    for (size_t i = 0; i < chunk_.size(); ++i)
      chunk_[i] = static_cast<char>(i * 7 + 1);
  }

  void start() override {
    for (unsigned i = 0; i < run_.opt.conns; ++i)
      conns_.push_back(std::make_unique<BulkConn>(run_, *this, chunk_));
    run_.open_window();
    for (auto& c : conns_)
      c->open();
  }

  void report(JsonLine& out) const override {
    const double secs = run_.window_seconds();
    const double gb = static_cast<double>(run_.tally.bytes_received) / 1e9;
    out.add("bytes_acked", run_.tally.bytes_received)
        .add("gbps", secs > 0 ? gb / secs : 0.0)
        .add("proxy_cpu_s_per_gb", gb > 0 && run_.cpu.proxy_s >= 0 ? run_.cpu.proxy_s / gb : -1.0);
  }

  void finished() {
    if (++finished_ < conns_.size()) return;
    run_.close_window();
    run_.finish();
  }

 private:
  Run& run_;
  std::vector<char> chunk_;
  std::vector<std::unique_ptr<BulkConn>> conns_;
  size_t finished_ = 0;
};

void BulkConn::open() {
  const ConnectAttempt a = connect_nonblocking(run_.opt.target, run_.next_connect++);
  if (a.fd < 0) return fail("connect", a.err);
  fd_.reset(a.fd);
  if (a.in_progress) return io_.watch(fd_.get(), EV_WRITE);
  ++run_.tally.connections;
  state_ = State::Sending;
  send_some();
}

void BulkConn::send_some() {
  const uint64_t total = run_.opt.bytes;
  while (sent_ < total) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(chunk_.size(), total - sent_));
    const ssize_t n = ::send(fd_.get(), chunk_.data(), len, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<uint64_t>(n);
      run_.tally.bytes_sent += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return io_.watch(fd_.get(), EV_WRITE);
    return fail("send", errno);
  }
  if (::shutdown(fd_.get(), SHUT_WR) != 0) return fail("shutdown", errno);
  state_ = State::AwaitingAck;
  io_.watch(fd_.get(), EV_READ);
}

void BulkConn::receive_ack() {
  unsigned char* to = state_ == State::AwaitingAck ? ack_ + ack_got_ : ack_;
  const size_t room = state_ == State::AwaitingAck ? sizeof ack_ - ack_got_ : sizeof ack_;
  const ssize_t n = ::recv(fd_.get(), to, room, 0);
  if (n < 0) return errno == EAGAIN || errno == EINTR ? void() : fail("recv", errno);
  if (state_ == State::AwaitingClose)
    return n == 0 ? finish(false) : fail("bytes after the sink's count");
  if (n == 0) return fail("the sink closed without acknowledging");
  ack_got_ += static_cast<uint32_t>(n);
  if (ack_got_ < sizeof ack_) return;
  uint64_t acked = 0;
  for (int i = 7; i >= 0; --i)
    acked = (acked << 8) | ack_[i];
  run_.tally.bytes_received += acked;
  if (acked != sent_) return fail("the sink acknowledged a different byte count");
  state_ = State::AwaitingClose;
}

void BulkConn::on_io(int revents) {
  switch (state_) {
    case State::Connecting:
      if (const int err = socket_error(fd_.get())) return fail("connect", err);
      ++run_.tally.connections;
      state_ = State::Sending;
      return send_some();
    case State::Sending:
      if (revents & EV_WRITE) send_some();
      return;
    case State::AwaitingAck:
    case State::AwaitingClose:
      if (revents & EV_READ) receive_ack();
      return;
    case State::Done:
      return;
  }
}

void BulkConn::finish(bool) {
  io_.stop();
  fd_.reset();
  state_ = State::Done;
  owner_.finished();
}

}  // namespace

std::unique_ptr<Scenario> make_bulk_scenario(Run& run) {
  return std::make_unique<BulkScenario>(run);
}

}  // namespace ferry::bench
