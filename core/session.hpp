// One proxied connection: the client socket, the server it is assigned to, and the relay between
// them. Phases: waiting in the backend queue → connecting (with retries and redispatch) →
// relaying → closed. A session never destroys itself: on close it hands itself to the Engine,
// which deletes it after the current callback.
#pragma once

#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/relay.hpp"
#include "core/server.hpp"

namespace ferry::core {

class Frontend;

class Session : public ListHook<ServerSessionsTag>,
                public ListHook<BackendQueueTag>,
                public ListHook<EngineSessionsTag> {
 public:
  Session(Engine& engine, Frontend& frontend, Fd client, const SockAddr& peer);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Assigns a server (or queues, or fails) and starts connecting.
  void start();
  // The backend hands a queued session a server with a free slot.
  void dequeued(Server& server);
  // Closes the session now (admin `shutdown sessions`, on-marked-down, hard stop).
  void kill();

  Server* server() const { return server_; }
  const SockAddr& peer() const { return peer_; }
  bool closed() const { return phase_ == Phase::Closed; }

 private:
  enum class Phase { New, Queued, Connecting, TurnAround, Relaying, Closed };

  void assign();
  void enqueue();
  void connect(Server& server);
  void connected();
  void connect_failed(int err, bool synchronous);
  bool should_redispatch() const;
  void take_server(Server& server);
  void drop_server();
  void start_relay();
  void update_watchers();
  void touch();
  void close(char who, char phase);

  Millis idle_timeout() const;  // 0 = none
  void count_in(uint64_t n);
  void count_out(uint64_t n);

  void on_client_io(int revents);
  void on_server_io(int revents);
  void on_timer();
  // The client side (or the server side) reset or vanished mid-transfer.
  void relay_failed(bool client_side);
  // HAProxy's Tw/Tc/Tt in ms: time queued, time to connect (-1: never connected), total.
  struct Timings {
    int64_t tw, tc, tt;
  };
  Timings timings() const;
  void record_times();
  // One line in HAProxy's TCP log format (option tcplog).
  void log_connection() const;

  Engine& engine_;
  Frontend& frontend_;
  Backend& backend_;
  Fd client_;
  Fd server_fd_;
  SockAddr peer_;
  Server* server_ = nullptr;
  std::vector<Server*> tried_;
  Server* redispatch_from_ = nullptr;  // the server a redispatch left, until the next pick
  int last_connect_error_ = 0;
  int retries_done_ = 0;
  bool redispatched_ = false;
  Phase phase_ = Phase::New;
  Flow c2s_;
  Flow s2c_;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  Millis accepted_at_;
  Millis queued_at_{-1};
  Millis connect_started_{-1};
  Millis connected_at_{-1};
  Millis last_activity_{0};
  int64_t accept_wall_us_ = 0;  // wall clock at accept, for the log date
  char term_[2] = {'-', '-'};
  IoWatcher<Session, &Session::on_client_io> client_io_;
  IoWatcher<Session, &Session::on_server_io> server_io_;
  TimerWatcher<Session, &Session::on_timer> timer_;
};

}  // namespace ferry::core
