// The runtime context of one event loop: the frontends and backends built from the config, the
// buffer pool, process-wide limits and counters, and the sessions alive. Passed explicitly to
// whatever needs it; there is no global state. Single-threaded: everything runs on `loop`.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer_pool.hpp"
#include "core/event_loop.hpp"
#include "core/frontend.hpp"
#include "core/intrusive_list.hpp"
#include "core/log.hpp"
#include "core/object_pool.hpp"
#include "core/pipe_pool.hpp"
#include "core/relay.hpp"
#include "core/server_control.hpp"

namespace ferry::core {

class Session;
struct EngineSessionsTag {};

// Told of every real connection attempt to a server (for `observe layer4`).
class ConnectObserver {
 public:
  virtual ~ConnectObserver() = default;
  virtual void connect_result(Server& server, bool ok) = 0;
};

class Engine {
 public:
  Engine(EventLoop& loop, Log& log, unsigned maxconn);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  EventLoop& loop;
  Log& log;
  BufferPool buffers;
  PipePool pipes;  // for splice(2); capped at maxconn / 4 like HAProxy's maxpipes
  IoPools io() { return IoPools{buffers, pipes}; }
  const unsigned maxconn;  // global
  unsigned actconn = 0;    // sessions alive in the process
  uint64_t cum_conns = 0;
  FreqCounter conn_rate;
  const Millis start_time;
  std::vector<std::unique_ptr<Frontend>> frontends;
  std::vector<std::unique_ptr<Backend>> backends;
  ConnectObserver* connect_observer = nullptr;
  ServerControl* server_control = nullptr;  // set by main(); the admin socket acts through it
  IntrusiveList<Session, EngineSessionsTag> sessions;
  // Called once, when a soft stop has no session left.
  std::function<void()> on_soft_stop_done;

  Backend* find_backend(std::string_view name) const;
  Frontend* find_frontend(std::string_view name) const;

  // A listener accepted `client`; the engine counts it and starts its session.
  void accepted(Frontend& frontend, Fd client, const SockAddr& peer);
  // A session has closed its sockets; it is destroyed after the current callback returns.
  void session_closed(Session& session);
  bool at_maxconn() const { return actconn >= maxconn; }
  // accept() failed for lack of fds or memory: pause that listener briefly.
  void accept_resource_shortage(Listener& listener, int err);

  // SIGUSR1: stop listening, let the open sessions finish.
  void soft_stop();
  // SIGTERM/SIGINT: close every listener and session now.
  void hard_stop();
  bool stopping() const { return stopping_; }
  // Every session is being killed (hard stop): queues are no longer served.
  bool tearing_down() const { return tearing_down_; }

 private:
  void reap();
  void update_listeners();
  void retry_accept();
  void kill_all_sessions();
  // Declared before the watchers and lists that refer to sessions, so it outlives them.
  std::unique_ptr<ObjectPool<Session>> session_memory_;
  PrepareWatcher<Engine, &Engine::reap> reaper_;
  TimerWatcher<Engine, &Engine::retry_accept> accept_retry_;
  Millis last_shortage_log_{-100000};
  std::vector<Session*> graveyard_;
  bool stopping_ = false;
  bool tearing_down_ = false;
  bool paused_ = false;    // some listener is paused (maxconn or fd shortage)
  bool shortage_ = false;  // accept() lacked fds or memory; retried by timer
};

}  // namespace ferry::core
