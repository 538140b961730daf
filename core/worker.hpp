// One event-loop thread and its share of the traffic: the loop, an Acceptor per listening socket,
// the sessions it accepted, and the buffer, pipe and session pools they use. A session lives and
// dies on the worker that accepted it. Everything here runs on the worker's own thread; other
// threads reach a worker only through post() and hand_off(), which wake its loop.
//
// Worker 0 runs on the main thread's loop, beside the health checks and the admin sockets; with
// `nbthread N` the engine starts N-1 more, each on a thread and a loop of its own.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/accept_backoff.hpp"
#include "core/buffer_pool.hpp"
#include "core/edge_poller.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/intrusive_list.hpp"
#include "core/object_pool.hpp"
#include "core/pipe_pool.hpp"
#include "core/relay.hpp"
#include "core/sockaddr.hpp"

namespace ferry::core {

class Engine;
class Frontend;
class Listener;
class Session;
class Worker;
struct WorkerSessionsTag {};
struct HandoffTag {};
struct ResumeTag {};

// One worker's watch on one listening socket.
class Acceptor final : public AcceptTarget {
 public:
  Acceptor(Worker& worker, Frontend& frontend, Listener& listener);
  Frontend& frontend() const { return frontend_; }
  void pause() { io_.stop(); }
  void resume();

 private:
  void on_readable(int revents);
  bool admit() override;  // reserves a connection slot
  void take(Fd client, const SockAddr& peer) override;
  void refund() override;
  Worker& worker_;
  Frontend& frontend_;
  Listener& listener_;
  IoWatcher<Acceptor, &Acceptor::on_readable> io_;
};

// What `show activity` prints per thread. Written by the worker's thread, read by any.
struct WorkerActivity {
  std::atomic<uint64_t> loops{0};
  std::atomic<uint64_t> accepted{0};
};

class Worker {
 private:
  std::unique_ptr<EventLoop> own_loop_;  // first: `loop` refers to it

 public:
  // `shared_loop`: run on that loop (worker 0, the main thread's); nullptr: a loop of its own.
  Worker(Engine& engine, size_t index, EventLoop* shared_loop, size_t max_pipes,
         size_t buffer_size = BufferPool::kDefaultSize);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  Engine& engine;
  const size_t index;  // 0-based; `show activity` numbers threads from 1
  EventLoop& loop;
  EdgePoller poller;  // the sessions' sockets
  BufferPool buffers;
  PipePool pipes;  // for splice(2)
  IoPools io() { return IoPools{buffers, pipes}; }
  IntrusiveList<Session, WorkerSessionsTag> sessions;
  WorkerActivity activity;

  bool on_own_thread() const { return std::this_thread::get_id() == thread_id_.load(); }
  // Creates an acceptor for every listening socket of every frontend.
  void attach_listeners();
  // Runs the loop on a new thread (workers other than 0).
  void start_thread();
  void join();

  // Any thread: runs `task` on this worker's thread, soon.
  void post(std::function<void()> task);
  // Runs `task` now when called on this worker's thread, else posts it.
  void run_on_thread(std::function<void()> task);
  // State lock held, any thread: the session has a hand-off to run on this worker (it was given
  // a server from the queue, or someone asked to kill it).
  void hand_off(Session& session);
  // State lock held: the session is closing and must not be handed off any more.
  void forget_hand_off(Session& session);
  // Own thread: the session stopped relaying with input left (a flow used its rounds); it goes
  // on in the next loop iteration, once the other ready sockets had their turn.
  void resume_later(Session& session);
  void forget_resume(Session& session);

  // An acceptor accepted `client` on `listener`; a slot was reserved for it (reserve_slot).
  void accepted(Frontend& frontend, const Listener& listener, Fd client, const SockAddr& peer);
  // State lock held: room for one more connection on `frontend`? Counts it if so, else pauses
  // this worker's acceptors until a slot frees.
  bool reserve_slot(Frontend& frontend);
  // Gives back a slot reserved for an accept that found nothing.
  void release_slot(Frontend& frontend);
  // State lock held: a session has closed its sockets; it is destroyed before the loop blocks.
  void session_closed(Session& session);
  // Pauses this worker's acceptors briefly when accept() lacks fds or memory.
  AcceptBackoff accept_backoff;
  // State lock held, any thread: re-evaluate whether this worker's acceptors should run.
  void request_listener_update();
  bool paused() const { return paused_.load(); }

  // Own thread: stop accepting for good (soft or hard stop).
  void stop_accepting();
  // Own thread: close every session now.
  void kill_all_sessions();

 private:
  void update_listeners();  // state lock held
  // State lock held: a connection slot freed; paused workers may accept again, a soft stop end.
  void slot_freed();
  void on_prepare();
  void on_async();
  void run_hand_offs();
  void reap();
  void run_resumes();
  void on_kick() {
    run_hand_offs();
    run_resumes();
  }

  // Declared before the watchers and lists that refer to sessions, so it outlives them.
  std::unique_ptr<ObjectPool<Session>> session_memory_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::vector<Session*> graveyard_;
  IntrusiveList<Session, HandoffTag> hand_offs_;  // under the state lock
  IntrusiveList<Session, ResumeTag> resumes_;     // own thread only
  std::mutex tasks_mutex_;
  std::vector<std::function<void()>> tasks_;
  std::atomic<bool> listeners_dirty_{false};
  std::atomic<bool> paused_{false};  // some acceptor paused (maxconn, frontend full, shortage)
  std::atomic<std::thread::id> thread_id_;
  std::thread thread_;
  PrepareWatcher<Worker, &Worker::on_prepare> prepare_;
  AsyncWatcher<Worker, &Worker::on_async> async_;
  // Own-thread hand-offs and resumes; ref'd: they keep the loop running.
  TimerWatcher<Worker, &Worker::on_kick> kick_;
};

}  // namespace ferry::core
