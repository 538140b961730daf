// A runtime server of a backend: its identity, weights, state and counters. Plain data plus a few
// derived predicates, so balancers and the health state machine can be tested without a loop.
// Owned by its Backend; shared by the workers, changed under the engine's state lock.
#pragma once

#include <algorithm>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/freq_counter.hpp"
#include "core/intrusive_list.hpp"
#include "core/proxy_protocol.hpp"
#include "core/relaxed_counter.hpp"
#include "core/session_times.hpp"
#include "core/sockaddr.hpp"

#include "core/http_counters.hpp"

namespace ferry::core {

class Backend;
class Session;
struct ServerSessionsTag {};

using Millis = std::chrono::milliseconds;  // monotonic milliseconds, from the loop's clock

// Operational state, numbered as `show servers state` prints srv_op_state.
enum class OpState { Stopped = 0, Starting = 1, Running = 2, Stopping = 3 };

// Administrative flags, as `show servers state` prints srv_admin_state.
namespace admin {
constexpr unsigned kForcedMaint = 0x01;     // CLI `disable server` / `state maint`
constexpr unsigned kInheritedMaint = 0x02;  // tracking (not supported yet)
constexpr unsigned kConfigMaint = 0x04;     // `disabled` in the config
constexpr unsigned kForcedDrain = 0x08;     // CLI `state drain`
// What counts as "in maintenance". kConfigMaint only records that the config said `disabled`
// (a disabled server starts with kForcedMaint too; `enable server` clears that one), as HAProxy.
constexpr unsigned kMaintMask = kForcedMaint | kInheritedMaint;
}  // namespace admin

// HAProxy's check_status codes; the numbers are what `show servers state` prints.
enum class CheckStatus {
  Unknown = 0,
  Init = 1,
  Checked = 3,
  Hana = 4,
  SockErr = 5,
  L4Ok = 6,
  L4Tout = 7,
  L4Con = 8,
  L6Ok = 9,
  L6Tout = 10,
  L6Rsp = 11,
  L7Tout = 12,
  L7Rsp = 13,
  L7Ok = 15,
  L7OkC = 16,
  L7Sts = 17,
};

// What health checking knows of a server, kept here for the stats; written by healthcheck/.
struct CheckInfo {
  bool configured = false;   // `check` on the server line
  bool enabled = false;      // false after `disable health`
  bool paused = false;       // while in maintenance
  bool in_progress = false;  // a probe is running (stats prefix "* ")
  int health = 0;            // 0 .. rise+fall-1
  int rise = 2;
  int fall = 3;
  CheckStatus status = CheckStatus::Init;
  int code = -1;             // L7 status code, -1 when none
  std::string last_text;     // `last_chk`: error text, empty on success
  int64_t duration_ms = -1;  // -1 before the first result
  uint64_t chkfail = 0;
  uint64_t chkdown = 0;
  uint64_t hanafail = 0;
  bool observe = false;        // `observe layer4` is set: the stats show hanafail
  int consecutive_errors = 0;  // observe layer4
};

// Counters as the stats render them. Never reset except by `clear counters`.
struct ServerCounters {
  uint64_t stot = 0;    // sessions
  RelaxedCounter bin;   // bytes client -> server (no lock: added by every worker)
  RelaxedCounter bout;  // bytes server -> client
  uint64_t econ = 0;
  uint64_t eresp = 0;
  uint64_t wretr = 0;
  uint64_t wredis = 0;
  uint64_t lbtot = 0;
  uint64_t cli_abrt = 0;
  uint64_t srv_abrt = 0;
  uint64_t connect = 0;  // connection attempts
  uint64_t reuse = 0;    // requests sent on a kept connection (mode http)
  uint32_t smax = 0;
  uint32_t qmax = 0;
  Millis last_session{-1};  // -1 = never
  SessionTimes times;       // queue/connect/total time averages of sessions that got a server
  FreqCounter sess_rate;    // sessions per second, counted where stot is
  HttpCounters http;        // mode http only
};

class Server {
 public:
  std::string name;
  int id = 0;        // sid
  size_t index = 0;  // position in the backend, 0-based
  bool backup = false;
  Backend* backend = nullptr;
  SockAddr addr;
  std::string addr_text;  // for stats: "unix" or "ip:port"

  int iweight = 1;                    // initial (configured) weight, 0..256
  int uweight = 1;                    // user weight, changed by `set weight`
  int throttle_pct = 100;             // slowstart ramp, 100 when not warming up
  unsigned maxconn = 0;               // 0 = unlimited
  unsigned maxqueue = 0;              // 0 = unlimited
  proxy_protocol::SendOptions proxy;  // the PROXY header its connections (and checks) start with
  // Idle connections of `mode http` (http/idle_pool): pool-max-conn (-1: no limit),
  // pool-purge-delay (0: none kept), max-reuse (-1: no limit).
  int pool_max_conn = -1;
  Millis pool_purge_delay{5000};
  int max_reuse = -1;
  std::string cookie;  // `cookie VALUE`: what the persistence cookie holds for it; may be empty
  std::atomic<int> idle_conns{0};       // idle connections kept now, by every worker
  std::atomic<int> safe_idle_conns{0};  // those of them that carried two requests or more
  bool fcgi = false;  // `proto fcgi`: mode http speaks FastCGI to it (its backend's fcgi-app)
  // `option get-values`: what the FastCGI application said of itself on the last new connection.
  // FCGI_MAX_CONNS (0: not said) caps the sessions served at once, as maxconn does;
  // FCGI_MPXS_CONNS (-1: not said, 0, 1) is logged only (ferry never multiplexes).
  unsigned app_max_conns = 0;
  int app_mpxs_conns = -1;

  OpState op = OpState::Running;
  unsigned admin_flags = 0;
  Millis last_change{0};
  Millis down_since{-1};  // when it last became unusable by state, -1 while up
  Millis downtime{0};     // accumulated, not counting the current down period

  unsigned served = 0;             // sessions assigned to this server (connecting or established)
  bool session_connected = false;  // a session has tried to connect here (need_conn_est)
  ServerCounters counters;
  CheckInfo check;
  IntrusiveList<Session, ServerSessionsTag> sessions;  // established or connecting here

  // Effective weight in HAProxy's 1/16 units: what the balancers weigh with.
  int eweight() const { return (uweight * 16 * throttle_pct + 99) / 100; }
  bool in_maint() const { return (admin_flags & admin::kMaintMask) != 0; }
  bool in_drain() const { return (admin_flags & admin::kForcedDrain) != 0; }
  bool running() const { return op == OpState::Running || op == OpState::Starting; }
  // May the balancer send new traffic here?
  bool usable() const { return eweight() > 0 && !in_maint() && !in_drain() && running(); }
  // The sessions it may serve at once: maxconn, or less when its application said so (0: no
  // limit).
  unsigned conn_limit() const {
    return maxconn && app_max_conns ? std::min(maxconn, app_max_conns)
                                    : std::max(maxconn, app_max_conns);
  }
  // No free connection slot. (HAProxy also counts a server with a queue of its own as full;
  // ferry has no persistence, so no session ever waits in a server's queue.)
  bool full() const { return conn_limit() != 0 && served >= conn_limit(); }
};

}  // namespace ferry::core
