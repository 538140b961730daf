// ./demo.sh as a new user runs it: with the binaries of this build (FERRY_DEMO_BIN_DIR, so the
// test does not rebuild anything), on a free port and on a port another program holds.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/socket_address.hpp"

using namespace ferry::test;

namespace {

ProgramSpec demo(uint16_t port) {
  return ProgramSpec{
      {std::string(FERRY_SOURCE_DIR) + "/demo.sh"},
      "",
      {{"FERRY_DEMO_PORT", std::to_string(port)}, {"FERRY_DEMO_BIN_DIR", ferry_binary_dir()}}};
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// A listening TCP socket on 127.0.0.1:port, as another program holding the demo's port.
class PortHolder {
 public:
  explicit PortHolder(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0 &&
          ::listen(fd_, 8) == 0;
  }
  ~PortHolder() { ::close(fd_); }
  PortHolder(const PortHolder&) = delete;
  PortHolder& operator=(const PortHolder&) = delete;
  bool ok() const { return ok_; }

 private:
  int fd_;
  bool ok_ = false;
};

// The temp dir the demo announced ("... in /tmp/ferry-demo.XXXXXX)").
std::string demo_dir(const std::string& out) {
  std::smatch m;
  return std::regex_search(out, m, std::regex("(/tmp/ferry-demo\\.[A-Za-z0-9]+)")) ? m[1].str()
                                                                                   : "";
}

}  // namespace

TEST_CASE("demo.sh serves on FERRY_DEMO_PORT and Ctrl-C stops all it started") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  Program p(dir, "demo", demo(port));
  REQUIRE_MESSAGE(
      poll_until([&] { return p.out().find("Ctrl-C stops") != std::string::npos; }, 20s),
      (p.out() + p.err()));
  const std::string out = p.out();
  CHECK(out.find("ferry demo: 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  const std::string tmp = demo_dir(out);
  REQUIRE(!tmp.empty());
  CHECK(out.find("FERRY_DEMO_DIR=" + tmp + " FERRY_DEMO_PORT=" + std::to_string(port) + " " +
                 ferry_binary_dir() + "/ferry -c -f examples/quickstart.cfg") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(out, m,
                            std::regex("pids: ferry ([0-9]+), demo services app1=([0-9]+)"
                                       " app2=([0-9]+) app3=([0-9]+)")));
  std::vector<pid_t> pids;
  for (size_t i = 1; i <= 4; ++i)
    pids.push_back(std::stoi(m[i].str()));

  for (const char* name : {"app1", "app2", "app3"}) {
    ClientConn c = ClientConn::tcp(port);
    REQUIRE(c.ok());
    CHECK(c.read_line() == std::string("hello from ") + name + "\n");
  }

  ::kill(p.pid(), SIGINT);  // what Ctrl-C sends the script (the terminal sends it the group too)
  const auto st = p.wait_exit(10s);
  REQUIRE(st);
  CHECK(poll_until(
      [&] { return p.out().find("demo stopped; " + tmp + " removed") != std::string::npos; }, 5s));
  CHECK_FALSE(exists(tmp));
  for (pid_t pid : pids)
    CHECK_MESSAGE(::kill(pid, 0) != 0, "pid ", pid, " still runs");
}

TEST_CASE("demo.sh exits non-zero and prints no instructions when its port is taken") {
  // Found by trying it: with 8080 taken the demo printed "Try ...", then ferry's alert, exit 0.
  TempDir dir;
  const uint16_t port = free_tcp_port();
  PortHolder holder(port);
  REQUIRE(holder.ok());
  Program p(dir, "demo", demo(port));
  const auto st = p.wait_exit(20s);
  REQUIRE_MESSAGE(st, (p.out() + p.err()));
  CHECK(*st == ExitStatus{true, 1, 0});
  CHECK(p.out().find("Try") == std::string::npos);
  CHECK(p.err().find("ferry failed to start") != std::string::npos);
  CHECK(p.err().find("FERRY_DEMO_PORT=<free port> ./demo.sh") != std::string::npos);
  const std::string tmp = demo_dir(p.out());
  REQUIRE(!tmp.empty());
  CHECK_FALSE(exists(tmp));
}

TEST_CASE("demo.sh refuses a FERRY_DEMO_PORT that is not a port") {
  TempDir dir;
  ProgramSpec spec = demo(0);
  spec.env[0].second = "80a";
  Program p(dir, "demo", spec);
  const auto st = p.wait_exit(10s);
  REQUIRE(st);
  CHECK(*st == ExitStatus{true, 2, 0});
  CHECK(p.err().find("FERRY_DEMO_PORT='80a' is not a TCP port") != std::string::npos);
}
