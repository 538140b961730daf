// UNIX-socket frontends and servers: unix@ paths, abstract names (abns@ padded, abnsz@ bare),
// and the classic traps at bind time: a live listener, a stale socket file, a regular file, and
// the socket file's mode.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    maxconn 100
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind {BIND}
    default_backend be
backend be
    server s1 {SERVER}
)";

std::string config(const std::string& bind, const std::string& server) {
  return fill_template(kConfig, {{"BIND", bind}, {"SERVER", server}});
}

bool echo_round_trip(const UnixAddress& addr, const std::string& line) {
  ClientConn c = ClientConn::unix_socket(addr);
  if (!c.ok() || !c.send_all(line)) return false;
  return c.read_line(Deadline(5s)) == line;
}

mode_t file_mode(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

}  // namespace

TEST_CASE("a unix@ frontend relays to a UNIX-socket server and forwards the half-close") {
  TempDir dir;
  const auto fe = UnixAddress::path(dir.file("fe.sock"));
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config(fe.config_text(), echo.config_address()));
  REQUIRE_MESSAGE(ferry.wait_listening_unix(fe), ferry.output());

  ClientConn c = ClientConn::unix_socket(fe);
  REQUIRE(c.ok());
  REQUIRE(c.send_all("hello over unix\n"));
  CHECK(c.read_line() == "hello over unix\n");
  c.shutdown_write();
  const Received r = c.read_until_eof(Deadline(3s));
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(echo.accepted() == 1);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("abns@ addresses use the name zero-padded to the whole sun_path") {
  TempDir dir;
  const auto fe = UnixAddress::abns(unique_abstract_name("fe"));
  EchoServer echo(UnixAddress::abns(unique_abstract_name("srv")));
  FerryProcess ferry(dir, config(fe.config_text(), echo.config_address()));
  REQUIRE_MESSAGE(ferry.wait_listening_unix(fe), ferry.output());

  CHECK(echo_round_trip(fe, "padded\n"));
  CHECK(echo.accepted() == 1);
  ClientConn bare = ClientConn::unix_socket(UnixAddress::abnsz(fe.name));
  CHECK_FALSE(bare.ok());
  CHECK(bare.error() == ECONNREFUSED);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("abnsz@ addresses use the bare abstract name") {
  TempDir dir;
  const auto fe = UnixAddress::abnsz(unique_abstract_name("fe"));
  EchoServer echo(UnixAddress::abnsz(unique_abstract_name("srv")));
  FerryProcess ferry(dir, config(fe.config_text(), echo.config_address()));
  REQUIRE_MESSAGE(ferry.wait_listening_unix(fe), ferry.output());

  CHECK(echo_round_trip(fe, "bare\n"));
  CHECK(echo.accepted() == 1);
  ClientConn padded = ClientConn::unix_socket(UnixAddress::abns(fe.name));
  CHECK_FALSE(padded.ok());
  CHECK(padded.error() == ECONNREFUSED);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("binding a UNIX path where a live listener is exits 1 with address in use") {
  TempDir dir;
  const auto path = UnixAddress::path(dir.file("fe.sock"));
  EchoServer live(path);
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config(path.config_text(), echo.config_address()));
  CHECK_MESSAGE(ferry.exit_text(5s) == "exit code 1", ferry.output());
  CHECK(ferry.stderr_text().find("address in use") != std::string::npos);
  CHECK(ferry.stderr_text().find(path.name) != std::string::npos);
  // The live listener keeps its socket file (and saw at most ferry's liveness probe besides us).
  CHECK(echo_round_trip(path, "still mine\n"));
  CHECK(live.accepted() >= 1);
  CHECK(live.accepted() <= 2);
  CHECK(echo.accepted() == 0);
}

TEST_CASE("a stale socket file at the bind path is replaced and works") {
  TempDir dir;
  const auto path = UnixAddress::path(dir.file("fe.sock"));
  {  // bound, never listening, closed: the file stays behind
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    const socklen_t len = path.fill(sun);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sun), len) == 0);
    ::close(fd);
  }
  REQUIRE(S_ISSOCK(file_mode(path.name)));
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config(path.config_text(), echo.config_address()));
  REQUIRE_MESSAGE(ferry.wait_listening_unix(path), ferry.output());
  CHECK(echo_round_trip(path, "fresh\n"));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("a regular file at the bind path is left untouched and ferry exits 1") {
  TempDir dir;
  const std::string path = dir.write_file("fe.sock", "precious data\n");
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  FerryProcess ferry(dir, config("unix@" + path, echo.config_address()));
  CHECK_MESSAGE(ferry.exit_text(5s) == "exit code 1", ferry.output());
  CHECK(ferry.stderr_text().find(path) != std::string::npos);
  CHECK(ferry.stderr_text().find("not a socket") != std::string::npos);
  CHECK(read_file(path) == "precious data\n");
  CHECK(S_ISREG(file_mode(path)));
}

TEST_CASE("bind mode 600 is applied to the socket file and without mode the umask rules") {
  TempDir dir;
  const auto path = UnixAddress::path(dir.file("fe.sock"));
  const auto plain = UnixAddress::path(dir.file("plain.sock"));
  EchoServer echo(UnixAddress::path(dir.file("echo.sock")));
  const mode_t umask = ::umask(022);  // ferry inherits it
  FerryProcess ferry(dir, config(path.config_text() + " mode 600\n    bind " + plain.config_text(),
                                 echo.config_address()));
  ::umask(umask);
  REQUIRE_MESSAGE(ferry.wait_listening_unix(path), ferry.output());
  REQUIRE(ferry.wait_listening_unix(plain));
  const mode_t mode = file_mode(path.name);
  CHECK(S_ISSOCK(mode));
  CHECK((mode & 07777) == 0600);
  CHECK((file_mode(plain.name) & 07777) == 0755);
  CHECK(echo_round_trip(path, "mode\n"));
  CHECK(echo_round_trip(plain, "plain\n"));
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
