#include "http/http_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

#include "core/backend.hpp"
#include "core/engine.hpp"
#include "core/frontend.hpp"
#include "http/balance_key.hpp"
#include "http/cgi_head.hpp"
#include "http/error_reply.hpp"
#include "http/frontend_rules.hpp"
#include "http/head_writer.hpp"
#include "http/log_format.hpp"

namespace ferry::http {

namespace {
using core::EdgePoller;
using Status = MessageFlow::Status;
using ConnMode = HttpSettings::ConnMode;

std::optional<core::Millis> first_of(std::optional<core::Millis> a, std::optional<core::Millis> b) {
  return a ? a : b;
}

// RFC 9110 9.2.2: a method whose request may be sent twice with the effect of once.
bool is_idempotent(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
    if (method == m) return true;
  return false;
}
}  // namespace

HttpConnection::HttpConnection(core::Session& session, const HttpSettings& settings, IdlePool& pool,
                               const HttpRouting* routing)
    : session_(session),
      settings_(&settings),
      routing_(routing),
      pool_(pool),
      buffers_(session.worker().buffers),
      request_parser_(settings.limits),
      response_parser_(settings.limits),
      timer_(session.worker().loop, this) {}

void HttpConnection::start() {
  begin_transaction();
  c2s_.mark_readable();  // the request has usually arrived with the connection
  read_request();
}

core::Fd HttpConnection::idle_connection(core::Server& server) {
  IdlePool::Taken taken = pool_.take(server, this, sharing());
  taken_uses_ = taken.uses;
  return std::move(taken.fd);
}

bool HttpConnection::holds_idle_connection(core::Server& server) const {
  // As HAProxy 2.6 (observed side by side): only a connection kept for this client alone (http-
  // reuse never, or one that began with a PROXY header) is the client's; a shared one is the
  // server's, and holding it does not keep the client there.
  const bool private_only = settings_->reuse == conf::HttpReuse::Never || server.proxy.version != 0;
  return private_only && pool_.holds(server, this);
}

IdlePool::Sharing HttpConnection::sharing() const {
  using Sharing = IdlePool::Sharing;
  switch (settings_->reuse) {
    case conf::HttpReuse::Never:
      return Sharing::OwnOnly;
    case conf::HttpReuse::Safe:
      return first_request_ ? Sharing::OwnOnly : Sharing::Any;
    case conf::HttpReuse::Aggressive:
      return first_request_ ? Sharing::Proven : Sharing::Any;
    case conf::HttpReuse::Always:
      return Sharing::Any;
  }
  return Sharing::OwnOnly;
}

void HttpConnection::client_io(int revents) {
  if (revents & EdgePoller::kInput) c2s_.mark_readable(revents & EdgePoller::kDrainFully);
  switch (state_) {
    case State::Request:
      return read_request();
    case State::Exchange:
    case State::Tunnel:
      return exchange();
    case State::Local:
      return answer_locally();
    default:
      return;  // waiting for a server: the request's body is read once it has one
  }
}

void HttpConnection::server_io(int revents) {
  if (revents & EdgePoller::kInput) s2c_.mark_readable(revents & EdgePoller::kDrainFully);
  if (state_ == State::Exchange || state_ == State::Tunnel) exchange();
}

void HttpConnection::arm_timer() {
  std::optional<core::Millis> t;
  switch (state_) {
    case State::Request:
      t = first_request_ || !c2s_.held().empty()
              ? first_of(settings_->request_timeout, settings_->client_timeout)
              : first_of(settings_->keep_alive_timeout,
                         first_of(settings_->request_timeout, settings_->client_timeout));
      break;
    case State::Exchange:
      t = gathering_          ? settings_->client_timeout
          : response_started_ ? first_of(settings_->client_timeout, settings_->server_timeout)
                              : settings_->server_timeout;
      break;
    case State::Tunnel:
      t = first_of(settings_->tunnel_timeout,
                   first_of(settings_->client_timeout, settings_->server_timeout));
      break;
    default:
      break;
  }
  if (t)
    timer_.start(*t);
  else
    timer_.stop();
}

void HttpConnection::on_timer() {
  switch (state_) {
    case State::Request:
      // An idle keep-alive connection closes quietly; a first request that never came gets
      // 408, as HAProxy 2.6 answers it.
      if (c2s_.held().empty() && !first_request_) return session_.finish('c', 'R');
      return refuse(408, "the request head did not arrive within timeout http-request", 'c', 'R');
    case State::Exchange:
      if (gathering_)
        return refuse(408, "the chunked request body did not arrive in time", 'c', 'D');
      if (!response_started_) {
        if (!got_response_ && retry(conf::RetryOn::kResponseTimeout)) return;
        return refuse(504, "the server did not answer in time", 's', 'H');
      }
      return session_.finish(s2c_.wants_write() ? 'c' : 's', 'D');
    case State::Tunnel:
      return session_.finish('c', 'D');
    case State::Local:
      return session_.finish('c', local_out_.empty() ? 'R' : 'D');
    default:
      return;
  }
}

void HttpConnection::wait_request() {
  state_ = State::Request;
  first_request_ = false;
  // What only the exchange just ended needed goes, so that an idle connection holds little.
  replay_.reset();
  answer_.reset();
  fcgi_ = false;
  sticky_.reset();
  std::vector<Header>().swap(request_.headers);
  std::vector<Header>().swap(response_.headers);
  c2s_.next_message();
  request_parser_.reset();
  begin_transaction();
  read_request();
}

void HttpConnection::read_request() {
  uint64_t moved = 0;
  const Status st = c2s_.read(session_.client_fd(), buffers_, moved);
  session_.count_in(moved);
  note_request_bytes();
  if (st != Status::Ok) return session_.finish('C', 'R');
  switch (request_parser_.parse_request(c2s_.held(), request_)) {
    case ParseResult::NeedMore:
      if (c2s_.at_eof())
        return session_.finish(c2s_.held().empty() && !first_request_ ? '-' : 'C', 'R');
      // timeout http-request runs from the request's first byte (from accept for the first
      // request) to its head's end; before that byte, timeout http-keep-alive.
      if (!timer_.active() || (!c2s_.held().empty() && !head_timer_)) {
        head_timer_ = first_request_ || !c2s_.held().empty();
        arm_timer();
      }
      return;
    case ParseResult::Error:
      session_.count_request(core::Session::RequestFate::Invalid);
      return refuse(400, request_parser_.error(), 'P', 'R');
    case ParseResult::Done:
      return request_ready();
  }
}

void HttpConnection::request_ready() {
  timer_.stop();
  head_timer_ = false;
  rewrites_.clear();
  // A request read is one of HAProxy's streams (CONNECT too, which ferry then refuses).
  request_number_ = session_.worker().engine.count_stream();
  if (!settings_->unique_id_format.empty()) {
    unique_id_.clear();
    render_log_format(settings_->unique_id_format, format_inputs(), unique_id_);
    session_.set_unique_id(unique_id_);
  }
  const conf::HttpRule* answering = apply_request_rules();
  if (!settings_->unique_id_header.empty()) add_unique_id_header();
  // The persistence of the request's backend (use_backend may change it between requests).
  sticky_.reset();
  if (const auto& cookie = session_.backend().settings.cookie)
    sticky_ = std::make_unique<StickyCookie>(*cookie);
  const auto local = answering ? std::nullopt : local_kind();
  // As HAProxy 2.6: a request a return or redirect rule answers is intercepted.
  const bool intercepted =
      local || (answering && answering->action != conf::HttpRule::Action::Deny);
  using Fate = core::Session::RequestFate;
  session_.count_request(request_.is_connect() ? Fate::Invalid
                         : intercepted         ? Fate::Intercepted
                                               : Fate::Routed);
  if (request_.is_connect())
    return refuse(400, "CONNECT is not supported: ferry does not tunnel to arbitrary hosts", 'P',
                  'R');
  txn_.head_ms = (session_.worker().loop.now() - txn_.start).count() - txn_.idle_ms;
  txn_.request_line = std::string(request_.method) + ' ' + std::string(request_.target) +
                      (request_.version == Version::Http10 ? " HTTP/1.0" : " HTTP/1.1");
  txn_.routed = true;
  state_ = State::WaitServer;
  if (answering) return answer_rule(*answering);
  if (local) {
    local_kind_ = *local;
    state_ = State::Local;
    return answer_locally();
  }
  core::Server* wanted =
      sticky_ ? sticky_->on_request(request_, session_.backend().servers, std::time(nullptr))
              : nullptr;
  const core::BackendSettings& be = session_.backend().settings;
  // server_ready() or no_server() follow, maybe at once
  session_.request_server(wanted, balance_key(be.balance, be.hash, request_));
}

const conf::HttpRule* HttpConnection::apply_request_rules() {
  const bool frontend_rules = !settings_->frontend_request_rules.empty();
  if (frontend_rules)
    if (auto* r = run_request_rules(settings_->frontend_request_rules, request_, format_inputs(),
                                    rewrites_))
      return r;
  if (routing_ && routing_->rules) route_request();
  if (settings_->backend_request_rules.empty()) return nullptr;
  return run_request_rules(settings_->backend_request_rules, request_, format_inputs(), rewrites_);
}

void HttpConnection::answer_rule(const conf::HttpRule& rule) {
  if (rule.action != conf::HttpRule::Action::Deny)
    return answer(rule.status, rule_reply(rule, request_, format_inputs()), 'L', 'R');
  const Reply* custom = settings_->errorfile(rule.status);
  answer(rule.status, custom ? *custom : deny_reply(rule.status), 'P', 'R');
}

void HttpConnection::add_unique_id_header() {
  // As HAProxy: added after the request's fields, even one of the same name.
  request_.headers.push_back({settings_->unique_id_header, unique_id_});
}

LogFormatInputs HttpConnection::format_inputs() {
  return LogFormatInputs{.request = request_context(),
                         .listener_number = session_.listener_number(),
                         .accept_secs = session_.accept_wall_us() / 1000000,
                         .request_number = request_number_,
                         .pid = static_cast<int>(::getpid()),
                         .frontend = session_.frontend().name,
                         .hostname = settings_->hostname};
}

void HttpConnection::route_request() {
  core::Backend& backend = routing_->rules->backend_for(request_context());
  session_.route(backend);
  if (const HttpSettings* s = routing_->settings_for(backend)) settings_ = s;
}

RequestContext HttpConnection::request_context() {
  // The address the client reached is looked up once per connection (Session::local_address).
  return RequestContext{.request = &request_,
                        .src = &session_.peer(),
                        .dst = &session_.local_address(),
                        .servers = routing_ ? routing_->rules : nullptr,
                        .unique_id = unique_id_};
}

void HttpConnection::server_ready() {
  server_uses_ = session_.reused_connection() ? taken_uses_ + 1 : 1;
  got_response_ = false;
  interim_sent_ = false;
  response_parser_.reset();
  response_started_ = false;
  state_ = State::Exchange;
  fcgi_ = settings_->fcgi && session_.server() && session_.server()->fcgi;
  if (fcgi_) {
    answer_ = std::make_unique<fcgi::AnswerRecords>();
    s2c_.unwrap_from(answer_.get());
  }
  if (sticky_) sticky_->server_chosen(session_.direct());
  if (std::exchange(retrying_, false)) {
    c2s_.resend(*replay_);
  } else {
    forward_request_head();
  }
  arm_timer();
  exchange();  // the response is read when the server's socket reports it
}

void HttpConnection::forward_request_head() {
  request_head_method_ = request_.is_head();
  idempotent_ = is_idempotent(request_.method);
  if (fcgi_ && request_.framing == Framing::Chunked) {
    // Sent once the body is whole (gather_chunked_body); the head's views may not last so long.
    fcgi_params_.clear();
    fcgi::append_params(*settings_->fcgi, request_,
                        fcgi::endpoints(session_.peer(), session_.local_address()), fcgi_params_);
    gathering_ = true;
    replay_.reset();
    return;
  }
  RequestForward how;
  how.close_server = settings_->conn_mode != ConnMode::KeepAlive;
  const std::string client = settings_->forwardfor ? forwarded_client() : std::string();
  if (!client.empty()) {
    how.forwarded_for = settings_->forwardfor_header;
    how.forwarded_for_if_none = settings_->forwardfor_if_none;
    how.client = client;
  }
  std::string head;
  if (fcgi_)
    head = fcgi::request_head(*settings_->fcgi, request_,
                              fcgi::endpoints(session_.peer(), session_.local_address()),
                              !session_.reused_connection());
  else
    write_request_head(request_, how, head);
  c2s_.begin_body(request_.size, std::move(head), request_.framing, request_.content_length,
                  fcgi_ ? MessageFlow::Wrap::FcgiStdin : MessageFlow::Wrap::None);
  keep_replay();
}

bool HttpConnection::gather_chunked_body() {
  uint64_t moved = 0;
  const Status st = c2s_.read(session_.client_fd(), buffers_, moved);
  session_.count_in(moved);
  if (moved > 0) arm_timer();
  if (st != Status::Ok) {
    session_.finish('C', 'D');
    return false;
  }
  const std::string_view raw = c2s_.held().substr(request_.size);
  ChunkedDecoder decoder;
  std::string body;
  size_t used = 0;
  while (!decoder.done() && !decoder.failed()) {
    const ChunkedDecoder::Piece piece = decoder.next(raw.substr(used));
    if (piece.size == 0) break;
    if (piece.kind == ChunkedDecoder::Piece::Payload) body.append(raw.substr(used, piece.size));
    used += piece.size;
  }
  if (decoder.failed()) {
    refuse(400, decoder.error(), 'P', 'D');
    return false;
  }
  if (!decoder.done()) {
    if (c2s_.full())
      refuse(400,  // as HAProxy 2.6
             "a chunked request body to a FastCGI application must fit in one buffer (" +
                 std::to_string(buffers_.buffer_size()) + " bytes with the head): PHP reads " +
                 "CONTENT_LENGTH bytes, so ferry gathers it whole; send a Content-Length",
             'P', 'D');
    else if (c2s_.at_eof())
      session_.finish('C', 'D');
    return false;
  }
  gathering_ = false;
  c2s_.begin_body(request_.size + static_cast<uint32_t>(used),
                  fcgi::request_with_body(*settings_->fcgi, std::move(fcgi_params_), body,
                                          !session_.reused_connection()),
                  Framing::None, 0);
  keep_replay();
  arm_timer();  // timeout server from now on
  return true;
}

void HttpConnection::keep_replay() {
  const conf::RetryOn& on = settings_->retry_on;
  const bool may_retry = (on.kinds & ~conf::RetryOn::kConnFailure) != 0 || !on.statuses.empty() ||
                         (on.has(conf::RetryOn::kConnFailure) && session_.reused_connection());
  replay_ = may_retry ? c2s_.whole_message() : std::nullopt;
}

bool HttpConnection::retry(unsigned kind, int status) {
  const conf::RetryOn& on = settings_->retry_on;
  if (!replay_ || response_started_ || interim_sent_) return false;
  if (status ? !on.has_status(status) : !on.has(kind)) return false;
  if (kind != conf::RetryOn::kConnFailure && !idempotent_) return false;
  timer_.stop();
  s2c_.release(buffers_);
  state_ = State::WaitServer;  // a failure to find a server now is answered 503
  retrying_ = true;
  if (session_.retry_exchange()) return true;
  state_ = State::Exchange;
  retrying_ = false;
  return false;
}

void HttpConnection::server_failed(int status, const std::string& why, char who) {
  // Nothing came back: a reused connection the server had closed is a connection failure (as
  // HAProxy 2.6 retries it), a fresh one an empty response.
  const unsigned kind = !got_response_ && session_.reused_connection() ? conf::RetryOn::kConnFailure
                        : got_response_ ? conf::RetryOn::kJunkResponse
                                        : conf::RetryOn::kEmptyResponse;
  if (retry(kind)) return;
  refuse(status, why, who, 'H');
}

std::string HttpConnection::forwarded_client() const {
  const core::SockAddr& peer = session_.peer();
  const void* addr = nullptr;
  if (peer.family() == AF_INET)
    addr = &reinterpret_cast<const sockaddr_in*>(peer.get())->sin_addr;
  else if (peer.family() == AF_INET6)
    addr = &reinterpret_cast<const sockaddr_in6*>(peer.get())->sin6_addr;
  else
    return {};  // a client of a UNIX socket has no address to give
  for (const conf::Network& net : settings_->forwardfor_except)
    if (net.contains(peer.family(), static_cast<const uint8_t*>(addr))) return {};
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(peer.family(), addr, text, sizeof text);
  return text;
}

void HttpConnection::exchange() {
  if (fcgi_) log_fcgi_stderr();
  if (gathering_ && !gather_chunked_body()) return;
  if (!pump_request()) return;
  if (state_ == State::Exchange && !response_started_ && !interim_) {
    if (!read_response_head()) return;
  }
  if (!pump_response()) return;
  watch_output();
  if (state_ == State::Tunnel) return tunnel_progress();
  if (response_started_ && s2c_.done()) return end_exchange();
}

void HttpConnection::tunnel_progress() {
  // Each side's end is passed on as a half-close once everything before it went out.
  if (c2s_.done() && !c2s_shut_) {
    ::shutdown(session_.server_fd(), SHUT_WR);
    c2s_shut_ = true;
  }
  if (s2c_.done() && !s2c_shut_) {
    ::shutdown(session_.client_fd(), SHUT_WR);
    s2c_shut_ = true;
  }
  if (c2s_shut_ && s2c_shut_) return session_.finish('-', '-');
  arm_timer();
}

bool HttpConnection::pump_request() {
  if (c2s_.done() && state_ != State::Tunnel) return true;
  uint64_t moved = 0;
  const Status st = c2s_.pump(session_.client_fd(), session_.server_fd(), buffers_, moved);
  session_.count_in(moved);
  if (moved > 0) arm_timer();
  switch (st) {
    case Status::Ok:
      return true;
    case Status::WriteError:
      if (!response_started_)
        server_failed(502, "the server closed while receiving the request", 'S');
      else
        session_.finish('S', 'D');
      return false;
    case Status::BadBody:
      if (!response_started_)
        refuse(400, c2s_.error(), 'P', 'D');
      else
        session_.finish('P', 'D');
      return false;
    default:  // the client reset or closed inside its request's body
      session_.finish('C', 'D');
      return false;
  }
}

bool HttpConnection::read_response_head() {
  uint64_t moved = 0;
  const Status st = s2c_.read(session_.server_fd(), buffers_, moved);
  session_.count_out(moved);
  if (moved > 0) got_response_ = true;
  if (st != Status::Ok) {
    server_failed(502, "the server reset the connection before a response", 'S');
    return false;
  }
  const ParseResult parsed =
      fcgi_ ? parse_cgi_head(s2c_.held(), settings_->limits.max_head, request_head_method_,
                             response_, cgi_error_)
            : response_parser_.parse_response(s2c_.held(), response_, request_head_method_);
  switch (parsed) {
    case ParseResult::NeedMore:
      if (!s2c_.at_eof()) return true;
      if (fcgi_ && answer_->failed()) {
        refuse(502, "invalid FastCGI answer: " + answer_->error(), 'P', 'H');
        return false;
      }
      server_failed(502, "the server closed the connection before a complete response head", 'S');
      return false;
    case ParseResult::Error:
      if (retry(conf::RetryOn::kJunkResponse)) return false;
      refuse(502, "invalid response: " + (fcgi_ ? cgi_error_ : response_parser_.error()), 'P', 'H');
      return false;
    case ParseResult::Done:
      if (retry(0, response_.status)) return false;
      response_head_ready();
      return state_ != State::Done;
  }
  return false;
}

void HttpConnection::response_head_ready() {
  if (response_.status >= 200 || response_.status == 101) {
    txn_.status = response_.status;
    session_.count_response(response_.status, true, true);
    txn_.response_ms = (session_.worker().loop.now() - session_.connected_at()).count();
  }
  if (response_.status == 101 && is_upgrade(request_) && c2s_.done()) {
    std::string head;
    write_response_head(response_, request_, {}, head);
    return start_tunnel(std::move(head));
  }
  if (response_.status < 200) {  // 100 Continue and other interim answers go out as they are
    interim_ = true;
    interim_sent_ = true;
    s2c_.begin_body(response_.size, std::string(s2c_.held().substr(0, response_.size)),
                    Framing::None, 0);
    return;
  }
  // A FastCGI answer of unknown length ends with END_REQUEST: chunked to an HTTP/1.1 client.
  auto wrap = MessageFlow::Wrap::None;
  if (fcgi_ && response_.framing == Framing::UntilClose && request_.version == Version::Http11) {
    response_.headers.push_back({"Transfer-Encoding", "chunked"});
    wrap = MessageFlow::Wrap::Chunked;
  }
  close_client_ = settings_->conn_mode == ConnMode::Close || !request_.keep_alive() ||
                  (response_.framing == Framing::UntilClose && wrap == MessageFlow::Wrap::None);
  reuse_server_ = settings_->conn_mode == ConnMode::KeepAlive &&
                  (fcgi_ ? settings_->fcgi->keep_conn
                         : response_.keep_alive() && response_.framing != Framing::UntilClose);
  if (!settings_->response_rules.empty()) apply_response_rules();
  if (sticky_)
    sticky_->on_response(response_, *session_.server(), session_.direct(), std::time(nullptr));
  std::string head;
  write_response_head(response_, request_, {.close_client = close_client_}, head);
  s2c_.begin_body(response_.size, std::move(head), response_.framing, response_.content_length,
                  wrap);
  response_started_ = true;
  arm_timer();
}

void HttpConnection::apply_response_rules() {
  // The request's head is no longer there (request_'s views are stale): response rules read
  // no request fetch, as in HAProxy (load refused their values, warned of their conditions).
  LogFormatInputs in = format_inputs();
  in.request.request = nullptr;
  run_response_rules(settings_->response_rules, response_, in, rewrites_);
}

void HttpConnection::start_tunnel(std::string head) {
  state_ = State::Tunnel;
  response_started_ = true;
  s2c_.begin_body(response_.size, std::move(head), Framing::UntilClose, 0);
  c2s_.next_message();
  c2s_.begin_body(0, {}, Framing::UntilClose, 0);
  c2s_.mark_readable();
  arm_timer();
}

bool HttpConnection::pump_response() {
  if (!response_started_ && !interim_) return true;
  uint64_t moved = 0;
  const Status st = s2c_.pump(session_.server_fd(), session_.client_fd(), buffers_, moved);
  session_.count_out(moved);
  if (moved > 0) arm_timer();
  if (st != Status::Ok) {
    session_.finish(st == Status::WriteError ? 'C' : 'S', 'D');
    return false;
  }
  if (!interim_ || !s2c_.done()) return true;
  // The interim answer went out: the final one follows (perhaps held already).
  interim_ = false;
  s2c_.next_message();
  response_parser_.reset();
  return read_response_head() && pump_response();
}

void HttpConnection::watch_output() {
  if (c2s_.wants_write()) session_.want_server_output();
  if (s2c_.wants_write()) session_.want_client_output();
  if (c2s_.more_to_read() || s2c_.more_to_read()) session_.resume_later();
}

void HttpConnection::resume() {
  if (state_ == State::Exchange || state_ == State::Tunnel) exchange();
}

void HttpConnection::end_exchange() {
  timer_.stop();
  const bool request_done = c2s_.done();
  core::Server* server = session_.server();
  s2c_.next_message();
  if (fcgi_) log_fcgi_stderr();
  if (fcgi_ && answer_->values() && server) learn_app_values(*server, *answer_->values());
  // A FastCGI connection is kept only once its answer ended as the protocol says; none is kept
  // once the server closed it (the pool would not hear of it again: its event came here).
  const bool clean = request_done && s2c_.held().empty() && !s2c_.source_ending() &&
                     (!fcgi_ || (answer_->ended() && !answer_->failed()));
  s2c_.release(buffers_);
  core::Fd fd = session_.end_exchange();
  log_transaction('-', '-', server);
  // A connection that began with a PROXY header speaks for this client only: kept for it alone
  // (HAProxy reuses one only for a request whose PROXY header would be the same).
  if (reuse_server_ && clean && server &&
      (server->max_reuse < 0 || server_uses_ <= static_cast<uint32_t>(server->max_reuse)))
    pool_.put(*server, std::move(fd), this, server_uses_,
              settings_->reuse != conf::HttpReuse::Never && server->proxy.version == 0);
  if (close_client_ || !request_done) return session_.finish('-', '-');
  wait_request();
}

void HttpConnection::refuse(int status, const std::string& why, char who, char phase) {
  log_refusal(status, why);
  const Reply* custom = settings_->errorfile(status);
  answer(status, custom ? *custom : error_reply(status), who, phase);
}

void HttpConnection::answer(int status, const Reply& reply, char who, char phase) {
  const bool keep = send_reply(reply);
  txn_.status = status;
  session_.count_response(status, txn_.routed, false);
  if (status == 502) session_.count_response_error();
  log_transaction(who, phase, session_.server());
  if (!keep) return session_.finish(who, phase);
  // The server connection, if any, is not trusted with another request.
  s2c_.release(buffers_);
  session_.end_exchange();
  wait_request();
}

void HttpConnection::no_server(char who, char phase) {
  refuse(503, "no server available (" + std::string{who, phase} + ")", who, phase);
}

bool HttpConnection::request_complete() const {
  switch (state_) {
    case State::WaitServer:         // the head is all there is, or the body is not read yet
      if (retrying_) return false;  // the request was sent once: its bytes are no longer held
      return request_.framing == Framing::None ||
             (request_.framing == Framing::Length && request_.content_length == 0);
    case State::Exchange:
      return c2s_.done() && !response_started_ && !interim_sent_;
    default:
      return false;
  }
}

bool HttpConnection::send_reply(const Reply& reply) {
  // As HAProxy 2.6 (observed): the client connection stays open after a reply with a length to
  // a whole request that keeps it, as after a server's response.
  const bool keep = reply.has_length && request_complete() && request_.keep_alive() &&
                    settings_->conn_mode != ConnMode::Close;
  if (keep && state_ == State::WaitServer)
    c2s_.begin_body(request_.size, {}, Framing::None, 0);  // the head was all of it
  const std::string out = reply.render(!keep, request_.version == Version::Http10);
  if (out.empty()) return false;  // an empty errorfile: close without a reply
  const ssize_t n = ::send(session_.client_fd(), out.data(), out.size(), MSG_NOSIGNAL);
  // HAProxy 2.6 counts no bytes for its answer to a request it could not read (logs, stats).
  if (n > 0 && txn_.routed) session_.count_out(static_cast<uint64_t>(n));
  return keep && n == static_cast<ssize_t>(out.size());
}

void HttpConnection::log_fcgi_stderr(bool flush) {
  std::string text = answer_->take_stderr(flush);
  if (text.empty() || !settings_->fcgi->log_stderr) return;
  const core::Server* server = session_.server();
  const std::string who = server ? server->backend->name + "/" + server->name : "FastCGI";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos)
      session_.frontend().engine.log.warning(who + " STDERR: " + text.substr(pos, nl - pos));
    pos = nl + 1;
  }
}

void HttpConnection::learn_app_values(core::Server& server, const fcgi::AppValues& values) {
  core::Engine& engine = session_.frontend().engine;
  const unsigned max_conns = values.max_conns.value_or(0);
  const int mpxs = values.mpxs_conns ? *values.mpxs_conns : -1;
  const auto lock = engine.lock_state();
  if (server.app_max_conns == max_conns && server.app_mpxs_conns == mpxs) return;
  server.app_max_conns = max_conns;
  server.app_mpxs_conns = mpxs;
  const auto given = [](long v) { return v >= 0 ? std::to_string(v) : std::string("not given"); };
  const unsigned limit = server.conn_limit();
  engine.log.notice(server.backend->name + "/" + server.name +
                    ": FastCGI GET_VALUES_RESULT: FCGI_MAX_CONNS " +
                    given(max_conns ? long{max_conns} : -1) + ", FCGI_MPXS_CONNS " + given(mpxs) +
                    (limit ? "; at most " + std::to_string(limit) + " sessions at once"
                           : "; no limit of sessions") +
                    " (one request per connection: ferry never multiplexes)");
}

void HttpConnection::log_refusal(int status, const std::string& why) {
  core::Frontend& fe = session_.frontend();
  const std::string line = "frontend '" + fe.name + "': answered " + std::to_string(status) +
                           " to " + session_.peer().to_string() + ": " + why;
  if (fe.logs_traffic())
    fe.log_traffic(line);
  else
    fe.engine.log.notice(line);
}

void HttpConnection::closing(char who, char phase) {
  timer_.stop();
  if (fcgi_) log_fcgi_stderr(true);
  pool_.forget(this);
  const State was = std::exchange(state_, State::Done);
  if (was == State::Request)
    log_unread_request(who, phase);
  else
    log_transaction(who, phase, session_.server());
  c2s_.release(buffers_);
  s2c_.release(buffers_);
}

}  // namespace ferry::http

namespace ferry::http {

void HttpConnection::begin_transaction() {
  const core::Millis now = session_.worker().loop.now();
  txn_ = {};
  txn_.start = first_request_ ? session_.accepted_at() : now;
  txn_.start_wall_us =
      session_.accept_wall_us() + (txn_.start - session_.accepted_at()).count() * 1000;
  txn_bytes_out_ = session_.bytes_out();
  txn_seen_ = false;
  txn_logged_ = false;
  note_request_bytes();  // a pipelined request is there already
}

void HttpConnection::note_request_bytes() {
  if (txn_seen_ || c2s_.held().empty()) return;
  txn_seen_ = true;
  txn_.idle_ms = (session_.worker().loop.now() - txn_.start).count();
}

void HttpConnection::log_transaction(char who, char phase, core::Server* server) {
  if (std::exchange(txn_logged_, true)) return;
  txn_.who = who;
  txn_.phase = phase;
  txn_.server = server;
  txn_.bytes_out = session_.bytes_out() - txn_bytes_out_;
  if (sticky_ && txn_.routed) {
    txn_.cookie_request = sticky_->request_flag();
    txn_.cookie_response = sticky_->response_flag();
  }
  session_.log_transaction(txn_);
}

void HttpConnection::log_unread_request(char who, char phase) {
  if (!first_request_ && !txn_seen_) return;  // a keep-alive connection closing between requests
  if (!txn_seen_ && session_.frontend().settings.dontlognull) return;
  if (txn_.status < 0) txn_.status = 400;
  log_transaction(who, phase, nullptr);
}

}  // namespace ferry::http
