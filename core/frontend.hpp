// A runtime frontend and its listening sockets. The sockets are shared by the worker threads,
// each of which watches them through an Acceptor of its own (worker.hpp): a TCP bind has one
// SO_REUSEPORT socket per worker, so the kernel spreads connections; a UNIX bind has one socket
// every worker polls. While the frontend or the process is at maxconn the acceptors stop
// watching (connections wait in the kernel backlog) and resume when a slot frees.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/fd.hpp"
#include "core/freq_counter.hpp"
#include "core/log.hpp"
#include "core/relaxed_counter.hpp"
#include "core/session_protocol.hpp"
#include "core/socket_ops.hpp"

#include "core/http_counters.hpp"

namespace ferry::core {

class Backend;
class Engine;
class Session;

// Rules of a frontend, evaluated above core (http/frontend_rules.hpp, set by the runtime
// builder): `tcp-request connection` at accept, the backend of a mode tcp connection once its
// client is known (`use_backend`).
class FrontendRules {
 public:
  virtual ~FrontendRules() = default;
  // At accept, before anything is read (a PROXY header neither): false closes the connection.
  virtual bool accept_connection(const SockAddr& peer, int fd) const = 0;
  virtual Backend& connection_backend(Session& session) const = 0;
};

class Listener {
 public:
  // `fds`: one socket for every worker, or a single one they all share. `shared`: other
  // processes hold the same sockets (a master-worker master, a process that took them over
  // with -x): closing then only stops this process's accepting, the sockets stay listening.
  Listener(SockAddr addr, std::vector<Fd> fds, SocketFile file, std::string name,
           bool shared = false);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  const SockAddr addr;
  const std::string name;
  const SocketFile file;
  // The socket worker `index` accepts on.
  int fd_for(size_t index) const { return fds_.size() == 1 ? fds_[0].get() : fds_[index].get(); }
  // Stops the sockets listening (soft stop), unless shared; their fds close with the Listener.
  void close();
  bool closed() const { return closed_; }
  bool shared() const { return shared_; }
  const std::vector<Fd>& fds() const { return fds_; }
  // `accept-proxy`: clients send a PROXY protocol header first. Set by the builder.
  bool accept_proxy = false;
  // Another process took these sockets over (`-x`): from now on they are shared, and the socket
  // file is the new process's to remove. State lock held.
  void hand_over() { shared_ = true; }

 private:
  std::vector<Fd> fds_;
  bool shared_;
  bool closed_ = false;
};

struct FrontendCounters {
  uint64_t stot = 0;      // sessions
  uint64_t conn_tot = 0;  // accepted connections
  RelaxedCounter bin;     // no lock: added by every worker
  RelaxedCounter bout;
  uint64_t ereq = 0;
  uint64_t dreq = 0;
  uint64_t dcon = 0;  // connections closed by `tcp-request connection reject`
  uint64_t dresp = 0;
  uint32_t smax = 0;
  FreqCounter sess_rate;
  FreqCounter conn_rate;
  HttpCounters http;  // mode http only
};

struct FrontendSettings {
  unsigned maxconn = 0;  // resolved: never 0 at run time
  std::optional<Millis> client_timeout;
  // The traffic log: one line per connection in TCP mode, per request in HTTP mode.
  bool tcplog = false;   // HAProxy's TCP format
  bool httplog = false;  // HAProxy's HTTP format (mode http only)
  bool dontlognull = false;
  bool log_global = false;  // traffic logs also go to the global `log` targets
  std::string log_tag;      // `log-tag` of the proxy; empty = the global one
};

class Frontend {
 public:
  Frontend(Engine& engine, std::string name, int id, FrontendSettings settings);
  ~Frontend();

  Engine& engine;
  const std::string name;
  const int id;
  const FrontendSettings settings;
  Backend* backend = nullptr;            // default_backend
  std::unique_ptr<FrontendRules> rules;  // tcp-request connection, use_backend; or nullptr
  // The backend of a frontend that has none (a stats page's alone): no servers, not listed.
  std::unique_ptr<Backend> own_backend;
  // Set for a frontend whose sessions speak a protocol (mode http); owned by whoever builds the
  // runtime and outlives the frontend's sessions.
  SessionProtocolFactory* protocol = nullptr;
  std::unique_ptr<Log> own_log;  // the frontend's own `log` targets, if any
  std::vector<std::unique_ptr<Listener>> listeners;
  // Under the engine's state lock:
  unsigned feconn = 0;    // current sessions
  unsigned reserved = 0;  // slots held by accept() calls in flight
  FrontendCounters counters;
  std::atomic<bool> stopped{false};  // soft-stop: no more accepting

  bool full() const { return feconn + reserved >= settings.maxconn; }
  // State lock held: a connection became a session (stot, the session rate, smax).
  void count_session(Millis now);
  // Where this frontend's traffic log lines go; false when nowhere.
  bool logs_traffic() const;
  void log_traffic(const std::string& line);
  void close_listeners();
};

}  // namespace ferry::core
