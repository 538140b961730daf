// A tiny demo service for ferry's quick start: listens on a UNIX socket, greets each connection
// with its name, then echoes every line back. One thread per connection; for demos, not load.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

namespace {

void serve(int fd, std::string name) {
  const std::string hello = "hello from " + name + "\n";
  ::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL);
  char buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    if (::send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s NAME SOCKET_PATH\n", argv[0]);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const std::string name = argv[1], path = argv[2];
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sun.sun_path)) {
    std::fprintf(stderr, "%s: socket path too long\n", argv[0]);
    return 2;
  }
  std::memcpy(sun.sun_path, path.c_str(), path.size());
  const int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(path.c_str());
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) != 0 || ::listen(lfd, 128) != 0) {
    std::perror(path.c_str());
    return 1;
  }
  for (;;) {
    const int fd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) std::thread(serve, fd, name).detach();
  }
}
