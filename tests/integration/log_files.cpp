// Log files (`log file@PATH`, issue 11): rotated by the real logrotate with
// examples/logrotate/ferry-logs.logrotate (rename, create, SIGHUP) while clients keep coming,
// and with copytruncate; no traffic line is lost or cut, none is written twice. Also: SIGHUP no
// longer kills ferry, and a file that cannot be opened stops the start with its place.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    log file@{DIR}/log/ferry.log format raw local0
    pidfile {DIR}/ferry.pid
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/echo.sock
)";

const std::string kExample =
    std::string(FERRY_SOURCE_DIR) + "/examples/logrotate/ferry-logs.logrotate";

// Sequential sessions through ferry on a thread of their own until stop(); counts those done.
class Clients {
 public:
  explicit Clients(uint16_t port) : thread_([this, port] { run(port); }) {}
  ~Clients() { stop(); }
  size_t stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return done_;
  }
  size_t done() const { return done_; }
  size_t failed() const { return failed_; }

 private:
  void run(uint16_t port) {
    while (!stop_) {
      ClientConn c = ClientConn::tcp(port);
      const bool ok = c.ok() && c.send_all("ping\n") && c.read_line() == "ping\n";
      c.close();
      ++(ok ? done_ : failed_);
    }
  }
  std::atomic<bool> stop_{false};
  std::atomic<size_t> done_{0}, failed_{0};
  std::thread thread_;
};

struct Lines {
  size_t traffic = 0;              // whole tcplog lines of frontend fe
  size_t reopened = 0;             // "SIGHUP: reopened 1 of 1 log file(s)"
  std::vector<std::string> other;  // anything else: a cut or merged line would land here
};

Lines lines_of(const std::string& text) {
  Lines out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.starts_with("127.0.0.1:") && l.find("] fe be/s1 ") != std::string::npos &&
        l.ends_with(" 0/0"))
      ++out.traffic;
    else if (l == "SIGHUP: reopened 1 of 1 log file(s)")
      ++out.reopened;
    else if (!l.starts_with("ferry ") || l.find(" started (pid ") == std::string::npos)
      out.other.push_back(l);
  }
  return out;
}

class Rig {
 public:
  Rig()
      : echo_(UnixAddress::path(dir_.file("echo.sock"))), ferry_(dir_, with_log_dir(dir_, port_)) {
    REQUIRE_MESSAGE(ferry_.wait_listening_tcp(port_), ferry_.output());
  }
  std::string log(const std::string& name = "ferry.log") const { return dir_.file("log/" + name); }
  uint16_t port() const { return port_; }
  FerryProcess& ferry() { return ferry_; }
  const TempDir& dir() const { return dir_; }
  std::string text(const std::string& name = "ferry.log") const { return read_file(log(name)); }
  // Traffic lines in the files named, once they count `expected` (or after 5 s).
  size_t traffic_in(const std::vector<std::string>& files, size_t expected) const {
    size_t n = 0;
    poll_until(
        [&] {
          n = 0;
          for (const auto& f : files)
            n += lines_of(text(f)).traffic;
          return n >= expected;
        },
        5s);
    return n;
  }
  ProgramResult logrotate(const std::string& config_text,
                          std::vector<std::pair<std::string, std::string>> env = {}) {
    const std::string config = dir_.write_file("ferry.logrotate", config_text);
    REQUIRE(::chmod(config.c_str(), 0644) == 0);  // logrotate ignores writable configs
    return run_program(
        ProgramSpec{
            {"logrotate", "-f", "-s", dir_.file("logrotate.state"), config}, "", std::move(env)},
        20s);
  }

 private:
  static std::string with_log_dir(const TempDir& dir, uint16_t port) {
    const std::string log_dir = dir.file("log");
    REQUIRE(::mkdir(log_dir.c_str(), 0755) == 0);  // logrotate refuses group-writable dirs
    return fill_template(kConfig, {{"DIR", dir.path()}, {"PORT", std::to_string(port)}});
  }
  TempDir dir_;
  uint16_t port_ = free_tcp_port();
  EchoServer echo_;
  FerryProcess ferry_;
};

}  // namespace

TEST_CASE("the example logrotate config (rename, create, SIGHUP) under load: no line lost") {
  Rig rig;
  std::string example = read_file(kExample);
  const std::string glob = "/var/log/ferry/*.log";
  const auto at = example.find(glob);
  REQUIRE_MESSAGE(at != std::string::npos, kExample << " does not rotate " << glob);
  example.replace(at, glob.size(), rig.dir().file("log/*.log"));

  Clients clients(rig.port());
  REQUIRE(poll_until([&] { return lines_of(rig.text()).traffic >= 20; }, 5s));
  const ProgramResult r = rig.logrotate(example, {{"FERRY_PIDFILE", rig.dir().file("ferry.pid")}});
  REQUIRE_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  // The new file gets the reopen notice, then traffic again.
  REQUIRE_MESSAGE(poll_until([&] { return lines_of(rig.text()).traffic >= 20; }, 5s),
                  rig.ferry().output());
  const size_t sessions = clients.stop();
  CHECK(clients.failed() == 0);

  CHECK(rig.traffic_in({"ferry.log", "ferry.log.1"}, sessions) == sessions);
  const Lines before = lines_of(rig.text("ferry.log.1")), after = lines_of(rig.text());
  CHECK(before.traffic > 0);
  CHECK(after.traffic > 0);
  CHECK(after.reopened == 1);
  CHECK(before.reopened == 0);
  CHECK(before.other == std::vector<std::string>{});
  CHECK(after.other == std::vector<std::string>{});
  struct stat st {};
  REQUIRE(::stat(rig.log().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);  // logrotate's `create 0640`
  CHECK_MESSAGE(rig.ferry().stop_cleanly(), rig.ferry().output());
}

// copytruncate loses the lines written between its copy and its truncation (logrotate's manual
// says so), so the clients pause around it; what is checked is that ferry, writing with
// O_APPEND, goes on at the start of the emptied file (no hole of NUL bytes) and nothing it
// wrote before is missing from the copy.
TEST_CASE("copytruncate: ferry goes on at the start of the emptied file, no NUL, no line lost") {
  Rig rig;
  size_t sessions = 0;
  {
    Clients clients(rig.port());
    REQUIRE(poll_until([&] { return lines_of(rig.text()).traffic >= 20; }, 5s));
    sessions = clients.stop();
  }
  REQUIRE(rig.traffic_in({"ferry.log"}, sessions) == sessions);
  const ProgramResult r = rig.logrotate(rig.log() + " {\n    rotate 2\n    copytruncate\n}\n");
  REQUIRE_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(lines_of(rig.text("ferry.log.1")).traffic == sessions);

  Clients again(rig.port());
  REQUIRE(poll_until([&] { return lines_of(rig.text()).traffic >= 5; }, 5s));
  const size_t more = again.stop();
  CHECK(rig.traffic_in({"ferry.log"}, more) == more);
  const std::string now = rig.text();
  CHECK(now.find('\0') == std::string::npos);
  CHECK(lines_of(now).other == std::vector<std::string>{});
  CHECK(lines_of(now).traffic == more);
  CHECK_MESSAGE(rig.ferry().stop_cleanly(), rig.ferry().output());
}

// Issue 11: SIGHUP killed ferry (default action), leaving its pidfile behind.
TEST_CASE("SIGHUP reopens the log files and ferry keeps running") {
  Rig rig;
  REQUIRE(::rename(rig.log().c_str(), rig.log("moved.log").c_str()) == 0);
  rig.ferry().signal(SIGHUP);
  REQUIRE_MESSAGE(poll_until([&] { return lines_of(rig.text()).reopened == 1; }, 5s),
                  rig.ferry().output());
  CHECK(rig.ferry().running());
  CHECK(rig.ferry().stderr_text().find("SIGHUP: reopened 1 of 1 log file(s)") != std::string::npos);
  CHECK_MESSAGE(rig.ferry().stop_cleanly(), rig.ferry().output());
}

TEST_CASE("a log file that cannot be opened stops the start, naming the line") {
  TempDir dir;
  const std::string cfg = dir.write_file(
      "f.cfg",
      "global\n    log file@" + dir.file("no/such/dir/ferry.log") +
          " local0\nlisten x\n    mode tcp\n    bind 127.0.0.1:" + std::to_string(free_tcp_port()) +
          "\n    server s unix@" + dir.file("s.sock") + "\n");
  const RunResult r = run_ferry({"-db", "-f", cfg});
  CHECK(r.status == (ExitStatus{true, 1, 0}));
  CHECK(r.err.find("[ALERT]    (") != std::string::npos);
  CHECK(r.err.find(cfg + ":2: log target 'file@" + dir.file("no/such/dir/ferry.log") +
                   "': cannot open the log file '" + dir.file("no/such/dir/ferry.log") +
                   "': No such file or directory") != std::string::npos);
}
