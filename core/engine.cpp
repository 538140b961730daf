#include "core/engine.hpp"

#include "core/session.hpp"

namespace ferry::core {

Engine::Engine(EventLoop& l, Log& lg, unsigned max, unsigned threads, size_t buffer_size)
    : loop(l), log(lg), maxconn(max), nbthread(threads < 1 ? 1 : threads), start_time(l.now()) {
  // Splice pipes are capped at maxconn / 4 for the process, as HAProxy's maxpipes.
  const size_t pipes_each = max / 4 / nbthread;
  workers.push_back(std::make_unique<Worker>(*this, 0, &loop, pipes_each, buffer_size));
  for (size_t i = 1; i < nbthread; ++i)
    workers.push_back(std::make_unique<Worker>(*this, i, nullptr, pipes_each, buffer_size));
}

Engine::~Engine() {
  tearing_down_ = true;
  if (threads_started_) {
    stop_worker_loops();
    join_threads();
  }
  // Every thread has ended: the workers' sessions are closed from here.
  for (auto& w : workers)
    w->kill_all_sessions();
  workers.clear();
  frontends.clear();
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

void Engine::after_fork() {
  loop.after_fork();
  for (size_t i = 1; i < workers.size(); ++i)
    workers[i]->loop.after_fork();
}

void Engine::start_threads() {
  for (auto& w : workers)
    w->attach_listeners();
  for (size_t i = 1; i < workers.size(); ++i)
    workers[i]->start_thread();
  threads_started_ = true;
}

void Engine::join_threads() {
  for (size_t i = 1; i < workers.size(); ++i)
    workers[i]->join();
}

void Engine::observe_connect(Server& server, bool ok) {
  if (!connect_observer || !server.check.observe) return;
  if (on_main_thread()) {
    auto lk = lock_state();
    return connect_observer->connect_result(server, ok, true);
  }
  main_worker().post([this, &server, ok] {
    auto lk = lock_state();
    if (connect_observer) connect_observer->connect_result(server, ok, false);
  });
}

void Engine::soft_stop() {
  if (stopping_) return;
  stopping_ = true;
  auto lk = lock_state();
  close_listeners();
  log.notice("soft-stop: listeners closed; exiting once " + std::to_string(actconn) +
             " open session(s) finish");
  for (auto& w : workers) {
    Worker* worker = w.get();
    worker->run_on_thread([worker] { worker->stop_accepting(); });
  }
  if (hard_stop_after.count() > 0 && !soft_stop_finished_) hard_stop_timer_.start(hard_stop_after);
  maybe_finish_soft_stop();
}

void Engine::on_hard_stop_after() {
  unsigned left = 0;
  {
    auto lk = lock_state();
    left = actconn;
  }
  log.warning("hard-stop-after " + std::to_string(hard_stop_after.count()) +
              " ms expired: closing the " + std::to_string(left) + " session(s) still open");
  hard_stop();
}

void Engine::reopen_logs() {
  std::vector<std::string> errors = log.reopen();
  size_t files = log.file_targets();
  for (const auto& fe : frontends) {
    if (!fe->own_log) continue;
    for (auto& e : fe->own_log->reopen())
      errors.push_back(std::move(e));
    files += fe->own_log->file_targets();
  }
  for (const auto& e : errors)
    log.warning(e);
  log.notice("SIGHUP: reopened " + std::to_string(files - errors.size()) + " of " +
             std::to_string(files) + " log file(s)");
}

// shutdown(): safe while workers still watch the sockets; they pause on the stopped frontends.
void Engine::close_listeners() {
  for (auto& fe : frontends)
    fe->close_listeners();
  listeners_closed_ = true;
}

void Engine::maybe_finish_soft_stop() {
  if (!stopping_ || tearing_down_ || !listeners_closed_ || actconn + reserved != 0 ||
      soft_stop_finished_)
    return;
  soft_stop_finished_ = true;
  main_worker().run_on_thread([this] { finish_soft_stop(); });
}

void Engine::finish_soft_stop() {
  hard_stop_timer_.stop();
  stop_worker_loops();
  if (on_soft_stop_done) on_soft_stop_done();
}

void Engine::stop_worker_loops() {
  for (size_t i = 1; i < workers.size(); ++i) {
    Worker* w = workers[i].get();
    w->post([w] { w->loop.stop(); });
  }
}

void Engine::hard_stop() {
  stopping_ = true;
  tearing_down_ = true;
  {
    auto lk = lock_state();
    close_listeners();
  }
  for (auto& w : workers) {
    Worker* worker = w.get();
    worker->run_on_thread([worker] {
      worker->stop_accepting();
      worker->kill_all_sessions();
      worker->loop.stop();
    });
  }
}

size_t Engine::buffers_in_use() const {
  size_t n = 0;
  for (const auto& w : workers)
    n += w->buffers.in_use();
  return n;
}

size_t Engine::buffer_size() const {
  return main_worker().buffers.buffer_size();
}

size_t Engine::pipes_max() const {
  size_t n = 0;
  for (const auto& w : workers)
    n += w->pipes.max();
  return n;
}

size_t Engine::pipes_in_use() const {
  size_t n = 0;
  for (const auto& w : workers)
    n += w->pipes.in_use();
  return n;
}

size_t Engine::pipes_free() const {
  size_t n = 0;
  for (const auto& w : workers)
    n += w->pipes.free_count();
  return n;
}

}  // namespace ferry::core
