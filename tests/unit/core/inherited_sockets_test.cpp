// The table of inherited listening sockets (socket activation, a master's sockets): what it
// adopts and refuses, the three lookups, and systemd's LISTEN_* protocol.
#include "core/inherited_sockets.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "conf/address.hpp"
#include "core/socket_ops.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry;
using core::InheritedSockets;

namespace {

core::SockAddr addr_of(const std::string& text) {
  conf::Address a;
  REQUIRE_FALSE(conf::parse_address(text, a).has_value());
  return core::SockAddr::from(a);
}

// A listening socket (released: the table owns it once added).
int listening(const std::string& text) {
  auto r = core::listen_on(addr_of(text), 16, {}, "test");
  REQUIRE(r.error.empty());
  return r.fd.release();
}

uint16_t port_of(int fd) {
  core::SockAddr a;
  a.len = sizeof(a.storage);
  ::getsockname(fd, a.get(), &a.len);
  const std::string s = a.to_string();
  return static_cast<uint16_t>(std::stoi(s.substr(s.rfind(':') + 1)));
}

}  // namespace

TEST_CASE("a listening TCP socket is found by number, name and address, and taken once") {
  InheritedSockets table;
  const int fd = listening("127.0.0.1:0");
  const std::string where = "127.0.0.1:" + std::to_string(port_of(fd));
  REQUIRE(table.add(fd, "web") == "");
  CHECK((::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(table.find_number(fd) != nullptr);
  using Found = std::vector<core::InheritedSocket*>;
  CHECK(table.find_spec(std::to_string(fd)) == Found{table.find_number(fd)});
  CHECK(table.find_spec("web") == Found{table.find_number(fd)});
  CHECK(table.find_name("api") == nullptr);
  CHECK(table.find_address(addr_of(where)) == table.find_number(fd));
  CHECK(table.has_address(addr_of(where)));
  CHECK(table.find_address(addr_of("127.0.0.2:" + std::to_string(port_of(fd)))) == nullptr);
  CHECK(table.find_address(addr_of("*:" + std::to_string(port_of(fd)))) == nullptr);
  CHECK(table.unused() ==
        std::vector<std::string>{"fd " + std::to_string(fd) + " 'web' (" + where + ")"});
  core::Fd taken = table.take(*table.find_name("web"));
  CHECK(taken.get() == fd);
  CHECK(table.find_name("web")->used);
  CHECK(table.unused().empty());
}

TEST_CASE("a UNIX socket matches the same path only") {
  test::TempDir dir;
  InheritedSockets table;
  // Bound in place, as systemd does (getsockname gives the path).
  const core::SockAddr path = addr_of(dir.file("a.sock"));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(::bind(fd, path.get(), path.len) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  REQUIRE(table.add(fd, "") == "");
  CHECK(table.find_address(addr_of(dir.file("a.sock"))) != nullptr);
  CHECK(table.find_address(addr_of(dir.file("b.sock"))) == nullptr);
  CHECK(table.find_address(addr_of("abns@" + dir.file("a.sock"))) == nullptr);
  CHECK(table.unused().front() ==
        "fd " + std::to_string(fd) + " (unix@" + dir.file("a.sock") + ")");
}

TEST_CASE("a socket ferry bound (temporary name, renamed) is added with its known path") {
  test::TempDir dir;
  InheritedSockets table;
  const core::SockAddr path = addr_of(dir.file("r.sock"));
  const int fd = listening("unix@" + dir.file("r.sock"));
  REQUIRE(table.add(fd, "", &path) == "");
  CHECK(table.find_address(path) != nullptr);
}

TEST_CASE("sockets that cannot listen are refused with the reason") {
  InheritedSockets table;
  int p[2];
  REQUIRE(::pipe(p) == 0);
  ::close(p[1]);
  CHECK(table.add(p[0], "") == "inherited fd " + std::to_string(p[0]) + " is not a socket");
  const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(table.add(udp, "") == "inherited fd " + std::to_string(udp) +
                                  " is not a stream socket (only TCP and UNIX stream sockets)");
  const int idle = ::socket(AF_INET, SOCK_STREAM, 0);
  CHECK(table.add(idle, "").find("is not listening") != std::string::npos);
  CHECK(table.empty());
  CHECK(::fcntl(idle, F_GETFD) == -1);  // closed: the table owned it
}

TEST_CASE("take_listen_env reads and clears the variables") {
  ::setenv("LISTEN_PID", "42", 1);
  ::setenv("LISTEN_FDS", "2", 1);
  ::setenv("LISTEN_FDNAMES", "web:admin", 1);
  const core::ListenFdsEnv env = core::take_listen_env();
  CHECK(env.listen_pid == "42");
  CHECK(env.listen_fds == "2");
  CHECK(env.listen_fdnames == "web:admin");
  CHECK(std::getenv("LISTEN_PID") == nullptr);
  CHECK(std::getenv("LISTEN_FDS") == nullptr);
  CHECK(std::getenv("LISTEN_FDNAMES") == nullptr);
  CHECK_FALSE(core::take_listen_env().present());
}

TEST_CASE("LISTEN_FDS for another pid or malformed adopts nothing") {
  InheritedSockets table;
  core::ListenFdsEnv env{"42", "1", std::nullopt};
  auto r = core::adopt_listen_fds(env, 43, table);
  CHECK(r.errors.empty());
  CHECK(r.warnings == std::vector<std::string>{
                          "socket activation: LISTEN_FDS is meant for pid 42, not this process "
                          "(pid 43); the sockets are left alone"});
  for (const char* bad : {"two", "-1", "99999999999", "2147483648"}) {
    CAPTURE(bad);
    env.listen_fds = bad;
    r = core::adopt_listen_fds(env, 42, table);
    CHECK(r.errors.size() == 1);
    CHECK(table.empty());
  }
  env.listen_fds = "0";
  env.listen_pid = "4294967338";  // 2^32 + 42: no wrapping onto pid 42
  r = core::adopt_listen_fds(env, 42, table);
  CHECK(r.errors.size() == 1);
}

TEST_CASE("LISTEN_FDS adopts fds 3.. named by LISTEN_FDNAMES") {
  // Park whatever holds fds 3 and 4 and put two listeners there, as systemd does.
  const int saved3 = ::fcntl(3, F_DUPFD_CLOEXEC, 100), saved4 = ::fcntl(4, F_DUPFD_CLOEXEC, 100);
  const int a = listening("127.0.0.1:0"), b = listening("127.0.0.1:0");
  const int tmp_a = ::fcntl(a, F_DUPFD_CLOEXEC, 200), tmp_b = ::fcntl(b, F_DUPFD_CLOEXEC, 200);
  ::close(a);
  ::close(b);
  REQUIRE(::dup2(tmp_a, 3) == 3);
  REQUIRE(::dup2(tmp_b, 4) == 4);
  ::close(tmp_a);
  ::close(tmp_b);
  {
    InheritedSockets table;
    core::ListenFdsEnv env{std::to_string(::getpid()), "2", "unknown:admin"};
    const auto r = core::adopt_listen_fds(env, ::getpid(), table);
    CHECK(r.errors.empty());
    CHECK(r.warnings.empty());
    REQUIRE(table.entries().size() == 2);
    CHECK(table.entries()[0].name.empty());
    CHECK(table.find_name("admin") == table.find_number(4));
    CHECK(table.find_spec("admin").size() == 1);
    CHECK(table.find_spec("3").size() == 1);
    CHECK(table.find_spec("5").empty());
  }  // the table closes both
  CHECK(::fcntl(3, F_GETFD) == -1);
  for (int fd : {3, 4}) {
    const int saved = fd == 3 ? saved3 : saved4;
    if (saved >= 0 && ::dup2(saved, fd) == fd) ::close(saved);
  }
}
