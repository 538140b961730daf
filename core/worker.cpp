#include "core/worker.hpp"

#include <signal.h>

#include <cerrno>

#include "core/engine.hpp"
#include "core/session.hpp"

namespace ferry::core {

namespace {
constexpr int kAcceptBatch = 64;  // connections accepted per wake-up before yielding to others
}  // namespace

Acceptor::Acceptor(Worker& worker, Frontend& frontend, Listener& listener)
    : worker_(worker), frontend_(frontend), listener_(listener), io_(worker.loop, this) {
  resume();
}

void Acceptor::resume() {
  if (!listener_.closed()) io_.watch(listener_.fd_for(worker_.index), EV_READ);
}

void Acceptor::on_readable(int) {
  accept_batch(listener_.fd_for(worker_.index), kAcceptBatch, *this, worker_.accept_backoff);
}

bool Acceptor::admit() {
  auto lk = worker_.engine.lock_state();
  return worker_.reserve_slot(frontend_);  // false: paused; resumed when a slot frees
}

void Acceptor::take(Fd client, const SockAddr& peer) {
  worker_.accepted(frontend_, listener_, std::move(client), peer);
}

void Acceptor::refund() {
  worker_.release_slot(frontend_);
}

Worker::Worker(Engine& e, size_t i, EventLoop* shared_loop, size_t max_pipes, size_t buffer_size)
    : own_loop_(shared_loop ? nullptr : std::make_unique<EventLoop>()),
      engine(e),
      index(i),
      loop(shared_loop ? *shared_loop : *own_loop_),
      poller(loop),
      buffers(buffer_size),
      pipes(max_pipes),
      accept_backoff(loop, e.log,
                     [this] {
                       auto lk = engine.lock_state();
                       update_listeners();
                     }),
      session_memory_(std::make_unique<ObjectPool<Session>>()),
      thread_id_(shared_loop ? std::this_thread::get_id() : std::thread::id{}),
      prepare_(loop, this),
      async_(loop, this),
      kick_(loop, this) {
  prepare_.start();
  prepare_.unref();
  // With one thread the main loop ends when its own watchers are gone, as it always did. Other
  // threads may still post to it while their sessions finish: then it ends only when told to.
  if (shared_loop && engine.nbthread == 1) async_.unref();
}

Worker::~Worker() {
  join();
  acceptors_.clear();
  kill_all_sessions();
  reap();
  auto lk = engine.lock_state();
  while (Session* s = hand_offs_.front())
    hand_offs_.remove(*s);
}

void Worker::attach_listeners() {
  for (auto& fe : engine.frontends)
    for (auto& l : fe->listeners)
      acceptors_.push_back(std::make_unique<Acceptor>(*this, *fe, *l));
}

void Worker::start_thread() {
  // The thread takes no process signal: they are all handled by the main loop.
  sigset_t all, old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  thread_ = std::thread([this] {
    thread_id_ = std::this_thread::get_id();
    loop.run();
  });
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::post(std::function<void()> task) {
  {
    std::lock_guard lk(tasks_mutex_);
    tasks_.push_back(std::move(task));
  }
  async_.send();
}

void Worker::run_on_thread(std::function<void()> task) {
  if (on_own_thread()) return task();
  post(std::move(task));
}

void Worker::hand_off(Session& session) {
  if (!hand_offs_.contains(session)) hand_offs_.push_back(session);
  if (on_own_thread()) return kick_.start(Millis(0));
  async_.send();
}

void Worker::forget_hand_off(Session& session) {
  if (hand_offs_.contains(session)) hand_offs_.remove(session);
}

void Worker::resume_later(Session& session) {
  if (resumes_.contains(session)) return;
  resumes_.push_back(session);
  kick_.start(Millis(0));
}

void Worker::forget_resume(Session& session) {
  if (resumes_.contains(session)) resumes_.remove(session);
}

void Worker::run_resumes() {
  // Only those waiting now: a session that uses its rounds again waits for the next iteration.
  for (size_t n = resumes_.size(); n > 0; --n)
    resumes_.pop_front()->resume();
}

void Worker::on_async() {
  run_hand_offs();
  if (listeners_dirty_.exchange(false)) {
    auto lk = engine.lock_state();
    update_listeners();
  }
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lk(tasks_mutex_);
    tasks.swap(tasks_);
  }
  for (auto& task : tasks)
    task();
}

void Worker::run_hand_offs() {
  for (;;) {
    Session* s = nullptr;
    {
      auto lk = engine.lock_state();
      s = hand_offs_.pop_front();
    }
    if (!s) return;
    s->run_hand_off();  // only this thread destroys sessions: `s` is alive
  }
}

void Worker::on_prepare() {
  activity.loops.store(activity.loops.load(std::memory_order_relaxed) + 1,
                       std::memory_order_relaxed);
  if (!graveyard_.empty()) reap();
}

void Worker::reap() {
  std::vector<Session*> dead;
  dead.swap(graveyard_);
  for (Session* s : dead)
    session_memory_->destroy(s);
}

bool Worker::reserve_slot(Frontend& fe) {
  if (engine.at_maxconn() || fe.full() || fe.stopped) {
    update_listeners();
    return false;
  }
  ++engine.reserved;
  ++fe.reserved;
  return true;
}

void Worker::release_slot(Frontend& fe) {
  auto lk = engine.lock_state();
  --engine.reserved;
  --fe.reserved;
  slot_freed();
}

void Worker::slot_freed() {
  for (auto& w : engine.workers)
    if (w->paused()) w->request_listener_update();
  engine.maybe_finish_soft_stop();
}

void Worker::accepted(Frontend& fe, const Listener& listener, Fd client, const SockAddr& peer) {
  activity.accepted.store(activity.accepted.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
  Session* session = nullptr;
  const bool allowed = !fe.rules || fe.rules->accept_connection(peer, client.get());
  {
    auto lk = engine.lock_state();
    const Millis now = loop.now();
    --engine.reserved;
    --fe.reserved;
    if (!allowed) {  // as HAProxy: counted in conn_tot and dcon, not a session, not logged
      ++fe.counters.conn_tot;
      fe.counters.conn_rate.add(now);
      ++fe.counters.dcon;
      slot_freed();
      return;  // `client` closes
    }
    ++engine.actconn;
    ++fe.feconn;
    ++engine.cum_conns;
    if (!fe.protocol) engine.count_stream();  // mode http counts each request (HttpConnection)
    engine.conn_rate.add(now);
    ++fe.counters.conn_tot;
    fe.counters.conn_rate.add(now);
    if (!listener.accept_proxy) fe.count_session(now);  // else once its PROXY header is read
    session = session_memory_->create(*this, fe, listener, std::move(client), peer);
  }
  session->start();
}

void Worker::session_closed(Session& session) {
  --engine.actconn;
  sessions.remove(session);
  graveyard_.push_back(&session);
  slot_freed();
}

void Worker::request_listener_update() {
  if (on_own_thread()) return update_listeners();
  listeners_dirty_ = true;
  async_.send();
}

void Worker::update_listeners() {
  bool paused = false;
  for (auto& a : acceptors_) {
    const Frontend& fe = a->frontend();
    if (accept_backoff.paused() || engine.at_maxconn() || fe.full() || fe.stopped) {
      a->pause();
      paused = true;
    } else {
      a->resume();
    }
  }
  paused_ = paused;
}

void Worker::stop_accepting() {
  acceptors_.clear();
  paused_ = false;
}

void Worker::kill_all_sessions() {
  // Closing one session may let a queued one connect (and fail, and close): take them one at a
  // time from the front rather than walking a list that changes under us.
  while (Session* s = sessions.front())
    s->kill();
}

}  // namespace ferry::core
