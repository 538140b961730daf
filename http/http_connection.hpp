// `mode http` on one client connection: a sequence of transactions, each balanced on its own.
//
// A request head is read and parsed strictly (a bad one is answered 400 and never forwarded);
// the session picks a server for it (the backend's algorithm, queue, retries, redispatch) and
// gives it an idle connection to that server or a new one; the head goes out rewritten (hop-by-
// hop fields, Connection, X-Forwarded-For) and the body follows with backpressure; the response
// head is parsed, rewritten and its body streamed back; then the server connection goes back to
// the worker's idle pool when it can carry another request, and the next request (perhaps
// pipelined already) is read under `timeout http-keep-alive`. An accepted Upgrade (101) turns
// the pair into a tunnel under `timeout tunnel`.
//
// Runs on its session's thread; owned by the session. After it calls Session::finish() it does
// nothing more (the session closes and calls closing() meanwhile).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "conf/model.hpp"
#include "conf/network.hpp"
#include "core/event_loop.hpp"
#include "core/local_service.hpp"
#include "core/session.hpp"
#include "http/acl_eval.hpp"
#include "http/error_reply.hpp"
#include "http/fcgi_params.hpp"
#include "http/fcgi_stream.hpp"
#include "http/h1_head.hpp"
#include "http/http_rules.hpp"
#include "http/idle_pool.hpp"
#include "http/log_format.hpp"
#include "http/message_flow.hpp"
#include "http/sticky_cookie.hpp"

namespace ferry::http {

// What a frontend and its backend say about HTTP, resolved (frontend and backend combined).
struct HttpSettings {
  enum class ConnMode : uint8_t {
    KeepAlive,    // option http-keep-alive (the default): both sides stay open
    ServerClose,  // option http-server-close: the client stays, each server connection closes
    Close,        // option httpclose: both close after each exchange
  };
  ConnMode conn_mode = ConnMode::KeepAlive;
  std::optional<core::Millis> request_timeout;     // timeout http-request
  std::optional<core::Millis> keep_alive_timeout;  // timeout http-keep-alive
  std::optional<core::Millis> client_timeout, server_timeout, tunnel_timeout;
  bool forwardfor = false;
  std::string forwardfor_header = "X-Forwarded-For";
  bool forwardfor_if_none = false;
  std::vector<conf::Network> forwardfor_except;  // the frontend's and the backend's
  // The replies of the errorfiles that apply (the backend's, else the frontend's), by status.
  std::vector<std::pair<int, Reply>> errorfiles;
  Limits limits;
  conf::HttpReuse reuse = conf::HttpReuse::Safe;  // the backend's http-reuse
  conf::RetryOn retry_on;                         // the backend's retry-on
  core::LocalRoutes local;                        // what the frontend answers itself
  std::optional<fcgi::App> fcgi;                  // the backend's fcgi-app, for proto fcgi servers
  // unique-id-format and unique-id-header (the frontend's), and the host name for its %H.
  conf::LogFormat unique_id_format;
  std::string unique_id_header;
  std::string hostname;
  // http-request rules: the frontend's (before use_backend) and the backend's (after, unless the
  // backend is the frontend's own listen section); http-response rules, the backend's then the
  // frontend's. All empty in a config without rules.
  std::vector<conf::HttpRule> frontend_request_rules, backend_request_rules, response_rules;

  // The errorfile reply for `status`, or nullptr (ferry's own reply then).
  const Reply* errorfile(int status) const {
    for (const auto& [s, reply] : errorfiles)
      if (s == status) return &reply;
    return nullptr;
  }
};

class FrontendRules;

// Where a frontend's requests go: its `use_backend` rules and the settings that apply with each
// backend they may pick (the frontend's combined with that backend's).
struct HttpRouting {
  const FrontendRules* rules = nullptr;  // nullptr: every request goes to the default backend
  std::vector<std::pair<const core::Backend*, HttpSettings>> settings;
  const HttpSettings* settings_for(const core::Backend& backend) const {
    for (const auto& [b, s] : settings)
      if (b == &backend) return &s;
    return nullptr;
  }
};

class HttpConnection final : public core::SessionProtocol {
 public:
  // `settings`: with the default backend; `routing`: nullptr without use_backend rules.
  HttpConnection(core::Session& session, const HttpSettings& settings, IdlePool& pool,
                 const HttpRouting* routing = nullptr);

  void start() override;
  void client_io(int revents) override;
  void server_io(int revents) override;
  void server_ready() override;
  void resume() override;
  void no_server(char who, char phase) override;
  void closing(char who, char phase) override;
  core::Fd idle_connection(core::Server& server) override;
  bool holds_idle_connection(core::Server& server) const override;

 private:
  enum class State : uint8_t { Request, WaitServer, Exchange, Tunnel, Local, Done };

  void wait_request();  // between requests: the keep-alive wait
  void read_request();
  void request_ready();
  // use_backend: the request's backend, and the settings that go with it.
  void route_request();
  // unique-id-format: the request's id, sent in unique-id-header when there is one.
  void add_unique_id_header();
  LogFormatInputs format_inputs();  // what log-format values read of this request
  void forward_request_head();      // the request's head, rewritten, and its body follow
  // FastCGI and a chunked body: reads until the body is whole in the buffer, then sends the
  // request with its CONTENT_LENGTH; a body that does not fit is answered 400 (HAProxy 2.6 too).
  // False while it waits (or once it answered or the session ended).
  bool gather_chunked_body();
  // replay_: the request as sent, when retry-on may have to send it again.
  void keep_replay();
  // http-request rules of the frontend, use_backend, the backend's rules; the rule that answers
  // the request instead of a server (deny, return, redirect), or nullptr.
  const conf::HttpRule* apply_request_rules();
  void answer_rule(const conf::HttpRule& rule);
  void apply_response_rules();
  // Answers `status` itself, logs why and the transaction (`who``phase`), then waits for the
  // next request when the client connection stays open (see send_reply), else ends the session.
  void refuse(int status, const std::string& why, char who, char phase);
  void answer(int status, const Reply& reply, char who, char phase);
  // Sends `reply`; true when the client connection stays open after it (the whole request read,
  // the reply has a length, both keep alive), the request's bytes then consumed.
  bool send_reply(const Reply& reply);
  // The request being answered has been read whole and nothing of a response went out.
  bool request_complete() const;
  void exchange();  // moves what can move, both ways
  bool pump_request();
  bool pump_response();
  bool read_response_head();
  void response_head_ready();
  void start_tunnel(std::string head);
  void tunnel_progress();
  // A request the frontend answers itself (settings_.local): its body is read whole, the answer
  // written, then the next request awaited or the connection closed (local_answer.cpp).
  std::optional<core::LocalRequest::Kind> local_kind();
  RequestContext request_context();  // what conditions read of the request
  void answer_locally();
  void write_local();
  void end_exchange();
  void watch_output();
  void arm_timer();
  void on_timer();
  void log_refusal(int status, const std::string& why);
  // The client's address for X-Forwarded-For; empty when there is none to add (a client of a
  // UNIX socket, or one in an `except` network).
  std::string forwarded_client() const;
  // The transaction log (option httplog/tcplog): a new transaction starts at accept and at the
  // end of the one before; each is logged once, when it ends.
  void begin_transaction();
  void note_request_bytes();  // the request's first byte arrived (now, if not before)
  void log_transaction(char who, char phase, core::Server* server);
  // The connection ends while waiting for a request: HAProxy logs it as "<BADREQ>" unless it is
  // an idle keep-alive connection closing, or nothing came and `dontlognull` is set.
  void log_unread_request(char who, char phase);
  IdlePool::Sharing sharing() const;
  // Sends the request again on a fresh connection (Session::retry_exchange) after a failure of
  // `kind` (a conf::RetryOn kind) or a response of `status`, when retry-on allows it, nothing of
  // a response went to the client and the whole request is in hand (and, but for a connection
  // failure, its method is idempotent). False when it cannot: the caller goes on (answers the
  // client). True: the caller returns at once (server_ready() or closing() may have run).
  bool retry(unsigned kind, int status = 0);
  // FastCGI: the STDERR lines received, to the global log with `log-stderr global`; a line not
  // finished yet waits for its end unless the answer ended or `flush`.
  void log_fcgi_stderr(bool flush = false);
  // option get-values: what the application said of itself applies to `server` (logged when it
  // changes).
  void learn_app_values(core::Server& server, const fcgi::AppValues& values);
  // The server connection failed before any response: retried, or answered `status` (`why`).
  void server_failed(int status, const std::string& why, char who);

  core::Session& session_;
  const HttpSettings* settings_;  // the default backend's, or the routed request's
  const HttpRouting* routing_;
  IdlePool& pool_;
  core::BufferPool& buffers_;
  State state_ = State::Request;
  HeadParser request_parser_;
  HeadParser response_parser_;
  RequestHead request_;  // its views are stale once the head is forwarded; flags stay valid
  ResponseHead response_;
  MessageFlow c2s_;
  MessageFlow s2c_;
  bool request_head_method_ = false;  // the request being answered is a HEAD
  bool response_started_ = false;     // the final response's head went to the client
  bool close_client_ = false;
  bool reuse_server_ = false;
  bool first_request_ = true;
  bool head_timer_ = false;  // the timer running is timeout http-request
  bool interim_ = false;     // a 1xx head is on its way to the client
  bool c2s_shut_ = false;    // tunnel: the client's end was passed to the server
  bool s2c_shut_ = false;
  core::TransactionLog txn_;
  uint64_t txn_bytes_out_ = 0;  // the session's bytes_out() when the transaction began
  bool txn_seen_ = false;       // a byte of its request has arrived
  bool txn_logged_ = false;
  bool idempotent_ = false;            // the request's method may be sent twice (RFC 9110 9.2.2)
  bool got_response_ = false;          // a byte of a response came from this server connection
  bool interim_sent_ = false;          // a 1xx answer of this exchange went to the client
  bool retrying_ = false;              // server_ready() sends replay_ again
  uint32_t taken_uses_ = 0;            // requests the idle connection just taken had carried
  uint32_t server_uses_ = 0;           // requests the server connection carried, this one included
  std::optional<std::string> replay_;  // the request as sent, when it may have to be resent
  core::LocalRequest::Kind local_kind_ = core::LocalRequest::Kind::StatsPage;
  std::string local_out_;   // the local answer's head, then its body: local_sent_ bytes of
  std::string local_body_;  // both sent
  size_t local_sent_ = 0;
  bool fcgi_ = false;  // this exchange speaks FastCGI (a `proto fcgi` server)
  // Its answer's records (allocated for a FastCGI exchange only: an idle connection keeps as
  // little as it can).
  std::unique_ptr<fcgi::AnswerRecords> answer_;
  std::string cgi_error_;    // why its CGI head was refused
  bool gathering_ = false;   // gather_chunked_body() runs until the body is whole
  std::string fcgi_params_;  // meanwhile, the request's PARAMS (without CONTENT_LENGTH)

  // The cookie persistence of the request's backend, if it has one (allocated only then).
  std::unique_ptr<StickyCookie> sticky_;
  std::string unique_id_;        // the request's unique-id-format id, which its head points to
  RewriteStore rewrites_;        // what rules wrote into request_ and response_
  uint64_t request_number_ = 0;  // the request's number in the process (%rt)
  core::TimerWatcher<HttpConnection, &HttpConnection::on_timer> timer_;
};

}  // namespace ferry::http
