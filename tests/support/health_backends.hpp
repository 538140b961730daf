// What the health-check tests need beyond test_backends.hpp: backends whose answers a test can
// change while ferry checks them (an HTTP server, a line-reply server), a real redis-server on a
// UNIX socket, and helpers to read ferry's state-change log lines.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <string>

#include "tests/support/deadline.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

namespace ferry::test {

// Answers each connection's first request (read up to the blank line) with `HTTP/1.0 <status>`
// and an empty body, then closes. The status can be changed at any time.
class HttpStatusServer : public UnixServer {
 public:
  HttpStatusServer(UnixAddress addr, int status);
  ~HttpStatusServer() override;
  void set_status(int status) { status_ = status; }
  std::string last_request_line() const;

 protected:
  void serve(int fd) override;

 private:
  std::atomic<int> status_;
  mutable std::mutex mutex_;
  std::string last_request_line_;
};

// Reads one line (up to '\n') from each connection, answers with the current reply, and closes.
class LineReplyServer : public UnixServer {
 public:
  LineReplyServer(UnixAddress addr, std::string reply);
  ~LineReplyServer() override;
  void set_reply(std::string reply);
  std::string last_line() const;  // what the last connection sent, '\n' included

 protected:
  void serve(int fd) override;

 private:
  mutable std::mutex mutex_;
  std::string reply_;
  std::string last_line_;
};

// A real `redis-server` listening on `dir`/redis.sock only (no TCP, no persistence).
class RedisProcess {
 public:
  static bool available();  // redis-server is installed
  explicit RedisProcess(const TempDir& dir);
  ~RedisProcess();  // stop()
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  // Starts it and waits until it accepts connections; false if it does not within `timeout`.
  bool start(Millis timeout = 5s);
  // SIGTERM, then SIGKILL after a grace period; reaps it. The socket file is removed.
  void stop();
  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string socket_path_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// Lines of `text` containing `needle`.
size_t count_lines_with(const std::string& text, const std::string& needle);
// The first line of `text` containing `needle` (without its newline), or "".
std::string first_line_with(const std::string& text, const std::string& needle);
// File descriptors the process holds right now (from /proc), or -1.
int open_fd_count(pid_t pid);
// True if connect() to the UNIX path succeeds now.
bool unix_path_accepts(const std::string& path);

}  // namespace ferry::test
