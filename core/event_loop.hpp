// RAII over libev: the loop and its watchers. A watcher is a member of the object that owns it;
// its `data` points back at that owner and a tiny static trampoline calls the owner's member
// function, so no watcher allocates. Destroying a watcher stops it. Everything here runs on the
// thread that runs the loop, except AsyncWatcher::send().
#pragma once

#include <ev.h>

#include <chrono>

namespace ferry::core {

using Millis = std::chrono::milliseconds;

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  struct ev_loop* raw() const {
    return loop_;
  }
  void run();
  void stop();  // makes run() return once the current iteration is done
  // The loop's cached monotonic time, in milliseconds: what every timer and counter uses.
  Millis now() const;
  void update_now() { ev_now_update(loop_); }
  // Must be called in the child after fork() (daemonizing): re-creates the kernel poller state.
  void after_fork() { ev_loop_fork(loop_); }

 private:
  struct ev_loop* loop_;
};

// Watches one fd. Owner::*Cb receives libev's revents (EV_READ / EV_WRITE).
template <typename Owner, void (Owner::*Cb)(int)>
class IoWatcher {
 public:
  IoWatcher(EventLoop& loop, Owner* owner) : loop_(loop.raw()) {
    ev_init(&w_, &thunk);
    w_.data = owner;
  }
  ~IoWatcher() { stop(); }
  IoWatcher(const IoWatcher&) = delete;
  IoWatcher& operator=(const IoWatcher&) = delete;

  // Watches `fd` for `events` (0 stops). Cheap when nothing changes.
  void watch(int fd, int events) {
    if (fd == w_.fd && events == (w_.events & (EV_READ | EV_WRITE)) && active() == (events != 0))
      return;
    stop();
    if (events == 0) return;
    ev_io_set(&w_, fd, events);
    ev_io_start(loop_, &w_);
  }
  void stop() {
    if (ev_is_active(&w_)) ev_io_stop(loop_, &w_);
  }
  // Within one loop iteration, watchers of a higher priority run first (before any watch()).
  void set_priority(int priority) { ev_set_priority(&w_, priority); }
  bool active() const { return ev_is_active(&w_); }
  int events() const { return active() ? (w_.events & (EV_READ | EV_WRITE)) : 0; }

 private:
  static void thunk(struct ev_loop*, ev_io* w, int revents) {
    (static_cast<Owner*>(w->data)->*Cb)(revents);
  }
  struct ev_loop* loop_;
  ev_io w_;
};

// A one-shot timer, re-armed by start().
template <typename Owner, void (Owner::*Cb)()>
class TimerWatcher {
 public:
  TimerWatcher(EventLoop& loop, Owner* owner) : loop_(loop.raw()) {
    ev_init(&w_, &thunk);
    w_.data = owner;
  }
  ~TimerWatcher() { stop(); }
  TimerWatcher(const TimerWatcher&) = delete;
  TimerWatcher& operator=(const TimerWatcher&) = delete;

  void start(Millis after) {
    stop();
    ev_timer_set(&w_, static_cast<double>(after.count()) / 1000.0, 0.0);
    ev_timer_start(loop_, &w_);
  }
  void stop() {
    if (ev_is_active(&w_)) ev_timer_stop(loop_, &w_);
  }
  bool active() const { return ev_is_active(&w_); }

 private:
  static void thunk(struct ev_loop*, ev_timer* w, int) { (static_cast<Owner*>(w->data)->*Cb)(); }
  struct ev_loop* loop_;
  ev_timer w_;
};

template <typename Owner, void (Owner::*Cb)(int)>
class SignalWatcher {
 public:
  SignalWatcher(EventLoop& loop, Owner* owner, int signum) : loop_(loop.raw()) {
    ev_signal_init(&w_, &thunk, signum);
    w_.data = owner;
    ev_signal_start(loop_, &w_);
    ev_unref(loop_);  // a signal watcher alone must not keep the loop running
  }
  ~SignalWatcher() {
    ev_ref(loop_);
    ev_signal_stop(loop_, &w_);
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  static void thunk(struct ev_loop*, ev_signal* w, int) {
    (static_cast<Owner*>(w->data)->*Cb)(w->signum);
  }
  struct ev_loop* loop_;
  ev_signal w_;
};

// Runs once per loop iteration, just before the loop blocks; used for deferred work.
template <typename Owner, void (Owner::*Cb)()>
class PrepareWatcher {
 public:
  PrepareWatcher(EventLoop& loop, Owner* owner) : loop_(loop.raw()) {
    ev_prepare_init(&w_, &thunk);
    w_.data = owner;
  }
  ~PrepareWatcher() { stop(); }
  PrepareWatcher(const PrepareWatcher&) = delete;
  PrepareWatcher& operator=(const PrepareWatcher&) = delete;

  void start() {
    if (!ev_is_active(&w_)) ev_prepare_start(loop_, &w_);
  }
  void stop() {
    if (!ev_is_active(&w_)) return;
    if (unref_) ev_ref(loop_);
    unref_ = false;
    ev_prepare_stop(loop_, &w_);
  }
  // While started, the watcher does not keep the loop running by itself.
  void unref() {
    if (ev_is_active(&w_) && !unref_) ev_unref(loop_);
    unref_ = ev_is_active(&w_);
  }

 private:
  static void thunk(struct ev_loop*, ev_prepare* w, int) { (static_cast<Owner*>(w->data)->*Cb)(); }
  struct ev_loop* loop_;
  ev_prepare w_;
  bool unref_ = false;
};

// Wakes the loop from any thread: send() is the one thread-safe call on a loop, and the owner's
// callback runs on the loop's own thread (several sends before it runs make one call).
template <typename Owner, void (Owner::*Cb)()>
class AsyncWatcher {
 public:
  AsyncWatcher(EventLoop& loop, Owner* owner) : loop_(loop.raw()) {
    ev_async_init(&w_, &thunk);
    w_.data = owner;
    ev_async_start(loop_, &w_);
  }
  ~AsyncWatcher() {
    if (unref_) ev_ref(loop_);
    ev_async_stop(loop_, &w_);
  }
  AsyncWatcher(const AsyncWatcher&) = delete;
  AsyncWatcher& operator=(const AsyncWatcher&) = delete;
  void send() { ev_async_send(loop_, &w_); }
  // The loop may end while this is the only watcher left (the main loop ends by itself).
  void unref() {
    if (!unref_) ev_unref(loop_);
    unref_ = true;
  }

 private:
  static void thunk(struct ev_loop*, ev_async* w, int) { (static_cast<Owner*>(w->data)->*Cb)(); }
  struct ev_loop* loop_;
  ev_async w_;
  bool unref_ = false;
};

}  // namespace ferry::core
