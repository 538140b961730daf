// A runtime backend: its servers, the balancing algorithm, the FIFO queue of connections waiting
// for a free server slot, and the counters `show stat` renders. Shared by the workers: everything
// mutable here, its servers' included, changes under the engine's state lock.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/model.hpp"
#include "core/freq_counter.hpp"
#include "core/intrusive_list.hpp"
#include "core/load_balancer.hpp"
#include "core/relaxed_counter.hpp"
#include "core/server.hpp"
#include "core/session_times.hpp"

#include "core/http_counters.hpp"

namespace ferry::core {

class Engine;
struct BackendQueueTag {};

struct BackendCounters {
  uint64_t stot = 0;
  RelaxedCounter bin;  // no lock: added by every worker
  RelaxedCounter bout;
  uint64_t econ = 0;
  uint64_t eresp = 0;
  uint64_t wretr = 0;
  uint64_t wredis = 0;
  uint64_t lbtot = 0;
  uint64_t cli_abrt = 0;
  uint64_t srv_abrt = 0;
  uint64_t connect = 0;  // new server connections
  uint64_t reuse = 0;    // requests sent on a kept server connection (mode http)
  uint64_t chkdown = 0;  // times the backend lost its last usable server
  uint32_t smax = 0;
  uint32_t qmax = 0;
  Millis last_session{-1};
  FreqCounter sess_rate;
  SessionTimes times;  // queue/connect/total time averages of sessions that got a server
  HttpCounters http;   // mode http only
};

struct BackendSettings {
  conf::Balance balance = conf::Balance::RoundRobin;
  conf::HashConf hash;  // of balance uri|url_param|hdr, and hash-type
  int retries = 3;
  bool redispatch = false;
  bool retry_connect = true;        // a failed connection is tried again (retry-on conn-failure)
  bool prefer_last_server = false;  // option prefer-last-server
  std::optional<conf::CookieConf> cookie;  // mode http: cookie persistence
  bool allbackups = false;
  bool http = false;  // mode http
  // queue_timeout is `timeout queue`, which the config's validation defaults to `timeout connect`.
  std::optional<Millis> connect_timeout, server_timeout, queue_timeout, tunnel_timeout;
  unsigned fullconn = 0;
  bool listen_section = false;  // messages say "proxy 'x'" rather than "backend 'x'"
  std::string log_tag;          // `log-tag` of the proxy (server events); empty = the global one
};

class Backend {
 public:
  Backend(Engine& engine, std::string name, int id, BackendSettings settings);
  ~Backend();

  Engine& engine;
  const std::string name;
  const int id;
  const BackendSettings settings;
  std::vector<std::unique_ptr<Server>> servers;  // declaration order; Server::index matches
  std::unique_ptr<LoadBalancer> lb;              // set by whoever builds the backend
  IntrusiveList<Session, BackendQueueTag> queue;
  uint64_t dequeues = 0;  // sessions the queue has handed a server, ever (log's backend_queue)
  unsigned beconn = 0;    // sessions currently on this backend (queued or assigned)
  BackendCounters counters;
  Millis last_change{0};
  Millis down_since{-1};
  Millis downtime{0};

  Server* find_server(std::string_view server_name) const;
  // State lock held, main thread. Called whenever a server's weight, admin flags or operational
  // state changed: updates the balancer, the backend's up/down bookkeeping and lets queued
  // connections in.
  void server_changed(Server& server);
  // State lock held: lets queued connections in while servers have free slots.
  void process_queue();
  size_t usable_active() const;
  size_t usable_backup() const;
  bool up() const;  // at least one usable server (or no server at all, as HAProxy)

 private:
  void update_up_down();
  bool was_up_ = true;
};

}  // namespace ferry::core
