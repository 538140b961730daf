// A protocol spoken over a session's client connection that takes a server per exchange rather
// than one per connection (HTTP/1, implemented in http/). The session keeps doing what it does
// for TCP — accounting, the server pick, the backend queue, connecting with retries and
// redispatch, the counters and the log — and hands the protocol its sockets' events; the
// protocol moves the bytes, asks for a server per exchange (Session::request_server) and gives
// the server connection back when the exchange ends (Session::end_exchange).
//
// Runs on the session's thread. Owned by its session, destroyed with it.
#pragma once

#include <memory>

#include "core/fd.hpp"

namespace ferry::core {

class Server;
class Session;

class SessionProtocol {
 public:
  virtual ~SessionProtocol() = default;
  // The client connection is accepted and watched.
  virtual void start() = 0;
  virtual void client_io(int revents) = 0;
  // Only while the session holds a server connection for an exchange.
  virtual void server_io(int revents) = 0;
  // The server asked for is connected (or an idle connection to it was taken).
  virtual void server_ready() = 0;
  // Goes on after yielding to the other sessions of the thread (Session::resume_later).
  virtual void resume() = 0;
  // No server took the exchange asked for (`who``phase`: `SC` none usable or the connection
  // failed, `sC` it timed out, `sQ` the queue timed out). The session is idle again, still
  // holding the server it last tried (for the log) until end_exchange(); the protocol answers
  // the client and goes on with it (Session::end_exchange) or ends the session.
  virtual void no_server(char who, char phase) = 0;
  // The session is closing with termination state `who``phase` (`K`: killed; ...): the last
  // chance to answer the client, then free everything.
  virtual void closing(char who, char phase) = 0;
  // An idle connection to `server` kept from an earlier exchange; an empty Fd when none.
  virtual Fd idle_connection(Server& server) = 0;
  // An idle connection of this client's to `server` is kept (option prefer-last-server).
  virtual bool holds_idle_connection(Server& server) const = 0;
};

// Makes the protocol of each new session of a frontend.
class SessionProtocolFactory {
 public:
  virtual ~SessionProtocolFactory() = default;
  virtual std::unique_ptr<SessionProtocol> create(Session& session) = 0;
};

}  // namespace ferry::core
