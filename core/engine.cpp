#include "core/engine.hpp"

#include <cstring>

#include "core/session.hpp"

namespace ferry::core {

namespace {
constexpr Millis kAcceptRetry{100};  // pause after EMFILE & co before accepting again
}

Engine::Engine(EventLoop& l, Log& lg, unsigned max)
    : loop(l),
      log(lg),
      pipes(max / 4),
      maxconn(max),
      start_time(l.now()),
      session_memory_(std::make_unique<ObjectPool<Session>>()),
      reaper_(l, this),
      accept_retry_(l, this) {}

Engine::~Engine() {
  kill_all_sessions();
  reap();
  frontends.clear();  // listeners first: they may still reference backends
  backends.clear();
}

Backend* Engine::find_backend(std::string_view name) const {
  for (const auto& b : backends)
    if (b->name == name) return b.get();
  return nullptr;
}

Frontend* Engine::find_frontend(std::string_view name) const {
  for (const auto& f : frontends)
    if (f->name == name) return f.get();
  return nullptr;
}

void Engine::accepted(Frontend& fe, Fd client, const SockAddr& peer) {
  if (!peer.is_unix()) set_nodelay(client.get());
  const Millis now = loop.now();
  ++actconn;
  ++cum_conns;
  conn_rate.add(now);
  ++fe.feconn;
  ++fe.counters.conn_tot;
  ++fe.counters.stot;
  fe.counters.conn_rate.add(now);
  fe.counters.sess_rate.add(now);
  if (fe.feconn > fe.counters.smax) fe.counters.smax = fe.feconn;
  Session* session = session_memory_->create(*this, fe, std::move(client), peer);
  if (at_maxconn() || fe.full()) update_listeners();
  session->start();
}

void Engine::session_closed(Session& session) {
  --actconn;
  sessions.remove(session);
  graveyard_.push_back(&session);
  reaper_.start();
  if (paused_) update_listeners();
  if (stopping_ && actconn == 0 && on_soft_stop_done) on_soft_stop_done();
}

void Engine::reap() {
  std::vector<Session*> dead;
  dead.swap(graveyard_);
  for (Session* s : dead)
    session_memory_->destroy(s);
  if (graveyard_.empty()) reaper_.stop();
}

void Engine::update_listeners() {
  paused_ = false;
  for (auto& fe : frontends) {
    if (fe->stopped) continue;
    if (shortage_ || at_maxconn() || fe->full()) {
      fe->pause_listeners();
      paused_ = true;
    } else {
      fe->resume_listeners();
    }
  }
}

void Engine::accept_resource_shortage(Listener&, int err) {
  const Millis now = loop.now();
  if (now - last_shortage_log_ >= Millis(10000)) {
    last_shortage_log_ = now;
    log.warning(std::string("accept() failed: ") + std::strerror(err) +
                "; pausing listeners for 100 ms (raise `ulimit-n` or lower `maxconn`)");
  }
  shortage_ = true;
  update_listeners();
  accept_retry_.start(kAcceptRetry);
}

void Engine::retry_accept() {
  shortage_ = false;
  update_listeners();
}

void Engine::soft_stop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& fe : frontends)
    fe->close_listeners();
  log.notice("soft-stop: listeners closed; exiting once " + std::to_string(actconn) +
             " open session(s) finish");
  if (actconn == 0 && on_soft_stop_done) on_soft_stop_done();
}

void Engine::hard_stop() {
  stopping_ = true;
  for (auto& fe : frontends)
    fe->close_listeners();
  kill_all_sessions();
  loop.stop();
}

void Engine::kill_all_sessions() {
  // Closing one session may let a queued one connect (and fail, and close): take them one at a
  // time from the front rather than walking a list that changes under us.
  tearing_down_ = true;
  while (Session* s = sessions.front())
    s->kill();
}

}  // namespace ferry::core
