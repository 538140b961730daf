// `ferryctl top` in a real terminal (tmux, a server of its own): over a TCP admin socket it
// shows every backend and server and follows a state change, and it ends on `q` and on Ctrl-C.
// `ferryctl status --json` against the same process.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

class Tmux {
 public:
  explicit Tmux(const TempDir& dir) : socket_(dir.file("tmux.sock")) {}
  ~Tmux() { run({"kill-server"}); }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;

  ProgramResult run(std::vector<std::string> args) const {
    std::vector<std::string> argv{"tmux", "-S", socket_, "-f", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(ProgramSpec{argv, "", {}}, 10s);
  }
  bool start(const std::string& command) const {
    return run({"new-session", "-d", "-s", "top", "-x", "120", "-y", "30", command}).status.exited;
  }
  std::string screen() const { return run({"capture-pane", "-p", "-t", "top"}).out; }
  void keys(const std::string& k) const { run({"send-keys", "-t", "top", k}); }
  bool alive() const {
    const ProgramResult r = run({"has-session", "-t", "top"});
    return r.status.exited && r.status.code == 0;
  }

 private:
  std::string socket_;
};

}  // namespace

TEST_CASE("ferryctl top: a live view in a terminal, q and Ctrl-C end it") {
  REQUIRE_MESSAGE(!find_program("tmux").empty(), "tmux is not installed (scripts/packages.sh)");
  TempDir dir;
  EchoServer app(UnixAddress::path(dir.file("app.sock")));
  const uint16_t admin_port = free_tcp_port();
  FerryProcess ferry(dir, fill_template(R"(global
    stats socket ipv4@127.0.0.1:{ADMIN} level admin
defaults
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend web
    bind 127.0.0.1:{PORT}
    default_backend app
backend app
    server s1 unix@{DIR}/app.sock check inter 100ms
    server s2 unix@{DIR}/app.sock check inter 100ms
)",
                                        {{"DIR", dir.path()},
                                         {"ADMIN", std::to_string(admin_port)},
                                         {"PORT", std::to_string(free_tcp_port())}}));
  const AdminTarget admin = AdminTarget::tcp(admin_port);
  REQUIRE_MESSAGE(
      poll_until([&] { return admin_query(admin, "show cli level") == "admin\n\n"; }, 10s),
      ferry.output());
  const std::string top =
      ferryctl_binary() + " -s 127.0.0.1:" + std::to_string(admin_port) + " top -i 200ms";
  Tmux tmux(dir);

  SUBCASE("it follows a server put in maintenance, then q quits") {
    REQUIRE(tmux.start(top));
    std::string screen;
    CHECK_MESSAGE(poll_until(
                      [&] {
                        screen = tmux.screen();
                        return screen.find("\n  s2            UP ") != std::string::npos;
                      },
                      10s),
                  screen);
    CHECK(screen.find("BACKEND/SERVER  STATUS  WEIGHT  CUR  RATE  TOTAL") != std::string::npos);
    CHECK(admin_query(admin, "disable server app/s2") == "\n");
    CHECK_MESSAGE(poll_until(
                      [&] {
                        screen = tmux.screen();
                        return screen.find("\n  s2            MAINT ") != std::string::npos;
                      },
                      10s),
                  screen);
    tmux.keys("q");
    CHECK(poll_until([&] { return !tmux.alive(); }, 5s));
  }
  SUBCASE("Ctrl-C ends it") {
    REQUIRE(tmux.start(top));
    REQUIRE(poll_until([&] { return tmux.screen().find("  s1 ") != std::string::npos; }, 10s));
    tmux.keys("C-c");
    CHECK(poll_until([&] { return !tmux.alive(); }, 5s));
  }
  SUBCASE("status --json") {
    const ProgramResult r = run_program(ProgramSpec{
        {ferryctl_binary(), "-s", "127.0.0.1:" + std::to_string(admin_port), "status", "--json"},
        "",
        {}});
    REQUIRE_MESSAGE((r.status.exited && r.status.code == 0), r.describe());
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["backends"].size() == 1);
    CHECK(j["backends"][0]["name"] == "app");
    CHECK(j["backends"][0]["servers"][1]["name"] == "s2");
    CHECK(j["backends"][0]["servers"][1]["weight"] == 1);
  }
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
