// The runtime of the process: the frontends and backends built from the config, the workers
// (one event loop per thread) that carry the traffic, process-wide limits and counters. Passed
// explicitly to whatever needs it; there is no global state.
//
// Threads: frontends, backends, servers, balancers and queues are shared by the workers and
// change only under the state lock (lock_state()); a worker holds it for the bookkeeping of a
// connection (accept, server pick, byte counts, close), never across a read or a write. The
// health checks, the admin sockets and the signal handlers run on the main thread's loop (`loop`,
// which worker 0 shares) and take the same lock. A session belongs to the worker that accepted it:
// other threads hand it work through that worker (Worker::hand_off).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/backend.hpp"
#include "core/event_loop.hpp"
#include "core/frontend.hpp"
#include "core/log.hpp"
#include "core/server_control.hpp"
#include "core/worker.hpp"

namespace ferry::core {

// Told of every real connection attempt to a server that has `observe layer4` (on the main
// thread, under the state lock).
class ConnectObserver {
 public:
  virtual ~ConnectObserver() = default;
  // `still_served`: the session is still counted on the server (told at once, on the main
  // thread); false when the result comes from another worker, after the session moved on.
  virtual void connect_result(Server& server, bool ok, bool still_served) = 0;
};

class Engine {
 public:
  // `nbthread` workers; worker 0 runs on `loop`, the others start with start_threads().
  // `buffer_size`: the bytes of each of their buffers.
  Engine(EventLoop& loop, Log& log, unsigned maxconn, unsigned nbthread = 1,
         size_t buffer_size = BufferPool::kDefaultSize);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  EventLoop& loop;  // the main thread's: health checks, admin sockets, signals, worker 0
  Log& log;
  const unsigned maxconn;  // global
  const unsigned nbthread;
  const Millis start_time;
  // The protocols of `mode http` frontends (Frontend::protocol); declared first, so they
  // outlive the frontends, workers and sessions that use them.
  std::vector<std::unique_ptr<SessionProtocolFactory>> protocols;
  std::vector<std::unique_ptr<Frontend>> frontends;
  std::vector<std::unique_ptr<Backend>> backends;
  std::vector<std::unique_ptr<Worker>> workers;  // [0] runs on `loop`
  ConnectObserver* connect_observer = nullptr;
  ServerControl* server_control = nullptr;  // set by main(); the admin socket acts through it
  // Called once, on the main thread, when a soft stop has no session left.
  std::function<void()> on_soft_stop_done;
  // `hard-stop-after`: a soft stop that still has sessions after this long becomes a hard stop
  // (0: it waits for the last one). Set before the loop runs.
  Millis hard_stop_after{0};

  // Under the state lock:
  unsigned actconn = 0;    // sessions alive in the process
  unsigned reserved = 0;   // slots held by accept() calls in flight
  uint64_t cum_conns = 0;  // sessions and admin connections, as HAProxy's CumConns
  FreqCounter conn_rate;

  RelaxedCounter cli_bytes_out;  // bytes the admin sockets sent (part of TotalBytesOut)
  // As HAProxy's CumReq, its streams: admin connections, TCP sessions and HTTP requests read
  // (not one refused unread with 400, nor an HTTP connection that sends none; observed). Each
  // takes its number from it, as HAProxy's streams do: an HTTP request's is `%rt` of
  // unique-id-format. No lock: every worker adds to it.
  std::atomic<uint64_t> cum_req{0};
  // Counts one stream; its number.
  uint64_t count_stream() { return cum_req.fetch_add(1, std::memory_order_relaxed); }

  using StateLock = std::unique_lock<std::recursive_mutex>;
  [[nodiscard]] StateLock lock_state() const { return StateLock(state_mutex_); }

  Backend* find_backend(std::string_view name) const;
  Frontend* find_frontend(std::string_view name) const;
  Worker& main_worker() const { return *workers.front(); }
  bool on_main_thread() const { return main_worker().on_own_thread(); }

  // In the child after fork() (daemonizing): every loop re-creates its kernel poller state.
  void after_fork();
  // Every worker starts accepting; workers 1..N-1 get their thread. After daemonizing.
  void start_threads();
  // Waits for the worker threads once their loops have ended (after the main loop returned).
  void join_threads();

  bool at_maxconn() const { return actconn + reserved >= maxconn; }
  // A session's connect to `server` succeeded or failed: tells the observer, on the main thread.
  void observe_connect(Server& server, bool ok);

  // SIGUSR1: stop listening, let the open sessions finish.
  void soft_stop();
  // SIGHUP: reopens every log file (global and per frontend) after a rotation; says how many
  // in the logs (a notice, written to the new files), and warns about those it could not reopen.
  void reopen_logs();
  // SIGTERM/SIGINT: close every listener and session now.
  void hard_stop();
  bool stopping() const { return stopping_.load(); }
  // Every session is being killed (hard stop): queues are no longer served.
  bool tearing_down() const { return tearing_down_.load(); }
  // State lock held: a session closed; ends a soft stop once none is left.
  void maybe_finish_soft_stop();

  // Totals over the workers, for the stats.
  size_t buffers_in_use() const;
  size_t buffer_size() const;
  size_t pipes_max() const;  // the caps of the workers' pools (maxconn / 4 in all)
  size_t pipes_in_use() const;
  size_t pipes_free() const;

 private:
  void close_listeners();     // state lock held
  void finish_soft_stop();    // main thread
  void stop_worker_loops();   // main thread: every worker but 0 ends its loop
  void on_hard_stop_after();  // main thread

  mutable std::recursive_mutex state_mutex_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> tearing_down_{false};
  bool listeners_closed_ = false;
  bool soft_stop_finished_ = false;
  bool threads_started_ = false;
  TimerWatcher<Engine, &Engine::on_hard_stop_after> hard_stop_timer_{loop, this};
};

}  // namespace ferry::core
