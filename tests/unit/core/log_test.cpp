// Log targets: syslog datagrams reach a UNIX socket path, an IPv4 and an IPv6 UDP address, in
// RFC 3164 form with the facility and severity in the priority.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "core/log.hpp"

using namespace ferry;

namespace {

struct Receiver {
  int fd = -1;
  std::string target;
  Receiver(int family) {
    fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof(sockaddr_in);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = in6addr_loopback;
      len = sizeof(sockaddr_in6);
    }
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0);
    const int port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                             : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    target = (family == AF_INET ? "127.0.0.1:" : "[::1]:") + std::to_string(port);
  }
  explicit Receiver(const std::string& path) : target(path) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::memcpy(sun.sun_path, path.c_str(), path.size());
    ::unlink(path.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) == 0);
  }
  ~Receiver() { ::close(fd); }
  std::string receive() {
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[2048];
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
};

conf::LogTarget target(const std::string& where, const std::string& facility) {
  conf::LogTarget t;
  t.target = where;
  t.facility = facility;
  return t;
}

}  // namespace

TEST_CASE("syslog targets: UNIX path, IPv4 and IPv6 UDP, with the priority of facility+level") {
  Receiver v4(AF_INET), v6(AF_INET6);
  const std::string path = "/tmp/ferry-log-test-" + std::to_string(::getpid()) + ".sock";
  Receiver un(path);
  core::Log log;
  log.set_stderr(false);
  const auto errors = log.set_targets(
      {target(v4.target, "local0"), target(v6.target, "local1"), target(path, "daemon")});
  CHECK(errors.empty());
  log.traffic("a traffic line");
  const std::string a = v4.receive(), b = v6.receive(), c = un.receive();
  CHECK(a.rfind("<134>", 0) == 0);  // local0 (16) * 8 + info (6)
  CHECK(b.rfind("<142>", 0) == 0);  // local1 (17) * 8 + info (6)
  CHECK(c.rfind("<30>", 0) == 0);   // daemon (3) * 8 + info (6)
  for (const auto& m : {a, b, c}) {
    CHECK(m.find("ferry[") != std::string::npos);
    CHECK(m.find("]: a traffic line") != std::string::npos);
  }
  ::unlink(path.c_str());
}

TEST_CASE("a log target that is not an address is reported, not ignored") {
  core::Log log;
  log.set_stderr(false);
  const auto errors = log.set_targets({target("not an address", "local0")});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("log target 'not an address'") == 0);
  CHECK_FALSE(log.has_targets());
}
