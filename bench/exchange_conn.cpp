#include "bench/exchange_conn.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ferry::bench {

namespace {
constexpr core::Millis kBacklogRetry{1};  // a full UNIX backlog: try again this much later
}

ExchangeConn::ExchangeConn(Run& run, ExchangeOwner& owner, AfterReply after, unsigned id)
    : run_(run),
      owner_(owner),
      after_(after),
      io_(run.loop, this),
      retry_(run.loop, this),
      out_(run.opt.msg_size),
      in_(run.opt.msg_size),
      seq_(uint64_t{id} << 32) {
  for (size_t i = 0; i < out_.size(); ++i)
    out_[i] = static_cast<unsigned char>(id * 31 + i);
}

void ExchangeConn::open() {
  io_.stop();
  fd_.reset();
  if (state_ != State::Connecting) {  // not a retry after a full backlog
    if (after_ != AfterReply::NextRequest && !owner_.reserve_request()) return finish(false);
    state_ = State::Connecting;
    started_ns_ = now_ns();
  }
  const ConnectAttempt a = connect_nonblocking(run_.opt.target, run_.next_connect++);
  if (a.fd < 0 && a.err == EAGAIN) return retry_.start(kBacklogRetry);
  if (a.fd < 0) return fail("connect", a.err);
  fd_.reset(a.fd);
  if (a.in_progress) return watch(EV_WRITE);
  connected();
}

void ExchangeConn::connected() {
  ++run_.tally.connections;
  begin_request();
}

void ExchangeConn::begin_request() {
  if (after_ == AfterReply::NextRequest) {
    if (!owner_.reserve_request()) return finish(false);
    started_ns_ = now_ns();
  }
  ++seq_;
  std::memcpy(out_.data(), &seq_, sizeof seq_);
  sent_ = got_ = 0;
  state_ = State::Sending;
  send_some();
}

void ExchangeConn::send_some() {
  while (sent_ < out_.size()) {
    const ssize_t n = ::send(fd_.get(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<uint32_t>(n);
      run_.tally.bytes_sent += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return watch(EV_WRITE);
    return fail("send", errno);
  }
  state_ = State::Receiving;
  watch(EV_READ);
}

void ExchangeConn::receive_some() {
  const ssize_t n = ::recv(fd_.get(), in_.data() + got_, in_.size() - got_, 0);
  if (n > 0) {
    got_ += static_cast<uint32_t>(n);
    run_.tally.bytes_received += static_cast<uint64_t>(n);
    if (got_ == in_.size()) reply_complete();
    return;
  }
  if (n == 0) return fail("connection closed before the whole reply arrived");
  if (errno != EAGAIN && errno != EINTR) fail("recv", errno);
}

void ExchangeConn::reply_complete() {
  if (std::memcmp(in_.data(), out_.data(), in_.size()) != 0)
    return fail("reply differs from the request");
  ++run_.tally.requests;
  ++replies_;
  owner_.replied(*this, started_ns_);
  switch (after_) {
    case AfterReply::NextRequest:
      return begin_request();
    case AfterReply::Reconnect:
      state_ = State::Idle;
      return open();
    case AfterReply::Hold:
      state_ = State::Holding;
      return watch(EV_READ);  // anything arriving now is an error
  }
}

void ExchangeConn::on_io(int revents) {
  switch (state_) {
    case State::Connecting:
      if (const int err = socket_error(fd_.get())) return fail("connect", err);
      return connected();
    case State::Sending:
      if (revents & EV_WRITE) send_some();
      return;
    case State::Receiving:
      if (revents & EV_READ) receive_some();
      return;
    case State::Holding:
      return fail("a held connection was closed or sent data");
    default:
      return;
  }
}

void ExchangeConn::close_now() {
  if (state_ == State::Done) return;
  finish(false);
}

void ExchangeConn::fail(const char* what, int err) {
  run_.error(what, err);
  finish(true);
}

void ExchangeConn::finish(bool failed) {
  io_.stop();
  retry_.stop();
  fd_.reset();
  state_ = State::Done;
  owner_.finished(*this, failed);
}

}  // namespace ferry::bench
