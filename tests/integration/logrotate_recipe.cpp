// The logrotate recipe of examples/logrotate, end to end (issue 4): the real logrotate runs the
// example configs and hooks against a running ferry while a client keeps opening connections
// through it. The server is in MAINT (and drained) while its logs rotate, back UP afterwards, no
// client connection fails, and the logs are rotated. Also what the hooks do when the drain
// cannot be done: the logs are rotated all the same.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/test_certs.hpp"

using namespace ferry::test;

namespace {

const std::string kExamples = std::string(FERRY_SOURCE_DIR) + "/examples/logrotate/";

// Short connections through ferry, one after another on a thread of their own, paced at about
// 500 a second (so that the client ports in TIME_WAIT stay few), until stopped. Each one sends a
// line, reads it back, and closes; anything else counts as a failure.
class Traffic {
 public:
  explicit Traffic(uint16_t port) : thread_([this, port] { run(port); }) {}
  ~Traffic() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  size_t ok() const { return ok_; }
  size_t failed() const { return failed_; }
  std::string first_failure() const {
    std::lock_guard lock(mutex_);
    return first_failure_;
  }

 private:
  void run(uint16_t port) {
    auto next = Clock::now();
    for (uint64_t i = 0; !stop_; ++i) {
      if (const std::string why = one(port, i); why.empty()) {
        ++ok_;
      } else {
        ++failed_;
        std::lock_guard lock(mutex_);
        if (first_failure_.empty()) first_failure_ = "connection " + std::to_string(i) + ": " + why;
      }
      next += 2ms;
      std::this_thread::sleep_until(next);
    }
  }
  static std::string one(uint16_t port, uint64_t i) {
    const Deadline deadline(2s);
    ClientConn c = ClientConn::tcp(port);
    if (!c.ok()) return "connect failed, errno " + std::to_string(c.error());
    const std::string line = "ping " + std::to_string(i) + "\n";
    std::string echo;
    if (!c.send_all(line, deadline)) return "send failed";
    if (!c.read_exactly(line.size(), echo, deadline) || echo != line) return "no echo: " + echo;
    if (!c.close_gracefully(deadline)) return "not closed cleanly";
    return "";
  }

  std::atomic<bool> stop_{false};
  std::atomic<size_t> ok_{0};
  std::atomic<size_t> failed_{0};
  mutable std::mutex mutex_;
  std::string first_failure_;
  std::thread thread_;
};

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// ferry balancing backend `app` over web1 and web2 (checked), two service logs to rotate, and
// the example recipe `example` copied with its log path pointed at them.
class Rig {
 public:
  // `tcp_admin_options`: the TCP stats socket's options after its address.
  explicit Rig(const std::string& example, const std::string& tcp_admin_options = "level admin")
      : ferry_(with_app_backend(tcp_admin_options)), log_dir_(ferry_.dir().file("log")) {
    REQUIRE(::mkdir(log_dir_.c_str(), 0755) == 0);
    REQUIRE(::chmod(log_dir_.c_str(), 0755) == 0);  // logrotate refuses group-writable dirs
    write_logs("GET /index 200\n");
    std::string recipe = read_file(kExamples + example);
    const std::string glob = "/var/log/app/*.log";
    const auto at = recipe.find(glob);
    REQUIRE_MESSAGE(at != std::string::npos, example << " does not rotate " << glob);
    recipe.replace(at, glob.size(), log_dir_ + "/*.log");
    config_ = ferry_.dir().write_file("app.logrotate", recipe);
    REQUIRE(::chmod(config_.c_str(), 0644) == 0);  // logrotate ignores writable configs
    REQUIRE_MESSAGE(ferry_.start(), ferry_.process().output());
    REQUIRE(ferry_.wait_status("web1", "UP"));
    REQUIRE(ferry_.wait_status("web2", "UP"));
  }

  AdminFerry& ferry() { return ferry_; }
  std::string log(const std::string& name) const { return log_dir_ + "/" + name; }
  std::string file(const std::string& name) const { return ferry_.dir().file(name); }
  void write_logs(const std::string& content) const {
    ferry_.dir().write_file("log/app.log", "app: " + content);
    ferry_.dir().write_file("log/access.log", "access: " + content);
  }

  // The environment of a run of ferry-drain: this rig's paths, verbose.
  std::vector<std::pair<std::string, std::string>> drain_env(const std::string& socket) const {
    return {{"FERRY_DRAIN", kExamples + "ferry-drain"},
            {"FERRYCTL", ferryctl_binary()},
            {"FERRY_SOCKET", socket},
            {"FERRY_STATE_DIR", file("drain-state")},
            {"FERRY_DRAIN_VERBOSE", "1"}};
  }
  // A reopen command that records, from inside postrotate, what ferry shows and which files are
  // there at that moment.
  std::string recording_reopen_cmd() const {
    return "\"$FERRYCTL\" -s \"$FERRY_SOCKET\" show stat > " + file("during.csv") + " && ls " +
           log_dir_ + " > " + file("during.ls") + " && echo reopened >> " + file("reopens");
  }

  // `logrotate -f -s STATE CONFIG`, started now.
  std::unique_ptr<Program> start_logrotate(std::vector<std::pair<std::string, std::string>> env) {
    ++runs_;
    return std::make_unique<Program>(
        ferry_.dir(), "logrotate" + std::to_string(runs_),
        ProgramSpec{
            {"logrotate", "-f", "-s", file("logrotate.state"), config_}, "", std::move(env)});
  }
  ProgramResult run_logrotate(std::vector<std::pair<std::string, std::string>> env) {
    auto p = start_logrotate(std::move(env));
    ProgramResult r;
    const auto status = p->wait_exit(20s);
    r.timed_out = !status;
    r.status = status ? *status : p->stop();
    r.out = p->out();
    r.err = p->err();
    return r;
  }

  // The logs were rotated once: the old content in *.log.1, new empty files in their place.
  void check_rotated(const std::string& content) const {
    CHECK(read_file(log("app.log.1")) == "app: " + content);
    CHECK(read_file(log("access.log.1")) == "access: " + content);
    CHECK(exists(log("app.log")));
    CHECK(read_file(log("app.log")).empty());
  }

  // What ferry showed from inside postrotate.
  std::optional<StatTable> during() const {
    std::string error;
    auto table = StatTable::parse(read_file(file("during.csv")), error);
    CHECK_MESSAGE(table, error);
    return table;
  }

 private:
  static AdminFerryOptions with_app_backend(const std::string& tcp_admin_options) {
    AdminFerryOptions o = AdminFerryOptions::checked({"web1", "web2"});
    o.tcp_admin_options = tcp_admin_options;
    o.backend = "app";
    return o;
  }
  AdminFerry ferry_;
  std::string log_dir_;
  std::string config_;
  int runs_ = 0;
};

bool still_flows(ClientConn& c) {
  std::string echo;
  return c.send_all("still here\n") && c.read_exactly(11, echo, Deadline(2s)) &&
         echo == "still here\n";
}

std::string stot_of(AdminFerry& f, const std::string& server) {
  return stat_cell(f.admin(), "app", server, "stot");
}

// After a rotation: web1 is back UP and receives connections again.
void check_back_in_rotation(Rig& rig) {
  CHECK(rig.ferry().wait_status("web1", "UP"));
  const std::string stot = stot_of(rig.ferry(), "web1");
  CHECK(poll_until([&] { return stot_of(rig.ferry(), "web1") != stot; }, 5s, 5ms));
}

// The client is being served now: a few more of its connections succeed.
void check_served(const Traffic& traffic) {
  const size_t ok = traffic.ok();
  CHECK(poll_until([&] { return traffic.ok() >= ok + 10; }, 5s));
}

void check_no_failed_connection(Traffic& traffic) {
  traffic.stop();
  CHECK_MESSAGE(traffic.failed() == 0, traffic.first_failure());
}

}  // namespace

TEST_CASE("logrotate + ferry-drain, local admin socket: drained before the rotation, back after") {
  Rig rig("app-logs.logrotate");
  ClientConn held = rig.ferry().client_on(0);  // a long session on web1
  REQUIRE(held.ok());
  Traffic traffic(rig.ferry().port());
  auto env = rig.drain_env(rig.ferry().admin().path);
  env.emplace_back("FERRY_REOPEN_CMD", rig.recording_reopen_cmd());
  auto logrotate = rig.start_logrotate(env);

  // prerotate has taken web1 out and now waits for its last session: nothing is rotated yet.
  REQUIRE_MESSAGE(rig.ferry().wait_status("web1", "MAINT"), logrotate->err());
  CHECK(logrotate->running());
  CHECK(!exists(rig.log("app.log.1")));
  // Only the held session stays on web1 (the short ones it had when it went out finish).
  CHECK(poll_until([&] { return stat_cell(rig.ferry().admin(), "app", "web1", "scur") == "1"; }, 5s,
                   5ms));
  CHECK(still_flows(held));  // the session on the server being drained keeps flowing
  check_served(traffic);     // by web2
  CHECK(logrotate->running());

  REQUIRE(held.close_gracefully(Deadline(2s)));
  const auto status = logrotate->wait_exit(15s);
  REQUIRE_MESSAGE(status, "logrotate did not finish\n" << logrotate->out() << logrotate->err());
  CHECK_MESSAGE(*status == (ExitStatus{true, 0, 0}), logrotate->out() << logrotate->err());
  const std::string out = logrotate->out();
  CHECK(out.find("ferry-drain: app/web1 is in maintenance (it was UP)") != std::string::npos);
  CHECK(out.find("ferry-drain: app/web1 is drained") != std::string::npos);
  CHECK(out.find("ferry-drain: app/web1 is back in rotation (ready)") != std::string::npos);
  CHECK(logrotate->err().empty());

  // From inside postrotate: web1 was in MAINT with no session, and the logs already rotated.
  const auto during = rig.during();
  REQUIRE(during);
  CHECK(during->get("app", "web1", "status") == "MAINT");
  CHECK(during->get("app", "web1", "scur") == "0");
  CHECK(during->get("app", "web2", "status") == "UP");
  CHECK(read_file(rig.file("during.ls")).find("app.log.1\n") != std::string::npos);
  CHECK(read_file(rig.file("reopens")) == "reopened\n");  // sharedscripts: once for both logs

  check_back_in_rotation(rig);
  check_no_failed_connection(traffic);
  rig.check_rotated("GET /index 200\n");
  CHECK(!exists(rig.file("drain-state/app@web1")));  // nothing left to undo
  CHECK(rig.ferry().process().stop_cleanly());
}

namespace {

// One logrotate run of `rig`'s recipe against its TCP admin socket under client traffic, with
// `extra_env` on top: app/web1 drained before the rotation and back after, no connection failed.
void check_tcp_rotation(Rig& rig, std::vector<std::pair<std::string, std::string>> extra_env) {
  Traffic traffic(rig.ferry().port());
  check_served(traffic);
  auto env = rig.drain_env(rig.ferry().admin_tcp().ctl_address());
  env.emplace_back("FERRY_SERVER", "app/web1");
  env.emplace_back("FERRY_REOPEN_CMD", rig.recording_reopen_cmd());
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  const ProgramResult r = rig.run_logrotate(env);
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(r.out.find("ferry-drain: app/web1 is drained") != std::string::npos);

  const auto during = rig.during();
  REQUIRE(during);
  CHECK(during->get("app", "web1", "status") == "MAINT");
  CHECK(read_file(rig.file("during.ls")).find("app.log.1\n") != std::string::npos);
  check_back_in_rotation(rig);
  check_no_failed_connection(traffic);
  rig.check_rotated("GET /index 200\n");
}

}  // namespace

TEST_CASE("logrotate + ferry-drain over a TCP admin socket (from the backend's host)") {
  Rig rig("app-logs-tcp.logrotate");
  check_tcp_rotation(rig, {});
  CHECK(rig.ferry().process().stop_cleanly());
}

// The drain's commands, and the reopen command's `show stat`, all over TLS: ferryctl takes its
// certificate from the environment ferry-drain passes on.
TEST_CASE("logrotate + ferry-drain over a TLS admin socket with a client certificate") {
  TempDir certs_dir;
  const TestCerts certs(certs_dir);
  REQUIRE_MESSAGE(certs.ok(), certs.error);
  Rig rig("app-logs-tls.logrotate", "level user ssl crt " + certs.server + " ca-file " + certs.ca +
                                        " verify required grant admin cn ops-*");
  check_tcp_rotation(
      rig, {{"FERRY_CERT", certs.ops_crt}, {"FERRY_KEY", certs.ops_key}, {"FERRY_CA", certs.ca}});
  // Audited under the certificate's name.
  CHECK(rig.ferry().process().wait_output(
      "cert 'CN=ops-alice' level admin: 'safe disable server app/web1"));
  CHECK(rig.ferry().process().stop_cleanly());
}

TEST_CASE("logrotate + socat one-liners (no ferryctl): drained before the rotation, back after") {
  Rig rig("app-logs-socat.logrotate");
  ClientConn held = rig.ferry().client_on(0);
  REQUIRE(held.ok());
  Traffic traffic(rig.ferry().port());
  auto logrotate = rig.start_logrotate({{"FERRY_SOCKET", rig.ferry().admin_tcp().ctl_address()},
                                        {"FERRY_SERVER", "app/web1"},
                                        {"FERRY_DRAIN_SECONDS", "10"}});

  REQUIRE_MESSAGE(rig.ferry().wait_status("web1", "MAINT"), logrotate->err());
  CHECK(logrotate->running());
  CHECK(!exists(rig.log("app.log.1")));
  CHECK(still_flows(held));
  check_served(traffic);
  CHECK(logrotate->running());
  REQUIRE(held.close_gracefully(Deadline(2s)));

  const auto status = logrotate->wait_exit(15s);
  REQUIRE_MESSAGE(status, "logrotate did not finish\n" << logrotate->err());
  CHECK_MESSAGE(*status == (ExitStatus{true, 0, 0}), logrotate->out() << logrotate->err());
  CHECK(logrotate->err().empty());
  check_back_in_rotation(rig);
  check_no_failed_connection(traffic);
  rig.check_rotated("GET /index 200\n");
  CHECK(rig.ferry().process().stop_cleanly());
}

TEST_CASE("ferry-drain: a drain that expires still rotates, and postrotate puts the server back") {
  Rig rig("app-logs.logrotate");
  ClientConn held = rig.ferry().client_on(0);  // never closes during the rotation
  REQUIRE(held.ok());
  Traffic traffic(rig.ferry().port());
  check_served(traffic);
  auto env = rig.drain_env(rig.ferry().admin().path);
  env.emplace_back("FERRY_DRAIN_TIMEOUT", "300ms");
  const ProgramResult r = rig.run_logrotate(env);
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(r.err.find("ferry-drain: app/web1 still has sessions after 300ms; rotating anyway") !=
        std::string::npos);
  CHECK(r.out.find("ferry-drain: app/web1 is back in rotation (ready)") != std::string::npos);
  rig.check_rotated("GET /index 200\n");
  check_back_in_rotation(rig);
  CHECK(still_flows(held));  // nothing cut the long session
  check_no_failed_connection(traffic);
  CHECK(held.close_gracefully(Deadline(2s)));
  CHECK(rig.ferry().process().stop_cleanly());
}

TEST_CASE("ferry-drain puts back only what it took: MAINT stays MAINT, DRAIN goes back to DRAIN") {
  Rig rig("app-logs.logrotate");
  // An operator took web1 out by hand: the rotation must not bring it back.
  REQUIRE(rig.ferry().query("disable server app/web1") == "\n");
  auto env = rig.drain_env(rig.ferry().admin().path);
  env.emplace_back("FERRY_SERVER", "app/web1");
  ProgramResult r = rig.run_logrotate(env);
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(r.out.find("app/web1 is already in maintenance; leaving it as it is") != std::string::npos);
  CHECK(r.out.find("nothing to put back") != std::string::npos);
  CHECK(rig.ferry().status("web1") == "MAINT");
  rig.check_rotated("GET /index 200\n");

  // web2 was draining: MAINT during the rotation, DRAIN again after it.
  REQUIRE(rig.ferry().query("set server app/web2 state drain") == "\n");
  rig.write_logs("GET /second 200\n");
  env = rig.drain_env(rig.ferry().admin().path);
  env.emplace_back("FERRY_SERVER", "app/web2");
  env.emplace_back("FERRY_REOPEN_CMD", rig.recording_reopen_cmd());
  r = rig.run_logrotate(env);
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  const auto during = rig.during();
  REQUIRE(during);
  CHECK(during->get("app", "web2", "status") == "MAINT");
  CHECK(rig.ferry().wait_status("web2", "DRAIN"));  // via `DRAIN 1/3`: checks resume at rise
  CHECK(r.out.find("app/web2 is back in rotation (drain)") != std::string::npos);
  CHECK(rig.ferry().status("web1") == "MAINT");
  rig.check_rotated("GET /second 200\n");
  CHECK(rig.ferry().process().stop_cleanly());
}

TEST_CASE("ferry-drain: ferry unreachable still rotates, a failed reopen keeps the server out") {
  Rig rig("app-logs.logrotate");
  auto env = rig.drain_env(rig.file("nobody.sock"));
  ProgramResult r = rig.run_logrotate(env);
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(r.err.find("cannot read ferry's state at " + rig.file("nobody.sock") +
                   "; rotating without draining") != std::string::npos);
  rig.check_rotated("GET /index 200\n");
  CHECK(rig.ferry().status("web1") == "UP");

  // The service could not reopen its logs: web1 stays out, and logrotate reports the failure.
  rig.write_logs("GET /second 200\n");
  env = rig.drain_env(rig.ferry().admin().path);
  env.emplace_back("FERRY_REOPEN_CMD", "false");
  r = rig.run_logrotate(env);
  CHECK_MESSAGE(r.status == (ExitStatus{true, 1, 0}), r.describe());
  CHECK(r.err.find("'false' failed: app/web1 stays out of rotation") != std::string::npos);
  CHECK(rig.ferry().status("web1") == "MAINT");
  rig.check_rotated("GET /second 200\n");
  // The next rotation that reopens fine puts it back.
  rig.write_logs("GET /third 200\n");
  env = rig.drain_env(rig.ferry().admin().path);
  r = rig.run_logrotate(env);
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(rig.ferry().wait_status("web1", "UP"));
  CHECK(rig.ferry().process().stop_cleanly());
}

// Issue 16: every backend host's hook fires at the same minute. Four servers, four logrotate
// runs started at the same instant (each for its own server's logs, the recipe unchanged but for
// the path), against an HA pair of ferry instances (FERRY_SOCKET names both), while clients go
// through both: the keep-up guard lets at most three out at once on each instance, so a server
// is always UP, no connection fails, and every log is rotated. (With FERRY_KEEP_UP=0 all four go
// out together and both checks fail.)
TEST_CASE("four hooks at the same instant on an HA pair: one server always UP and all rotated") {
  const std::vector<std::string> names = {"web1", "web2", "web3", "web4"};
  auto options = [&] {
    AdminFerryOptions o = AdminFerryOptions::checked(names);
    o.backend = "app";
    return o;
  };
  AdminFerry a(options()), b(options());
  REQUIRE_MESSAGE(a.start(), a.process().output());
  REQUIRE_MESSAGE(b.start(), b.process().output());
  for (AdminFerry* f : {&a, &b})
    for (const auto& n : names)
      REQUIRE(f->wait_status(n, "UP"));
  const TempDir& dir = a.dir();
  const std::string recipe = read_file(kExamples + "app-logs.logrotate");
  const std::string glob = "/var/log/app/*.log";
  REQUIRE(recipe.find(glob) != std::string::npos);

  // The fewest servers UP (`UP`, or `UP 2/3` while failing checks) on either instance, sampled
  // until told to stop, and the statuses seen then.
  std::atomic<bool> stop{false};
  int fewest_up = static_cast<int>(names.size());
  std::string fewest_seen;
  std::thread watch([&] {
    while (!stop) {
      for (AdminFerry* f : {&a, &b}) {
        std::string error;
        const auto table = StatTable::parse(f->query("show stat"), error);
        if (!table) continue;
        int up = 0;
        std::string seen;
        for (const auto& n : names) {
          const std::string status = table->get("app", n, "status").value_or("?");
          up += status.rfind("UP", 0) == 0;
          seen += n + ": " + status + "; ";
        }
        if (up < fewest_up) fewest_up = up, fewest_seen = seen;
      }
    }
  });
  Traffic to_a(a.port()), to_b(b.port());
  check_served(to_a);
  check_served(to_b);

  std::vector<std::unique_ptr<Program>> runs;
  for (const auto& n : names) {
    const std::string logs = dir.file("log-" + n);
    REQUIRE(::mkdir(logs.c_str(), 0755) == 0);
    REQUIRE(::chmod(logs.c_str(), 0755) == 0);
    dir.write_file("log-" + n + "/app.log", n + " lines\n");
    std::string config = recipe;
    config.replace(config.find(glob), glob.size(), logs + "/*.log");
    const std::string path = dir.write_file(n + ".logrotate", config);
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    // The service's reopen takes a moment, so that the hooks overlap; it records what
    // instance a shows meanwhile.
    const std::string reopen = "\"$FERRYCTL\" -s " + a.admin().path + " show stat > " +
                               dir.file(n + "-during.csv") + " && sleep 0.3";
    ProgramSpec spec{{"logrotate", "-f", "-s", dir.file(n + ".state"), path},
                     "",
                     {{"FERRY_DRAIN", kExamples + "ferry-drain"},
                      {"FERRYCTL", ferryctl_binary()},
                      {"FERRY_SOCKET", a.admin().path + " " + b.admin_tcp().ctl_address()},
                      {"FERRY_SERVER", "app/" + n},
                      {"FERRY_STATE_DIR", dir.file("drain-state-" + n)},
                      {"FERRY_REOPEN_CMD", reopen}}};
    runs.push_back(std::make_unique<Program>(dir, "logrotate-" + n, spec));
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    CAPTURE(names[i]);
    const auto status = runs[i]->wait_exit(30s);
    REQUIRE_MESSAGE(status, runs[i]->err());
    CHECK_MESSAGE(*status == (ExitStatus{true, 0, 0}), runs[i]->out() << runs[i]->err());
    CHECK_MESSAGE(runs[i]->err().empty(), runs[i]->err());
    // Rotated, and its server was out of rotation (on instance a) while it was.
    CHECK(read_file(dir.file("log-" + names[i] + "/app.log.1")) == names[i] + " lines\n");
    std::string error;
    const auto during = StatTable::parse(read_file(dir.file(names[i] + "-during.csv")), error);
    REQUIRE_MESSAGE(during, error);
    CHECK(during->get("app", names[i], "status") == "MAINT");
  }
  for (AdminFerry* f : {&a, &b})
    for (const auto& n : names)
      CHECK(f->wait_status(n, "UP"));
  stop = true;
  watch.join();
  CHECK_MESSAGE(fewest_up >= 1, fewest_seen);
  check_no_failed_connection(to_a);
  check_no_failed_connection(to_b);
  CHECK(a.process().stop_cleanly());
  CHECK(b.process().stop_cleanly());
}
