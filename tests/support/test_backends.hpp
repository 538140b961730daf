// Backends that run inside the test process, each on its own threads: a listener thread polls
// the listening socket, and every accepted connection is served by a thread of its own (blocking
// I/O, bounded by the test). They listen on a UNIX path or an abstract name, count what they
// accepted, and can be stopped (socket file removed, open connections ended) and started again
// on the same address.
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/bulk_data.hpp"
#include "tests/support/deadline.hpp"
#include "tests/support/socket_address.hpp"

namespace ferry::test {

class UnixServer {
 public:
  virtual ~UnixServer();
  UnixServer(const UnixServer&) = delete;
  UnixServer& operator=(const UnixServer&) = delete;

  // Listens (again) on the address, replacing a socket file left there. Throws on failure.
  void start();
  // Stops accepting, removes the socket file, shuts down every open connection and joins all
  // threads. Idempotent. Derived classes call it in their destructor, before their members go.
  void stop();

  const UnixAddress& address() const { return addr_; }
  // The address as a `server` line of a ferry config takes it.
  std::string config_address() const { return addr_.config_text(); }
  size_t accepted() const { return accepted_; }  // connections accepted since construction
  size_t active() const { return active_; }      // connections being served right now
  bool wait_accepted(size_t n, Millis timeout = 5s) const;
  bool wait_active(size_t n, Millis timeout = 5s) const;

 protected:
  explicit UnixServer(UnixAddress addr) : addr_(std::move(addr)) {}
  // Serves one connection on its own thread; `fd` is blocking and closed after it returns.
  virtual void serve(int fd) = 0;

 private:
  struct Conn {
    int fd;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void accept_loop(int listen_fd, int wake_fd);
  void spawn(int fd);
  void reap_finished();  // with mutex_ held

  UnixAddress addr_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::thread acceptor_;
  std::mutex mutex_;
  std::list<std::unique_ptr<Conn>> conns_;  // guarded by mutex_
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> active_{0};
};

// Writes back every byte until the peer half-closes, then closes.
class EchoServer : public UnixServer {
 public:
  explicit EchoServer(UnixAddress addr);
  ~EchoServer() override;

 protected:
  void serve(int fd) override;
};

// Greets each connection with "<name>\n", then holds it open until the peer closes.
class NameServer : public UnixServer {
 public:
  NameServer(UnixAddress addr, std::string name);
  ~NameServer() override;
  const std::string& name() const { return name_; }

 protected:
  void serve(int fd) override;

 private:
  std::string name_;
};

// Accepts and holds connections open, discarding what it reads, until the peer closes.
class HoldServer : public UnixServer {
 public:
  explicit HoldServer(UnixAddress addr);
  ~HoldServer() override;

 protected:
  void serve(int fd) override;
};

// Full-duplex bulk peer: sends `reply_bytes` of stream `seed` while reading everything until EOF.
// With `reply_after_eof`, it reads everything first and only then replies (a half-close test).
class BulkServer : public UnixServer {
 public:
  BulkServer(UnixAddress addr, uint64_t reply_bytes, uint64_t seed, bool reply_after_eof = false);
  ~BulkServer() override;
  // One result per finished connection.
  std::vector<BulkResult> results() const;
  bool wait_results(size_t n, Millis timeout) const;

 protected:
  void serve(int fd) override;

 private:
  BulkResult reply_after_eof(int fd) const;
  uint64_t reply_bytes_;
  uint64_t seed_;
  bool after_eof_;
  mutable std::mutex mutex_;
  std::vector<BulkResult> results_;
};

}  // namespace ferry::test
