#include "core/session.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "core/frontend.hpp"

namespace ferry::core {

namespace {

constexpr Millis kMaxTurnAround{1000};

bool is_rr_kind(conf::Balance b) {
  return b == conf::Balance::RoundRobin || b == conf::Balance::StaticRr ||
         b == conf::Balance::Random;
}

int64_t wall_clock_us() {
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

// Makes close() send a reset on a TCP socket, so a peer's reset reaches the other side.
void arm_reset(const Fd& fd) {
  if (!fd) return;
  const linger lg{1, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

}  // namespace

Session::Session(Worker& worker, Frontend& frontend, const Listener& listener, Fd client,
                 const SockAddr& peer)
    : worker_(worker),
      engine_(worker.engine),
      frontend_(frontend),
      backend_(frontend.backend),
      listener_(listener),
      client_(std::move(client)),
      peer_(peer),
      accepted_at_(worker.loop.now()),
      accept_wall_us_(wall_clock_us()),
      client_io_(worker.poller, this),
      server_io_(worker.poller, this),
      timer_(worker.loop, this) {
  worker_.sessions.push_back(*this);
}

Session::~Session() {
  c2s_.release(worker_.io());
  s2c_.release(worker_.io());
}

void Session::count_backend_session() {
  on_backend_ = true;
  ++backend_->beconn;
  ++backend_->counters.stot;
  backend_->counters.sess_rate.add(accepted_at_);
  backend_->counters.last_session = accepted_at_;
  backend_->counters.smax = std::max(backend_->counters.smax, backend_->beconn);
}

void Session::route(Backend& backend) {
  if (&backend == backend_) return;
  backend_ = &backend;
  last_server_ = nullptr;  // prefer-last-server keeps to one backend
}

void Session::leave_backend() {
  if (std::exchange(on_backend_, false)) --backend_->beconn;
}

void Session::start_protocol(bool watched) {
  if (!watched && client_io_.add(client_.get()) != 0) return close('R', 'C');
  phase_ = Phase::Idle;
  proto_ = frontend_.protocol->create(*this);
  proto_->start();
}

void Session::request_server(Server* wanted, std::optional<std::string_view> key) {
  if (key)
    key_.emplace(*key);
  else
    key_.reset();
  tried_.clear();
  retries_done_ = 0;
  redispatched_ = false;
  wanted_ = wanted;
  direct_ = false;
  queued_at_ = connect_started_ = connected_at_ = Millis{-1};  // this request's times
  queue_pos_ = 0;
  Next next = Next::Fail;
  {
    auto lk = engine_.lock_state();
    count_backend_session();
    next = assign();
  }
  proceed(next);
}

Fd Session::end_exchange() {
  timer_.stop();
  phase_ = Phase::Idle;
  last_server_ = server_;
  {
    auto lk = engine_.lock_state();
    drop_server();
    leave_backend();
  }
  return std::move(server_fd_);
}

bool Session::retry_exchange() {
  if (retries_done_ >= backend_->settings.retries) return false;
  timer_.stop();
  server_fd_.reset();
  fresh_only_ = true;
  ++retries_done_;
  Next next = Next::Connect;
  {
    auto lk = engine_.lock_state();
    if (should_redispatch()) {
      tried_.push_back(server_);
      redispatch_from_ = server_;
      drop_server();
      next = assign();
    } else {
      ++server_->counters.wretr;
      ++backend_->counters.wretr;
    }
  }
  proceed(next);
  return true;
}

bool Session::reuse_idle() {
  if (std::exchange(fresh_only_, false)) return false;
  Fd idle = proto_->idle_connection(*server_);
  if (!idle || server_io_.rebind(idle.get()) != 0) return false;
  server_fd_ = std::move(idle);
  {
    auto lk = engine_.lock_state();
    ++server_->counters.reuse;
    ++backend_->counters.reuse;
  }
  reused_ = true;
  count_server_session();
  connected(false);
  return true;
}

void Session::start() {
  if (!listener_.accept_proxy) return begin();
  if (client_io_.add(client_.get()) != 0) return drop_embryonic(proxy_protocol::reason::kAbort);
  phase_ = Phase::ProxyHeader;
  // HAProxy 2.6 bounds the header by `timeout client`.
  if (frontend_.settings.client_timeout) timer_.start(*frontend_.settings.client_timeout);
  read_proxy_header(false);  // it usually came with the connection
}

void Session::begin() {
  // Already watched when a PROXY header came first.
  const bool known = phase_ == Phase::ProxyHeader;
  phase_ = Phase::New;
  if (frontend_.protocol) return start_protocol(known);
  if (frontend_.rules) backend_ = &frontend_.rules->connection_backend(*this);
  // Watched from now on, as HAProxy does: what the client sends while it waits for a server is
  // read (and counted), and a client that resets its connection meanwhile is let go at once.
  const bool watched = known || client_io_.add(client_.get()) == 0;
  // The client has usually sent its first bytes already: read them now, as HAProxy does, rather
  // than after another trip through the poller. No server is needed for that.
  uint64_t moved = 0;
  Flow::Status st = Flow::Status::Ok;
  if (watched) {
    c2s_.mark_readable();
    st = c2s_.fill(client_.get(), worker_.io(), moved);
  }
  Next next = Next::Wait;
  {
    auto lk = engine_.lock_state();
    count_backend_session();
    count_waiting_bytes(moved);
    if (watched && st == Flow::Status::Ok) next = assign();  // no pick for a client gone already
  }
  if (!watched) return close('R', 'C');
  if (st != Flow::Status::Ok) return client_failed_waiting();
  proceed(next);
}

Session::Next Session::assign() {
  // A cookie's server is taken whatever the queue (HAProxy would queue on that server if full).
  if (Server* w = std::exchange(wanted_, nullptr);
      w && tried_.empty() && w->running() && !w->in_maint() && !w->full()) {
    take_server(*w, false);
    direct_ = true;
    return Next::Connect;
  }
  // FIFO fairness: while others wait, a new connection waits behind them.
  if (!backend_->queue.empty() && tried_.empty()) return enqueue();
  if (Server* last = preferred_server()) {
    take_server(*last, false);
    count_connect_attempt();
    return Next::Connect;
  }
  PickResult r;
  if (backend_->lb) {
    const std::optional<std::string_view> key = hash_key();
    r = backend_->lb->pick(PickRequest{&peer_, tried_, key});
    if (!r.server && !r.saturated && !tried_.empty())
      r = backend_->lb->pick(PickRequest{&peer_, {}, key});
  }
  if (r.server) {
    take_server(*r.server, true);
    return Next::Connect;
  }
  if (r.saturated) return enqueue();
  ++backend_->counters.econ;  // no usable server at all
  return Next::Fail;
}

Server* Session::preferred_server() const {
  // As HAProxy: only for algorithms that do not derive the server from the request (hashes).
  const conf::Balance b = backend_->settings.balance;
  if (!backend_->settings.prefer_last_server || !last_server_ || !tried_.empty() ||
      b == conf::Balance::Source || b == conf::Balance::Uri || b == conf::Balance::UrlParam ||
      b == conf::Balance::Hdr)
    return nullptr;
  if (!last_server_->usable() || last_server_->full()) return nullptr;
  return proto_->holds_idle_connection(*last_server_) ? last_server_ : nullptr;
}

Session::Next Session::enqueue() {
  phase_ = Phase::Queued;
  queued_at_ = worker_.loop.now();
  queue_mark_ = backend_->dequeues;
  backend_->queue.push_back(*this);
  const auto qlen = static_cast<uint32_t>(backend_->queue.size());
  backend_->counters.qmax = std::max(backend_->counters.qmax, qlen);
  const auto& st = backend_->settings;
  if (st.queue_timeout) timer_.start(*st.queue_timeout);
  return Next::Wait;
}

void Session::proceed(Next next) {
  switch (next) {
    case Next::Connect:
      return connect();
    case Next::Wait:
      return;
    case Next::Fail:
      return no_server('S', 'C');
  }
}

void Session::no_server(char who, char phase) {
  if (!proto_) return close(who, phase);
  timer_.stop();
  server_fd_.reset();
  phase_ = Phase::Idle;
  proto_->no_server(who, phase);
}

void Session::leave_queue() {
  if (phase_ != Phase::Queued) return;
  backend_->queue.remove(*this);
  queue_pos_ += static_cast<uint32_t>(backend_->dequeues - queue_mark_) + 1;  // counts itself
  phase_ = Phase::New;
}

void Session::dequeued(Server& server) {
  phase_ = Phase::Dequeued;
  queue_pos_ += static_cast<uint32_t>(backend_->dequeues - queue_mark_);
  take_server(server, false);
  worker_.hand_off(*this);
}

void Session::request_kill() {
  if (worker_.on_own_thread()) return kill();
  kill_requested_ = true;
  worker_.hand_off(*this);
}

void Session::run_hand_off() {
  bool kill_it = false;
  bool dequeued = false;
  {
    auto lk = engine_.lock_state();
    kill_it = kill_requested_;
    dequeued = phase_ == Phase::Dequeued;
  }
  if (closed()) return;
  if (kill_it) return kill();
  if (!dequeued) return;
  timer_.stop();  // the queue timeout
  connect();
}

void Session::take_server(Server& server, bool picked) {
  direct_ = false;
  if (redispatch_from_) {
    if (&server != redispatch_from_) {
      ++redispatch_from_->counters.wredis;
      ++backend_->counters.wredis;
      redispatched_ = true;
    } else {
      ++server.counters.wretr;
      ++backend_->counters.wretr;
    }
    redispatch_from_ = nullptr;
  }
  server_ = &server;
  ++server.served;
  server.sessions.push_back(*this);
  if (picked) {
    ++server.counters.lbtot;
    ++backend_->counters.lbtot;
  }
  if (backend_->lb) backend_->lb->taken(server);
}

void Session::attribute_waiting_bytes() {
  if (server_ && unattributed_in_ > 0) server_->counters.bin += std::exchange(unattributed_in_, 0);
}

void Session::count_server_session() {
  const Millis now = worker_.loop.now();
  auto lk = engine_.lock_state();
  auto& c = server_->counters;
  ++c.stot;
  c.sess_rate.add(now);
  c.smax = std::max(c.smax, server_->served);
  c.last_session = now;
  attribute_waiting_bytes();
}

void Session::drop_server() {
  Server* s = std::exchange(server_, nullptr);
  if (!s) return;
  s->sessions.remove(*this);
  --s->served;
  if (backend_->lb) backend_->lb->released(*s);
  backend_->process_queue();
}

void Session::count_connect_attempt() {
  server_->session_connected = true;
  ++server_->counters.connect;
  ++backend_->counters.connect;
}

void Session::connect() {
  phase_ = Phase::Connecting;
  connect_started_ = worker_.loop.now();
  if (proto_ && reuse_idle()) return;
  {
    auto lk = engine_.lock_state();
    count_connect_attempt();
  }
  reused_ = false;
  ConnectResult cr = connect_to(server_->addr);
  if (cr.err != 0) return connect_failed(cr.err, true);
  server_fd_ = std::move(cr.fd);
  // Registered once for the session's life; a connect in progress ends in output readiness.
  if (const int err = server_io_.add(server_fd_.get(), cr.in_progress))
    return connect_failed(err, true);
  // HAProxy counts a session on the server once its connect() did not fail at once (a refused
  // UNIX connect counts an attempt, not a session).
  count_server_session();
  if (!cr.in_progress) return connected(true);
  if (backend_->settings.connect_timeout) timer_.start(*backend_->settings.connect_timeout);
}

void Session::connected(bool fresh) {
  if (fresh && server_->proxy.version != 0) {
    int err = 0;
    if (!send_proxy_header(err)) return connect_failed(err, false);
  }
  timer_.stop();
  connected_at_ = worker_.loop.now();
  if (unattributed_in_ > 0) {  // read during a connect in progress (only this thread writes it)
    auto lk = engine_.lock_state();
    attribute_waiting_bytes();
  }
  engine_.observe_connect(*server_, true);
  if (!proto_) return start_relay();
  phase_ = Phase::Relaying;
  proto_->server_ready();
}

bool Session::should_redispatch() const {
  const auto& st = backend_->settings;
  if (!st.redispatch) return false;
  if (!server_->usable() || retries_done_ == st.retries) return true;
  return !direct_ && is_rr_kind(st.balance) && backend_->usable_active() > 1;
}

void Session::connect_failed(int err, bool synchronous) {
  timer_.stop();
  server_fd_.reset();
  last_connect_error_ = err;
  Server& server = *server_;
  engine_.observe_connect(server, false);
  if (closed()) return;  // the observer took the server down and its sessions with it
  Next next = Next::Fail;
  {
    auto lk = engine_.lock_state();
    if (retries_done_ < backend_->settings.retries && backend_->settings.retry_connect) {
      next = next_attempt(server, synchronous);
    } else {
      ++server.counters.econ;
      ++backend_->counters.econ;
    }
  }
  if (next == Next::Fail) return no_server(err == ETIMEDOUT ? 's' : 'S', 'C');
  proceed(next);
}

Session::Next Session::next_attempt(Server& failed, bool synchronous) {
  ++retries_done_;
  if (should_redispatch()) {
    tried_.push_back(&failed);
    redispatch_from_ = &failed;
    drop_server();
    return assign();
  }
  ++failed.counters.wretr;
  ++backend_->counters.wretr;
  if (synchronous) return Next::Connect;
  phase_ = Phase::TurnAround;
  const auto ct = backend_->settings.connect_timeout.value_or(kMaxTurnAround);
  timer_.start(std::min(kMaxTurnAround, ct));
  return Next::Wait;
}

Millis Session::idle_timeout() const {
  const auto& st = backend_->settings;
  if (st.tunnel_timeout) return *st.tunnel_timeout;
  const auto& cl = frontend_.settings.client_timeout;
  if (cl && st.server_timeout) return std::min(*cl, *st.server_timeout);
  if (cl) return *cl;
  if (st.server_timeout) return *st.server_timeout;
  return Millis(0);
}

void Session::start_relay() {
  phase_ = Phase::Relaying;
  touch();
  if (idle_timeout().count() > 0) timer_.start(idle_timeout());
  // What the client sent while waiting goes first (and its FIN, if it sent one meanwhile). A
  // server that greets first has been reported already.
  if (c2s_.flush(server_fd_.get(), worker_.io(), s2c_.done()) != Flow::Status::Ok)
    return relay_failed(false);
  relay();
}

void Session::touch() {
  last_activity_ = worker_.loop.now();
}

void Session::relay() {
  if (c2s_.can_read()) {
    uint64_t moved = 0;
    const auto st = c2s_.pump(client_.get(), server_fd_.get(), worker_.io(), moved, s2c_.done());
    count_in(moved);
    if (st != Flow::Status::Ok) return relay_failed(st == Flow::Status::ReadError);
  }
  if (s2c_.can_read()) {
    uint64_t moved = 0;
    const auto st = s2c_.pump(server_fd_.get(), client_.get(), worker_.io(), moved, c2s_.done());
    count_out(moved);
    if (st != Flow::Status::Ok) return relay_failed(st == Flow::Status::WriteError);
  }
  touch();
  if (c2s_.done() && s2c_.done()) return close('-', '-');
  // A blocked write goes on when its socket reports room; input left after a flow used its
  // rounds, in the next loop iteration.
  if (c2s_.wants_write()) server_io_.want_output();
  if (s2c_.wants_write()) client_io_.want_output();
  if ((c2s_.can_read() && !c2s_.wants_write()) || (s2c_.can_read() && !s2c_.wants_write()))
    worker_.resume_later(*this);
}

void Session::resume() {
  if (proto_ && !closed()) return proto_->resume();
  if (phase_ == Phase::Relaying) relay();
}

void Session::count_request(RequestFate fate) {
  const Millis now = worker_.loop.now();
  auto lk = engine_.lock_state();
  frontend_.counters.http.count_request(now);
  if (fate == RequestFate::Invalid) ++frontend_.counters.ereq;
  if (fate == RequestFate::Routed) backend_->counters.http.count_request(now);
  if (fate == RequestFate::Intercepted) frontend_.counters.http.count_intercepted();
}

void Session::count_response(int status, bool routed, bool from_server) {
  auto lk = engine_.lock_state();
  frontend_.counters.http.count_response(status);
  if (routed) backend_->counters.http.count_response(status);
  if (!from_server || !server_) return;
  server_->counters.http.count_request(worker_.loop.now());  // HAProxy: the server's answers
  server_->counters.http.count_response(status);
}

void Session::count_response_error() {
  auto lk = engine_.lock_state();
  ++backend_->counters.eresp;
  if (server_) ++server_->counters.eresp;
}

void Session::count_in(uint64_t n) {
  if (n == 0) return;
  bytes_in_ += n;
  frontend_.counters.bin += n;
  backend_->counters.bin += n;
  if (server_) server_->counters.bin += n;  // a protocol reads requests before picking one
}

void Session::count_out(uint64_t n) {
  if (n == 0) return;
  bytes_out_ += n;
  frontend_.counters.bout += n;
  backend_->counters.bout += n;
  if (server_) server_->counters.bout += n;  // a protocol answers some requests itself
}

void Session::on_client_io(int revents) {
  if (phase_ == Phase::ProxyHeader) {
    if (revents & EdgePoller::kInput) read_proxy_header(revents & EdgePoller::kDrainFully);
    return;
  }
  if (proto_) {
    if (!closed()) proto_->client_io(revents);
    return;
  }
  if (phase_ != Phase::Relaying) return client_io_waiting(revents);
  if (revents & EdgePoller::kInput) c2s_.mark_readable(revents & EdgePoller::kDrainFully);
  if (revents & EdgePoller::kOutput && s2c_.wants_write()) {
    if (s2c_.flush(client_.get(), worker_.io(), c2s_.done()) != Flow::Status::Ok)
      return relay_failed(true);
  }
  relay();
}

void Session::on_server_io(int revents) {
  if (phase_ == Phase::Connecting) {
    const int err = socket_error(server_fd_.get());
    if (err) return connect_failed(err, false);
    // The server may have spoken first.
    if (revents & EdgePoller::kInput) s2c_.mark_readable(revents & EdgePoller::kDrainFully);
    return connected(true);
  }
  if (phase_ != Phase::Relaying) return;
  if (proto_) return proto_->server_io(revents);
  if (revents & EdgePoller::kInput) s2c_.mark_readable(revents & EdgePoller::kDrainFully);
  if (revents & EdgePoller::kOutput && c2s_.wants_write()) {
    if (c2s_.flush(server_fd_.get(), worker_.io(), s2c_.done()) != Flow::Status::Ok)
      return relay_failed(false);
  }
  relay();
}

void Session::client_io_waiting(int revents) {
  if (closed() || !(revents & EdgePoller::kInput)) return;
  const bool drain = revents & EdgePoller::kDrainFully;
  c2s_.mark_readable(drain);
  uint64_t moved = 0;
  const auto st = c2s_.fill(client_.get(), worker_.io(), moved);
  if (moved > 0) {
    // Another thread's queue may be handing this session a server right now.
    auto lk = engine_.lock_state();
    count_waiting_bytes(moved);
  }
  if (st != Flow::Status::Ok) return client_failed_waiting();
  // A reset after a FIN or with a full buffer is not found by reading: nothing reads any more.
  // A FIN alone is kept: it follows the data once connected.
  if (drain && !c2s_.can_read() && socket_error(client_.get()) != 0) client_failed_waiting();
}

void Session::count_waiting_bytes(uint64_t n) {
  bytes_in_ += n;
  frontend_.counters.bin += n;
  backend_->counters.bin += n;
  unattributed_in_ += n;  // see attribute_waiting_bytes()
}

void Session::client_failed_waiting() {
  // HAProxy 2.6 (observed): a client that resets while queued ends the session at once, `CD`,
  // counted as a client abort.
  count_abort(true, false);
  close('C', 'D');
}

void Session::relay_failed(bool client_side) {
  count_abort(client_side, !client_side);  // HAProxy: a server-side error is a response error too
  if (client_side) {
    arm_reset(server_fd_);
    return close('C', 'D');
  }
  arm_reset(client_);
  close('S', 'D');
}

void Session::count_abort(bool client_side, bool response_error) {
  auto lk = engine_.lock_state();
  ++(client_side ? backend_->counters.cli_abrt : backend_->counters.srv_abrt);
  if (response_error) ++backend_->counters.eresp;
  if (!server_) return;  // still waiting for one
  ++(client_side ? server_->counters.cli_abrt : server_->counters.srv_abrt);
  if (response_error) ++server_->counters.eresp;
}

void Session::on_timer() {
  switch (phase_) {
    case Phase::ProxyHeader:
      return drop_embryonic(proxy_protocol::reason::kTimeout);
    case Phase::Queued: {
      {
        auto lk = engine_.lock_state();
        if (phase_ != Phase::Queued) return;  // just given a server: the hand-off follows
        ++backend_->counters.econ;
        leave_queue();
      }
      return no_server('s', 'Q');
    }
    case Phase::Connecting:
      return connect_failed(ETIMEDOUT, false);
    case Phase::TurnAround:
      return connect();
    case Phase::Relaying: {
      const Millis idle = worker_.loop.now() - last_activity_;
      const Millis limit = idle_timeout();
      if (idle < limit) return timer_.start(limit - idle);
      const auto& cl = frontend_.settings.client_timeout;
      // Both directions idle: HAProxy checks the client's side first, so `timeout tunnel` (the
      // same for both) and a tie of client and server timeouts end as a client timeout (cD).
      const bool client_side = backend_->settings.tunnel_timeout || (cl && *cl == limit);
      count_abort(client_side, false);  // as HAProxy counts a data-phase timeout
      return close(client_side ? 'c' : 's', 'D');
    }
    default:
      return;
  }
}

void Session::kill() {
  if (closed()) return;
  close('K', phase_ == Phase::Relaying ? 'D' : 'C');
}

void Session::close(char who, char phase) {
  if (closed()) return;
  if (phase_ == Phase::ProxyHeader) return drop_embryonic(nullptr);  // killed (hard stop)
  if (proto_) proto_->closing(who, phase);
  timer_.stop();
  worker_.forget_resume(*this);
  c2s_.release(worker_.io());
  s2c_.release(worker_.io());
  client_.reset();
  server_fd_.reset();
  term_[0] = who;
  term_[1] = phase;
  std::string line;
  {
    auto lk = engine_.lock_state();
    attribute_waiting_bytes();
    leave_queue();
    phase_ = Phase::Closed;
    worker_.forget_hand_off(*this);
    leave_backend();
    record_times();
    if (frontend_.logs_traffic() && !proto_) line = log_line();  // a protocol logs its own
    drop_server();
    --frontend_.feconn;
    worker_.session_closed(*this);
  }
  if (!line.empty()) frontend_.log_traffic(line);
}

}  // namespace ferry::core
