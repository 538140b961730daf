// One proxied connection: the client socket, the server it is assigned to, and the relay between
// them. Phases: waiting in the backend queue → connecting (with retries and redispatch) →
// relaying → closed. A session never destroys itself: on close it hands itself to its Worker,
// which deletes it after the current callback.
//
// A session runs on its worker's thread. The shared state it touches (its frontend, backend and
// server, their counters, the queue) changes under the engine's state lock. Another thread acts
// on a session only under that lock and only in two ways: the backend queue gives it a server
// (dequeued), or someone wants it killed (request_kill); both are finished on the session's own
// thread by run_hand_off().
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"
#include "core/proxy_protocol.hpp"
#include "core/relay.hpp"
#include "core/server.hpp"
#include "core/session_protocol.hpp"
#include "core/transaction_log.hpp"
#include "core/worker.hpp"

namespace ferry::core {

class Frontend;
class Listener;

class Session : public ListHook<ServerSessionsTag>,
                public ListHook<BackendQueueTag>,
                public ListHook<WorkerSessionsTag>,
                public ListHook<HandoffTag>,
                public ListHook<ResumeTag> {
 public:
  Session(Worker& worker, Frontend& frontend, const Listener& listener, Fd client,
          const SockAddr& peer);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Reads the client's PROXY header first on an accept-proxy listener; then assigns a server (or
  // queues, or fails) and starts connecting.
  void start();
  // State lock held, any thread: the backend queue hands this queued session a server with a
  // free slot (taken at once); the session connects on its own thread, and the connection
  // attempt counts from then.
  void dequeued(Server& server);
  // State lock held: given a server by the queue, not yet connecting. Not one of the server's
  // sessions for `shutdown sessions` yet: HAProxy attaches such a session when it connects.
  bool awaiting_connect() const { return phase_ == Phase::Dequeued; }
  // Closes the session now (hard stop); on its own thread only.
  void kill();
  // State lock held, any thread: kills the session now if it runs on this thread, else as soon
  // as its own thread gets to it (admin `shutdown sessions`, on-marked-down).
  void request_kill();
  // Its own thread: finishes what another thread handed it (see above).
  void run_hand_off();
  // Its own thread: relays on after yielding to the other sessions (Worker::resume_later).
  void resume();

  Server* server() const { return server_; }
  // The client: its socket's peer, or what its PROXY header said.
  const SockAddr& peer() const { return peer_; }
  bool closed() const { return phase_ == Phase::Closed; }
  // The address the client reached (or its header's destination); found on first use.
  const SockAddr& local_address();
  // The number of the listener it came by in its frontend: 1, 2, ... in bind order.
  int listener_number() const;

  // For the session's protocol (a frontend with one: HTTP), on the session's thread.
  Worker& worker() const { return worker_; }
  Frontend& frontend() const { return frontend_; }
  Backend& backend() const { return *backend_; }
  // Between two exchanges of a protocol (or before the first): the backend that the next
  // request_server() uses (a `use_backend` rule's pick for one HTTP request).
  void route(Backend& backend);
  int client_fd() const { return client_.get(); }
  int server_fd() const { return server_fd_.get(); }
  void want_client_output() { client_io_.want_output(); }
  // Calls the protocol's resume() in the next loop iteration (input left after its rounds).
  void resume_later() { worker_.resume_later(*this); }
  void want_server_output() { server_io_.want_output(); }
  // Picks a server for the next exchange, with the backend's algorithm, queue, retries and
  // redispatch; SessionProtocol::server_ready() follows, or the session closes (closing()).
  // `wanted`: the server a persistence cookie names, taken directly when it is neither down
  // nor in maintenance nor full (a draining one still takes it); the algorithm otherwise.
  // `key`: what `balance uri|url_param|hdr` hashes in the request (copied); nullopt: none.
  void request_server(Server* wanted = nullptr, std::optional<std::string_view> key = {});
  // What the request gives `balance uri|url_param|hdr` to hash (the queue picks with it too).
  std::optional<std::string_view> hash_key() const {
    return key_ ? std::optional<std::string_view>(*key_) : std::nullopt;
  }
  // The request's unique-id-format id, for a PROXY v2 header's unique-id TLV.
  void set_unique_id(std::string_view id) { unique_id_ = id; }
  // The exchange's server is the `wanted` one (and no redispatch left it).
  bool direct() const { return direct_; }
  // The exchange is over: the server's slot is given back (a queued session may take it) and
  // its connection handed to the caller, to keep for reuse or to close.
  Fd end_exchange();
  // The exchange failed on the server's side before any byte of a response (a reused connection
  // found closed, ...): closes the server connection and connects afresh, never to an idle one,
  // to the same server or (option redispatch) another, within `retries`. server_ready() or
  // closing() follow, as for request_server(). False, with nothing done, when no retry is left.
  bool retry_exchange();
  // The exchange's server connection was an idle one, kept from an earlier exchange.
  bool reused_connection() const { return reused_; }
  // Ends the session with termination state `who``phase`.
  void finish(char who, char phase) { close(who, phase); }
  void count_in(uint64_t n);
  void count_out(uint64_t n);
  uint64_t bytes_out() const { return bytes_out_; }
  int64_t accept_wall_us() const { return accept_wall_us_; }
  Millis accepted_at() const { return accepted_at_; }
  Millis connected_at() const { return connected_at_; }  // to this exchange's server; -1: not
  // mode http: a request read, what became of it (RequestFate), the response it got
  // (`from_server`: the server's own, not one of ferry's answers), a response from the server
  // that was not HTTP.
  enum class RequestFate : uint8_t {
    Routed,       // given to the backend
    Intercepted,  // answered by the frontend itself (stats page, exporter): `intercepted`
    Invalid,      // refused unread: a request error of the frontend (`ereq`)
  };
  void count_request(RequestFate fate);
  void count_response(int status, bool routed, bool from_server);
  void count_response_error();
  // Logs one transaction in the frontend's format (httplog or tcplog), if it logs traffic.
  void log_transaction(const TransactionLog& t);

 private:
  // ProxyHeader: waiting for the client's PROXY header (accept-proxy), not yet a session of its
  // frontend or backend. Dequeued: given a server by the queue, not yet connecting (the
  // hand-off is pending). Idle: a session with a protocol, between two exchanges (no server).
  enum class Phase {
    New,
    ProxyHeader,
    Queued,
    Dequeued,
    Connecting,
    TurnAround,
    Relaying,
    Idle,
    Closed
  };
  // What to do once the state lock is released, after a server pick.
  enum class Next { Connect, Wait, Fail };

  // State lock held: picks a server and takes a slot on it, or queues, or gives up.
  Next assign();
  // State lock held: option prefer-last-server's pick, the last exchange's server when the
  // client still holds an idle connection to it and it may take the request; else nullptr.
  Server* preferred_server() const;
  Next enqueue();
  void proceed(Next next);
  // No server for the exchange (`who``phase`: SC, sC, sQ): the session ends, or its protocol
  // answers the client and goes on (SessionProtocol::no_server).
  void no_server(char who, char phase);
  // State lock held: out of the backend queue, if in it (the log's queue position counted).
  void leave_queue();
  void connect();  // to server_, whose slot is taken and the attempt counted
  // Takes an idle connection to server_ the protocol kept; false when it has none (or it failed).
  bool reuse_idle();
  void begin();                       // start() once the client is known
  void start_protocol(bool watched);  // `watched`: the client's socket is in the poller already
  // accept-proxy (session_proxy.cpp): reads the header without taking a byte past it.
  void read_proxy_header(bool closed);
  // Drops a connection whose header failed (`why`: logged, counted) or that was killed (null).
  void drop_embryonic(const char* why);
  std::string embryonic_log_line(const char* why) const;
  // send-proxy: the header for server_ goes out first on a new connection; false when it could
  // not be written whole (errno in `err`).
  bool send_proxy_header(int& err);
  std::string proxy_header(const Server& server);
  // The client's peer credentials: from its PROXY header, else SO_PEERCRED of a UNIX client.
  std::optional<proxy_protocol::PeerCreds> peer_creds() const;
  // State lock held: the session's arrival on its backend (for each request in mode http, as
  // HAProxy counts a stream), and its leaving.
  void count_backend_session();
  void leave_backend();
  void count_connect_attempt();
  void count_server_session();  // stot, rate, smax, lastsess of server_
  // State lock held: the bytes the client sent before a server connection are counted on the
  // server the session connects to, or on the last one it tried when it fails (as HAProxy,
  // which counts them on the session's server when it updates its counters).
  void attribute_waiting_bytes();
  // cli_abrt or srv_abrt of the backend and server_ (an error or a timeout while relaying), and
  // eresp too for a `response_error`.
  void count_abort(bool client_side, bool response_error);
  // `fresh`: a new connection (a PROXY header goes first), not an idle one taken again.
  void connected(bool fresh);
  void connect_failed(int err, bool synchronous);
  // State lock held: the next connection attempt after `failed` refused or timed out: to it
  // again (at once, or after a turn-around when the failure was not `synchronous`) or, with
  // redispatch, to another server.
  Next next_attempt(Server& failed, bool synchronous);
  bool should_redispatch() const;
  // State lock held: a slot on `server`. `picked`: the balancer chose it (lbtot counts that, as
  // HAProxy's does); a queued session given a free slot was not picked.
  void take_server(Server& server, bool picked);
  void drop_server();
  void start_relay();
  // Moves what both directions can move now, then waits for the sockets to report more.
  void relay();
  void touch();
  void close(char who, char phase);

  Millis idle_timeout() const;  // 0 = none

  void on_client_io(int revents);
  void on_server_io(int revents);
  void on_timer();
  // The client side (or the server side) reset or vanished mid-transfer.
  void relay_failed(bool client_side);
  // The client's socket reported something before the relay started (queued or connecting).
  void client_io_waiting(int revents);
  // State lock held: `n` bytes read from the client before the relay (see unattributed_in_).
  void count_waiting_bytes(uint64_t n);
  // The client failed before the relay started: the session ends (CD, a client abort).
  void client_failed_waiting();
  // HAProxy's Tw/Tc/Tt in ms: time queued, time to connect (-1: never connected), total.
  struct Timings {
    int64_t tw, tc, tt;
  };
  Timings timings() const;
  void record_times();
  // One line in HAProxy's TCP log format (option tcplog); empty when `dontlognull` drops it.
  // State lock held (it prints the connection counts).
  std::string log_line() const;
  // The line of one HTTP transaction (see log_transaction). State lock held.
  std::string transaction_line(const TransactionLog& t) const;

  Worker& worker_;
  Engine& engine_;
  Frontend& frontend_;
  Backend* backend_;  // the default backend, or the one a rule picked (never null)
  const Listener& listener_;
  Fd client_;
  Fd server_fd_;
  SockAddr peer_;
  SockAddr local_;  // len 0 until local_address() or the PROXY header set it
  std::optional<proxy_protocol::PeerCreds> header_creds_;
  Server* server_ = nullptr;
  std::vector<Server*> tried_;
  Server* last_server_ = nullptr;      // of the protocol's last exchange (prefer-last-server)
  Server* redispatch_from_ = nullptr;  // the server a redispatch left, until the next pick
  int last_connect_error_ = 0;
  int retries_done_ = 0;
  bool redispatched_ = false;
  bool on_backend_ = false;  // counted in backend_.beconn (state lock)
  bool reused_ = false;      // the server connection came from the protocol's idle ones
  bool fresh_only_ = false;  // the next connect must not take an idle connection (a retry)

  // request_server()'s: the cookie's server until the first pick, the hash key for every pick.
  Server* wanted_ = nullptr;
  std::optional<std::string> key_;
  bool direct_ = false;    // server_ is wanted_
  std::string unique_id_;  // the request's, for the PROXY v2 unique-id TLV

  std::atomic<Phase> phase_{Phase::New};  // read by other threads while queued
  bool kill_requested_ = false;           // under the state lock
  Flow c2s_;
  Flow s2c_;
  uint64_t bytes_in_ = 0;
  uint64_t unattributed_in_ = 0;  // read before the session had a server (state lock)
  uint64_t bytes_out_ = 0;
  Millis accepted_at_;
  Millis queued_at_{-1};
  // The backend's dequeue count when this session was last queued; and, summed over its stays
  // in the queue, 1 + the sessions the queue handed a server before it left: the log's
  // backend_queue, as HAProxy 2.6 shows it (observed). Under the state lock.
  uint64_t queue_mark_ = 0;
  uint32_t queue_pos_ = 0;
  Millis connect_started_{-1};
  Millis connected_at_{-1};
  Millis last_activity_{0};
  int64_t accept_wall_us_ = 0;  // wall clock at accept, for the log date
  char term_[2] = {'-', '-'};
  EdgeWatcher<Session, &Session::on_client_io> client_io_;
  EdgeWatcher<Session, &Session::on_server_io> server_io_;
  TimerWatcher<Session, &Session::on_timer> timer_;
  std::unique_ptr<SessionProtocol> proto_;  // HTTP; none for TCP
};

}  // namespace ferry::core
