// One client connection that exchanges fixed-size messages with an echo server and checks every
// reply byte for byte. What follows a reply is the scenario's choice: the next request on the same
// connection (rr), a new connection (connrate), or holding the connection open (idle).
#pragma once

#include <cstdint>
#include <vector>

#include "bench/generator_run.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"

namespace ferry::bench {

class ExchangeConn;

// The scenario that owns the connections. Called on the loop; must not destroy the connection.
class ExchangeOwner {
 public:
  // Takes one request out of the budget; false when the scenario wants no more.
  virtual bool reserve_request() = 0;
  // A reply arrived complete and correct; `started_ns` is when its request (or connect) began.
  virtual void replied(ExchangeConn& conn, uint64_t started_ns) = 0;
  // The connection is closed for good (`failed`: after an error).
  virtual void finished(ExchangeConn& conn, bool failed) = 0;

 protected:
  ~ExchangeOwner() = default;
};

enum class AfterReply {
  NextRequest,  // keep the connection: one request budget unit per request
  Reconnect,    // close and connect again: one budget unit per connection
  Hold,         // stay connected and silent until close_now()
};

class ExchangeConn {
 public:
  ExchangeConn(Run& run, ExchangeOwner& owner, AfterReply after, unsigned id);
  ExchangeConn(const ExchangeConn&) = delete;
  ExchangeConn& operator=(const ExchangeConn&) = delete;

  void open();       // connects and starts exchanging (or finishes at once, out of budget)
  void close_now();  // ends a held connection without error
  bool holding() const { return state_ == State::Holding; }
  uint64_t replies() const { return replies_; }  // complete replies so far

 private:
  enum class State { Idle, Connecting, Sending, Receiving, Holding, Done };

  void on_io(int revents);
  void on_retry() { open(); }
  void connected();
  void begin_request();
  void send_some();
  void receive_some();
  void reply_complete();
  void finish(bool failed);
  void fail(const char* what, int err = 0);
  void watch(int events) { io_.watch(fd_.get(), events); }

  Run& run_;
  ExchangeOwner& owner_;
  AfterReply after_;
  State state_ = State::Idle;
  core::Fd fd_;
  core::IoWatcher<ExchangeConn, &ExchangeConn::on_io> io_;
  core::TimerWatcher<ExchangeConn, &ExchangeConn::on_retry> retry_;
  std::vector<unsigned char> out_;
  std::vector<unsigned char> in_;
  uint32_t sent_ = 0;
  uint32_t got_ = 0;
  uint64_t seq_ = 0;
  uint64_t started_ns_ = 0;
  uint64_t replies_ = 0;
};

}  // namespace ferry::bench
