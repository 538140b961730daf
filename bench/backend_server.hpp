// The bench's backends (bench-echo, bench-sink): one libev loop on one thread serving every
// connection of one listening socket (UNIX, or TCP for reference runs). A connection reads into the
// server's shared scratch buffer, so an idle one holds only its fd, its watcher and bytes it could
// not write yet.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event_loop.hpp"
#include "core/fd.hpp"

namespace ferry::bench {

class BackendServer;

// One served connection. Derived classes react to reads; writes go through send_or_queue(), which
// keeps what the socket would not take and stops reading until it is written.
class BackendConn {
 public:
  BackendConn(BackendServer& server, int fd);
  virtual ~BackendConn() = default;
  BackendConn(const BackendConn&) = delete;
  BackendConn& operator=(const BackendConn&) = delete;

 protected:
  // The socket is readable: read from fd() into server().scratch().
  virtual void readable() = 0;
  // Sends `data`; whatever does not fit is queued (reading pauses until it is written).
  void send_or_queue(const char* data, size_t len);
  // Closes once everything queued is written (at once when nothing is).
  void close_after_flush();
  void close_now();
  bool closing() const { return closing_; }
  int fd() const { return fd_.get(); }
  BackendServer& server() { return server_; }

 private:
  void on_io(int revents);
  void flush();
  void update_watch();

  BackendServer& server_;
  core::Fd fd_;
  core::IoWatcher<BackendConn, &BackendConn::on_io> io_;
  std::string pending_;
  bool closing_ = false;
};

class BackendServer {
 public:
  using Factory = std::function<std::unique_ptr<BackendConn>(BackendServer&, int fd)>;
  BackendServer(core::EventLoop& loop, core::Fd listener, size_t scratch_size, Factory make);

  core::EventLoop& loop() { return loop_; }
  char* scratch() { return scratch_.data(); }
  size_t scratch_size() const { return scratch_.size(); }
  // The connection is finished; it is destroyed after the current callback returns.
  void retire(BackendConn& conn);

 private:
  void on_accept(int revents);
  void reap();

  core::EventLoop& loop_;
  core::Fd listener_;
  core::IoWatcher<BackendServer, &BackendServer::on_accept> accept_io_;
  core::PrepareWatcher<BackendServer, &BackendServer::reap> reaper_;
  std::vector<char> scratch_;
  Factory make_;
  std::unordered_map<BackendConn*, std::unique_ptr<BackendConn>> conns_;
  std::vector<BackendConn*> retired_;
};

// main() of a backend: `NAME --listen unix:PATH|tcp:IPV4:PORT`. Serves until SIGTERM or SIGINT,
// then removes the socket file and exits 0.
int run_backend(int argc, char** argv, const char* name, size_t scratch_size,
                BackendServer::Factory make);

}  // namespace ferry::bench
