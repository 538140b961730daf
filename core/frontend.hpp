// A runtime frontend and its listeners. A listener accepts in batches and hands each connection
// to a new Session; while the frontend or the process is at maxconn its listeners stop watching
// (connections wait in the kernel backlog) and resume when a slot frees.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/freq_counter.hpp"
#include "core/log.hpp"
#include "core/socket_ops.hpp"

namespace ferry::core {

class Backend;
class Engine;
class Frontend;

class Listener {
 public:
  Listener(Engine& engine, Frontend& frontend, SockAddr addr, Fd fd, SocketFile file,
           std::string name);
  ~Listener();

  const SockAddr addr;
  const std::string name;
  const SocketFile file;
  void pause();   // stop accepting (maxconn reached)
  void resume();  // accept again
  void close();   // stop for good (soft-stop)
  bool closed() const { return !fd_; }

 private:
  void on_readable(int revents);
  Engine& engine_;
  Frontend& frontend_;
  Fd fd_;
  IoWatcher<Listener, &Listener::on_readable> io_;
};

struct FrontendCounters {
  uint64_t stot = 0;      // sessions
  uint64_t conn_tot = 0;  // accepted connections
  uint64_t bin = 0;
  uint64_t bout = 0;
  uint64_t ereq = 0;
  uint64_t dreq = 0;
  uint64_t dresp = 0;
  uint32_t smax = 0;
  FreqCounter sess_rate;
  FreqCounter conn_rate;
};

struct FrontendSettings {
  unsigned maxconn = 0;  // resolved: never 0 at run time
  std::optional<Millis> client_timeout;
  bool tcplog = false;
  bool dontlognull = false;
  bool log_global = false;  // traffic logs also go to the global `log` targets
};

class Frontend {
 public:
  Frontend(Engine& engine, std::string name, int id, FrontendSettings settings);
  ~Frontend();

  Engine& engine;
  const std::string name;
  const int id;
  const FrontendSettings settings;
  Backend* backend = nullptr;  // default_backend
  std::unique_ptr<Log> own_log;  // the frontend's own `log` targets, if any
  std::vector<std::unique_ptr<Listener>> listeners;
  unsigned feconn = 0;  // current sessions
  FrontendCounters counters;
  bool stopped = false;  // soft-stop closed the listeners

  bool full() const { return feconn >= settings.maxconn; }
  // Where this frontend's traffic log lines go; false when nowhere.
  bool logs_traffic() const;
  void log_traffic(const std::string& line);
  void pause_listeners();
  void resume_listeners();
  void close_listeners();
};

}  // namespace ferry::core
