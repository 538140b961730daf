// The real ferry binary (ferry_binary(): tests name it only through that) as a child process of
// the test: started with a config file written into a TempDir, its stdout and stderr captured to
// files there, waited for by polling (never by fixed sleeps), and always stopped and reaped by the
// destructor.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/deadline.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

namespace ferry::test {

// The path of the ferry binary under test: $FERRY_TEST_BIN when set (test.sh runs the Release-built
// integration tests against the sanitizer builds' ferry this way), else this build's.
std::string ferry_binary();
// The directory of ferry_binary(), where its build's other programs are (ferryctl, demo-backend).
std::string ferry_binary_dir();
// Whether ferry_binary() was built with a sanitizer (its `-vv` says so): it is then several times
// slower at everything, and its RSS (ASan's quarantine and shadow memory) says nothing about
// ferry's own use.
bool ferry_sanitized();

// How a process ended.
struct ExitStatus {
  bool exited = false;  // ended by exit(); `code` is valid
  int code = -1;
  int signal = 0;  // the signal that killed it, when !exited
  bool operator==(const ExitStatus&) const = default;
};
std::string to_string(const ExitStatus& s);

class FerryProcess {
 public:
  // Writes `config` to `dir`/ferry.cfg and starts `ferry -db -f <that file> <extra_args...>`.
  // `dir` must outlive this object.
  FerryProcess(const TempDir& dir, const std::string& config,
               std::vector<std::string> extra_args = {});
  ~FerryProcess();  // stop()
  FerryProcess(const FerryProcess&) = delete;
  FerryProcess& operator=(const FerryProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& config_path() const { return config_path_; }
  bool running();

  // Ready = the process holds a listening socket on that port / UNIX address (read from /proc,
  // so no connection is made and no server is disturbed). False if it exits or time runs out.
  bool wait_listening_tcp(uint16_t port, Millis timeout = 10s);
  bool wait_listening_unix(const UnixAddress& addr, Millis timeout = 10s);
  bool is_listening_tcp(uint16_t port) const;
  bool is_listening_unix(const UnixAddress& addr) const;

  void signal(int sig);
  // The exit status once the process has ended, or nullopt if it is still running at the end.
  std::optional<ExitStatus> wait_exit(Millis timeout);
  // How it ended within `timeout` ("exit code 0", "killed by signal 9", ...), or "still running".
  std::string exit_text(Millis timeout);
  // SIGTERM, then SIGKILL after `grace`; always reaps. Returns how it ended.
  ExitStatus stop(Millis grace = 5s);
  // For the end of a test: true if the process was still running and, told to stop, exited 0
  // (a crash, an assert, or a sanitizer report along the way makes it false).
  bool stop_cleanly(Millis grace = 5s);

  std::string stdout_text() const;
  std::string stderr_text() const;
  std::string output() const { return stdout_text() + stderr_text(); }
  // Polls stdout and stderr until `needle` appears.
  bool wait_output(const std::string& needle, Millis timeout = 5s) const;

 private:
  std::string config_path_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

struct RunResult {
  ExitStatus status;
  std::string out;
  std::string err;
  std::string output() const { return out + err; }
};

// Runs `ferry <args...>` to completion (killed after `timeout`), capturing its output.
RunResult run_ferry(const std::vector<std::string>& args, Millis timeout = 10s);

// CPU time (user + system, in clock ticks) a process has used so far, from /proc/PID/stat; -1
// if unreadable.
long cpu_ticks(pid_t pid);
// Its resident memory in KiB (VmRSS), or -1.
long rss_kib(pid_t pid);

// Replaces every `{KEY}` in `text` by its value, e.g. {{"PORT", "8080"}, {"DIR", dir.path()}}.
std::string fill_template(std::string text,
                          const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace ferry::test
