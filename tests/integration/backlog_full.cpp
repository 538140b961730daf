// A UNIX-socket server whose accept backlog is full makes connect() fail at once with EAGAIN
// (HAProxy: SOCKERR). ferry retries at once and, with `option redispatch`, serves the client from
// another server: no client sees an error.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// A listener that never accepts, with its backlog already full.
class FullBacklog {
 public:
  explicit FullBacklog(const std::string& path) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::memcpy(sun.sun_path, path.c_str(), path.size());
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) == 0);
    REQUIRE(::listen(listen_fd_, 0) == 0);
    for (int i = 0; i < 16; ++i) {  // fill the backlog until the kernel says EAGAIN
      const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) != 0) {
        full_ = errno == EAGAIN;
        ::close(fd);
        break;
      }
      queued_.push_back(fd);
    }
  }
  ~FullBacklog() {
    for (int fd : queued_)
      ::close(fd);
    ::close(listen_fd_);
  }
  bool full() const { return full_; }

 private:
  int listen_fd_ = -1;
  std::vector<int> queued_;
  bool full_ = false;
};

const char* const kConfig = R"(global
    maxconn 100
defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    retries 3
    option redispatch
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
    server full unix@{DIR}/full.sock
    server good unix@{DIR}/good.sock
)";

}  // namespace

TEST_CASE("a server with a full backlog is skipped by redispatch and every client is served") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  FullBacklog full(dir.file("full.sock"));
  REQUIRE(full.full());
  EchoServer good(UnixAddress::path(dir.file("good.sock")));
  FerryProcess ferry(dir,
                     fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  for (int i = 0; i < 50; ++i) {
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.send_all("ping\n"));
    REQUIRE_MESSAGE(c.read_line() == "ping\n", "client ", i);
  }
  CHECK(good.accepted() == 50);
  CHECK(ferry.stop_cleanly());
}
