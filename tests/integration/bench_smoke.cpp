// The bench's load generator (bench/) in every scenario, with tiny sizes, through the real ferry
// and the bench's own backends: its JSON result parses and its counts are exact; and the driver's
// `mode http` scenarios (wrk and nginx through ferry) for about a second each. Figures are for
// bench/RESULTS.md; this only keeps the tools from rotting. No HAProxy needed.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/client_conn.hpp"
#include "tests/support/deadline.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;
using nlohmann::json;

namespace {

const char* const kConfig = R"(global
    maxconn 1000
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe_echo
    bind 127.0.0.1:{ECHO_PORT}
    default_backend be_echo
frontend fe_sink
    bind 127.0.0.1:{SINK_PORT}
    default_backend be_sink
backend be_echo
    server echo unix@{DIR}/echo.sock
backend be_sink
    server sink unix@{DIR}/sink.sock
)";

// A bench program as a child process: stdout to a file, stderr inherited; stopped and reaped by
// the destructor.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& out_path) {
    pid_ = ::fork();
    if (pid_ != 0) return;
    std::vector<char*> argv;
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that crashed
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || ::dup2(out, STDOUT_FILENO) < 0) ::_exit(127);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ~Child() {
    if (pid_ <= 0 || status_) return;
    ::kill(pid_, SIGTERM);
    int ws = 0;
    ::waitpid(pid_, &ws, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // The exit code once the child has exited, or -1 if it had to be killed at the deadline.
  int wait(Millis timeout) {
    int ws = 0;
    const bool ended = poll_until([&] { return ::waitpid(pid_, &ws, WNOHANG) == pid_; }, timeout);
    if (!ended) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &ws, 0);
    }
    status_ = true;
    return ended && WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
  }

 private:
  pid_t pid_ = -1;
  bool status_ = false;
};

struct GeneratorRun {
  int exit_code = -1;
  json result;  // the parsed result line (null when there was none)
};

class BenchRig {
 public:
  BenchRig()
      : echo_port(free_tcp_port()),
        sink_port(free_tcp_port()),
        echo_({BENCH_ECHO_BIN, "--listen", "unix:" + dir.file("echo.sock")}, dir.file("echo.out")),
        sink_({BENCH_SINK_BIN, "--listen", "unix:" + dir.file("sink.sock")}, dir.file("sink.out")),
        ferry(dir, fill_template(kConfig, {{"ECHO_PORT", std::to_string(echo_port)},
                                           {"SINK_PORT", std::to_string(sink_port)},
                                           {"DIR", dir.path()}})) {}

  bool ready() {
    auto up = [](const std::string& path) {
      return poll_until([&] { return ClientConn::unix_socket(path).ok(); }, 5s, 5ms);
    };
    return up(dir.file("echo.sock")) && up(dir.file("sink.sock")) &&
           ferry.wait_listening_tcp(echo_port) && ferry.wait_listening_tcp(sink_port);
  }

  GeneratorRun generate(std::vector<std::string> args) {
    args.insert(args.begin(), FERRY_BENCH_BIN);
    const std::string out = dir.file("gen" + std::to_string(++runs_) + ".out");
    GeneratorRun r;
    {
      Child gen(args, out);
      r.exit_code = gen.wait(60s);
    }
    const std::string text = read_file(out);
    MESSAGE(text);
    r.result = json::parse(text, nullptr, false);
    if (r.result.is_discarded()) r.result = nullptr;
    return r;
  }

  std::string echo_target() const { return "tcp:127.0.0.1:" + std::to_string(echo_port); }
  std::string sink_target() const { return "tcp:127.0.0.1:" + std::to_string(sink_port); }

  TempDir dir;
  uint16_t echo_port;
  uint16_t sink_port;

 private:
  Child echo_;
  Child sink_;

 public:
  FerryProcess ferry;

 private:
  int runs_ = 0;
};

void check_clean(const GeneratorRun& r) {
  REQUIRE(r.result.is_object());
  CHECK(r.exit_code == 0);
  CHECK(r.result["errors"] == 0);
  CHECK(r.result["first_error"] == "");
  CHECK(r.result["bytes_sent"] == r.result["bytes_received"]);
}

}  // namespace

TEST_CASE("the bench's generator measures every scenario through ferry, exactly") {
  BenchRig rig;
  REQUIRE_MESSAGE(rig.ready(), rig.ferry.output());
  const std::string pid = std::to_string(rig.ferry.pid());

  SUBCASE("bulk: every byte sent is acknowledged by the sink") {
    const auto r = rig.generate({"--mode", "bulk", "--target", rig.sink_target(), "--conns", "3",
                                 "--bytes", "4m", "--proxy-pid", pid});
    check_clean(r);
    CHECK(r.result["bytes_sent"] == 3 * 4 * 1024 * 1024);
    CHECK(r.result["bytes_acked"] == 3 * 4 * 1024 * 1024);
    CHECK(r.result["connections"] == 3);
    CHECK(r.result["gbps"].get<double>() > 0);
    CHECK(r.result["proxy_cpu_s"].get<double>() >= 0);
  }
  SUBCASE("rr by count: exactly N verified exchanges") {
    const auto r = rig.generate({"--mode", "rr", "--target", rig.echo_target(), "--conns", "7",
                                 "--requests", "1000", "--proxy-pid", pid});
    check_clean(r);
    CHECK(r.result["requests"] == 1000);
    CHECK(r.result["latency_samples"] == 1000);
    CHECK(r.result["bytes_sent"] == 64 * 1000);
    CHECK(r.result["connections"] == 7);
  }
  SUBCASE("rr by duration: a measured window and ordered percentiles") {
    const auto r = rig.generate({"--mode", "rr", "--target", rig.echo_target(), "--conns", "5",
                                 "--warmup", "0.1", "--duration", "0.3"});
    check_clean(r);
    const auto& j = r.result;
    CHECK(j["requests"].get<uint64_t>() > 0);
    CHECK(j["rate"].get<double>() > 0);
    CHECK(j["seconds"].get<double>() > 0.25);  // libev timers run on the loop's cached clock
    CHECK(j["p50_us"].get<double>() <= j["p99_us"].get<double>());
    CHECK(j["p99_us"].get<double>() <= j["p999_us"].get<double>());
    CHECK(j["p999_us"].get<double>() <= j["max_us"].get<double>());
  }
  SUBCASE("connrate by count: one connection per exchange") {
    const auto r = rig.generate(
        {"--mode", "connrate", "--target", rig.echo_target(), "--conns", "4", "--requests", "300"});
    check_clean(r);
    CHECK(r.result["connections"] == 300);
    CHECK(r.result["requests"] == 300);
  }
  SUBCASE("idle: every connection held, and the proxy's RSS read") {
    const auto r = rig.generate({"--mode", "idle", "--target", rig.echo_target(), "--conns", "200",
                                 "--hold", "0.2", "--proxy-pid", pid});
    check_clean(r);
    CHECK(r.result["held"] == 200);
    CHECK(r.result["proxy_rss_held_kib"].get<int64_t>() > 0);
  }
  SUBCASE("direct to a backend, without the proxy") {
    const auto r = rig.generate({"--mode", "bulk", "--target", "unix:" + rig.dir.file("sink.sock"),
                                 "--conns", "2", "--bytes", "1m"});
    check_clean(r);
    CHECK(r.result["bytes_acked"] == 2 * 1024 * 1024);
  }
  SUBCASE("nothing listening: errors are reported, the run still ends") {
    const auto r = rig.generate({"--mode", "rr", "--target", "unix:" + rig.dir.file("none.sock"),
                                 "--conns", "2", "--requests", "10"});
    REQUIRE(r.result.is_object());
    CHECK(r.exit_code == 1);
    CHECK(r.result["errors"] == 2);
    CHECK(r.result["requests"] == 0);
  }
  CHECK_MESSAGE(rig.ferry.stop_cleanly(), rig.ferry.output());
}

TEST_CASE("the bench driver's HTTP scenarios run through ferry with wrk and nginx") {
  TempDir dir;
  const std::string runs = dir.file("runs.json");
  const std::string ferry = ferry_binary();
  {
    Child driver({"/usr/bin/python3",
                  FERRY_SOURCE_DIR "/bench/run.py",
                  "--no-build",
                  "--build-dir",
                  FERRY_BUILD_DIR,
                  "--ferry",
                  ferry,
                  "--targets",
                  "ferry",
                  "--scenarios",
                  "http_ka,http_close,http_idle",
                  "--reps",
                  "1",
                  "--quick",
                  "--http-conns",
                  "8",
                  "--http-idle-conns",
                  "40",
                  "--no-write",
                  "--runs-json",
                  runs},
                 dir.file("driver.out"));
    CHECK_MESSAGE(driver.wait(120s) == 0, read_file(dir.file("driver.out")));
  }
  const json all = json::parse(read_file(runs), nullptr, false);
  REQUIRE_MESSAGE(all.is_array(), read_file(dir.file("driver.out")));
  REQUIRE(all.size() == 3);
  for (const json& r : all) {
    CAPTURE(r.dump());
    CHECK(r["target"] == "ferry");
    CHECK(r["errors"] == 0);
    if (r["scenario"] == "http_idle") {
      CHECK(r["held"] == 40);
      continue;
    }
    CHECK(r["requests"].get<int64_t>() > 0);
    CHECK(r["rate"].get<double>() > 0);
    CHECK(r["p99_us"].get<double>() >= r["p50_us"].get<double>());
    CHECK(r["proxy_cpu_s"].get<double>() >= 0);
    CHECK(r["server_conns"].get<int64_t>() >= 1);
    // Keep-alive clients reuse pooled server connections: far fewer than requests. (With
    // `Connection: close` each request is a new client's first, which `http-reuse safe`, the
    // default, sends on a new connection, as HAProxy 2.6 does.)
    if (r["scenario"] == "http_ka")
      CHECK(r["server_conns"].get<int64_t>() * 10 < r["requests"].get<int64_t>());
  }
}
