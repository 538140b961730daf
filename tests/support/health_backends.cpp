#include "tests/support/health_backends.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace ferry::test {

namespace {

bool send_all_blocking(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads until `end` has been received (then true) or the peer closes or fails (then false).
bool read_until(int fd, const std::string& end, std::string& got) {
  char buf[4096];
  while (got.find(end) == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got.append(buf, static_cast<size_t>(n));
  }
  return true;
}

// Ends the answer with a FIN and waits for the peer to close, so it never sees a reset.
void close_gracefully(int fd) {
  ::shutdown(fd, SHUT_WR);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
  }
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Whatever";
  }
}

}  // namespace

HttpStatusServer::HttpStatusServer(UnixAddress addr, int status)
    : UnixServer(std::move(addr)), status_(status) {
  start();
}

HttpStatusServer::~HttpStatusServer() {
  stop();
}

std::string HttpStatusServer::last_request_line() const {
  std::lock_guard lock(mutex_);
  return last_request_line_;
}

void HttpStatusServer::serve(int fd) {
  std::string request;
  if (!read_until(fd, "\r\n\r\n", request)) return;
  {
    std::lock_guard lock(mutex_);
    last_request_line_ = request.substr(0, request.find("\r\n"));
  }
  const int status = status_;
  const std::string answer = "HTTP/1.0 " + std::to_string(status) + " " + reason_phrase(status) +
                             "\r\nContent-Length: 0\r\n\r\n";
  if (send_all_blocking(fd, answer)) close_gracefully(fd);
}

LineReplyServer::LineReplyServer(UnixAddress addr, std::string reply)
    : UnixServer(std::move(addr)), reply_(std::move(reply)) {
  start();
}

LineReplyServer::~LineReplyServer() {
  stop();
}

void LineReplyServer::set_reply(std::string reply) {
  std::lock_guard lock(mutex_);
  reply_ = std::move(reply);
}

std::string LineReplyServer::last_line() const {
  std::lock_guard lock(mutex_);
  return last_line_;
}

void LineReplyServer::serve(int fd) {
  std::string line;
  if (!read_until(fd, "\n", line)) return;
  std::string reply;
  {
    std::lock_guard lock(mutex_);
    last_line_ = line;
    reply = reply_;
  }
  if (send_all_blocking(fd, reply)) close_gracefully(fd);
}

bool RedisProcess::available() {
  return ::access("/usr/bin/redis-server", X_OK) == 0;
}

RedisProcess::RedisProcess(const TempDir& dir)
    : socket_path_(dir.file("redis.sock")), log_path_(dir.file("redis.log")) {}

RedisProcess::~RedisProcess() {
  stop();
}

bool RedisProcess::start(Millis timeout) {
  if (pid_ > 0) return true;
  pid_ = ::fork();
  if (pid_ == 0) {
    const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::execl("/usr/bin/redis-server", "redis-server", "--unixsocket", socket_path_.c_str(), "--port",
            "0", "--save", "", "--appendonly", "no", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) return false;
  return poll_until([&] { return unix_path_accepts(socket_path_); }, timeout, 5ms);
}

void RedisProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const bool ended = poll_until([&] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, 5s, 5ms);
  if (!ended) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  ::unlink(socket_path_.c_str());
}

size_t count_lines_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    n += line.find(needle) != std::string::npos;
  return n;
}

std::string first_line_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) return line;
  return "";
}

int open_fd_count(pid_t pid) {
  DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(dir))
    n += e->d_name[0] != '.';
  ::closedir(dir);
  return n;
}

bool unix_path_accepts(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::strncpy(sun.sun_path, path.c_str(), sizeof(sun.sun_path) - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace ferry::test
