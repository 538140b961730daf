#include "healthcheck/check_task.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "core/backend.hpp"
#include "core/socket_ops.hpp"
#include "healthcheck/log_sentences.hpp"

namespace ferry::healthcheck {

using Kind = ProbeAction::Kind;

CheckTask::CheckTask(core::Engine& engine, core::Server& server, HealthState& state,
                     const Probe& probe, CheckTimeouts timeouts, CheckSink& sink)
    : engine_(engine),
      server_(server),
      state_(state),
      probe_(probe),
      timeouts_(timeouts),
      sink_(sink),
      io_(engine.loop, this),
      tick_(engine.loop, this),
      deadline_(engine.loop, this) {}

CheckTask::~CheckTask() {
  io_.stop();  // before the fd closes
}

void CheckTask::start(core::Millis first_delay) {
  schedule(first_delay);
}

void CheckTask::check_due_by(core::Millis at) {
  if (probing() || at >= next_at_) return;
  schedule(std::max(core::Millis{0}, at - engine_.loop.now()));
}

void CheckTask::schedule(core::Millis after) {
  next_at_ = engine_.loop.now() + after;
  tick_.start(after);
}

void CheckTask::on_tick() {
  if (!state_.checking()) return schedule(state_.next_interval());
  begin();
}

void CheckTask::begin() {
  run_ = probe_.start_run();
  state_.on_check_started();
  started_at_ = engine_.loop.now();
  deadline_.start(timeouts_.connect_budget());
  run_steps(run_->start());
}

void CheckTask::run_steps(Next next) {
  while (next)
    next = step(std::move(*next));
}

CheckTask::Next CheckTask::step(ProbeAction action) {
  switch (action.kind) {
    case Kind::Connect:
      return connect();
    case Kind::Send:
      out_ = std::move(action.bytes);
      out_done_ = 0;
      return send_pending();
    case Kind::Receive:
      return receive();
    case Kind::Finish:
      return fail(std::move(action.result));
  }
  return std::nullopt;
}

// A new connection replaces any previous one and starts with an empty receive buffer.
CheckTask::Next CheckTask::connect() {
  release_socket();
  core::ConnectResult cr = core::connect_to(server_.addr);
  if (cr.err != 0) {
    if (cr.err == EAGAIN && server_.addr.is_unix())
      engine_.log.message(core::Severity::Err, log_unix_backlog_full(server_.backend->name));
    return fail(run_->connect_failed(cr.err, ConnectPhase::Immediate));
  }
  fd_ = std::move(cr.fd);
  if (cr.in_progress) return wait(Wait::Connect, EV_WRITE);
  return connected();
}

CheckTask::Next CheckTask::connected() {
  if (auto rest = timeouts_.after_connect()) deadline_.start(*rest);
  // send-proxy (or check-send-proxy) servers get a header without a client first, as HAProxy
  // sends it: v1 UNKNOWN, v2 LOCAL. With check-send-proxy alone, v1.
  const auto& pp = server_.proxy;
  if (pp.version != 0 || pp.check) {
    out_ = core::proxy_protocol::encode_local({.version = pp.version != 0 ? pp.version : 1});
    out_done_ = 0;
    return send_pending();
  }
  return run_->done();
}

CheckTask::Next CheckTask::send_pending() {
  while (out_done_ < out_.size()) {
    const ssize_t n =
        ::send(fd_.get(), out_.data() + out_done_, out_.size() - out_done_, MSG_NOSIGNAL);
    if (n >= 0) {
      out_done_ += static_cast<size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return wait(Wait::Send, EV_WRITE);
    } else if (errno != EINTR) {
      return fail(run_->io_failed(errno));
    }
  }
  out_.clear();
  in_.clear();
  conclusive_ = false;
  return run_->done();
}

// One read per call; the probe judges everything received since the last Send.
CheckTask::Next CheckTask::receive() {
  // The probe already saw a final answer and still wants more: only the deadline can end it.
  if (conclusive_) return wait(Wait::None, 0);
  const size_t had = in_.size();
  in_.resize(kCheckBufferSize);
  const ssize_t n = peer_closed_ ? 0 : ::recv(fd_.get(), in_.data() + had, in_.size() - had, 0);
  in_.resize(had + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  if (n < 0) {
    if (errno == EINTR) return ProbeAction{Kind::Receive, "", {}};
    if (errno == EAGAIN || errno == EWOULDBLOCK) return wait(Wait::Receive, EV_READ);
    return fail(run_->io_failed(errno));
  }
  peer_closed_ = peer_closed_ || n == 0;
  conclusive_ = peer_closed_ || in_.size() >= kCheckBufferSize;
  return run_->received(in_, peer_closed_);
}

CheckTask::Next CheckTask::wait(Wait what, int events) {
  waiting_ = what;
  io_.watch(fd_.get(), events);
  return std::nullopt;
}

CheckTask::Next CheckTask::fail(CheckResult result) {
  finish(std::move(result));
  return std::nullopt;
}

void CheckTask::on_io(int) {
  switch (waiting_) {
    case Wait::Connect:
      if (const int err = core::socket_error(fd_.get()); err != 0)
        return finish(run_->connect_failed(err, ConnectPhase::Deferred));
      io_.stop();
      return run_steps(connected());
    case Wait::Send:
      return run_steps(send_pending());
    case Wait::Receive:
      return run_steps(receive());
    case Wait::None:
      return;
  }
}

void CheckTask::on_deadline() {
  if (probing()) finish(run_->timed_out());
}

void CheckTask::release_socket() {
  io_.stop();
  waiting_ = Wait::None;
  fd_.reset();
  in_.clear();
  out_.clear();
  peer_closed_ = conclusive_ = false;
}

// Ends the probe, hands the verdict over, and schedules the next check from now.
void CheckTask::finish(CheckResult result) {
  release_socket();
  deadline_.stop();
  run_.reset();
  result.duration_ms = (engine_.loop.now() - started_at_).count();
  sink_.check_completed(server_, result);
  schedule(state_.next_interval());
}

}  // namespace ferry::healthcheck
