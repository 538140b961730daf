// The real programs the admin-socket tests drive next to ferry: socat and nc one-liners, ferryctl,
// logrotate with its hook scripts, a real haproxy to compare with. Each runs in a process group
// of its own, so that stopping it also stops whatever it started (the shell of a one-liner, the
// hooks of logrotate); the group is always killed before the test goes on.
#pragma once

#include <sys/types.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/deadline.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace ferry::test {

struct ProgramSpec {
  std::vector<std::string> argv;  // argv[0] without a '/' is looked up in $PATH, then /usr/sbin
  std::string input;              // standard input (then EOF)
  std::vector<std::pair<std::string, std::string>> env;  // set on top of the test's environment
};

// `sh -c SCRIPT`: a one-liner exactly as a user types it.
ProgramSpec shell(std::string script, std::vector<std::pair<std::string, std::string>> env = {});

// The full path of an installed program, or "" when it is not installed.
std::string find_program(const std::string& name);
#ifdef FERRYCTL_BIN
// The ferryctl binary under test (FERRYCTL_BIN is defined for the integration tests), or
// $FERRYCTL_TEST_BIN when set, as ferry_binary() does with $FERRY_TEST_BIN.
inline std::string ferryctl_binary() {
  const char* chosen = std::getenv("FERRYCTL_TEST_BIN");
  return chosen && *chosen ? chosen : FERRYCTL_BIN;
}
#endif

class Program {
 public:
  // Starts `spec` with its output captured to files in `dir` (named after `name`), which must
  // outlive this object. Throws if the program cannot be found or fork fails.
  Program(const TempDir& dir, const std::string& name, const ProgramSpec& spec);
  ~Program();  // stop()
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // The exit status once it has ended, or nullopt if it is still running after `timeout`. Anything
  // its group still runs is killed once it has ended.
  std::optional<ExitStatus> wait_exit(Millis timeout);
  // SIGTERM to the group, SIGKILL after `grace`; always reaps. Returns how it ended.
  ExitStatus stop(Millis grace = 2s);

  std::string out() const;
  std::string err() const;

 private:
  std::optional<ExitStatus> try_finish();
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

struct ProgramResult {
  ExitStatus status;
  bool timed_out = false;  // killed after `timeout`
  std::string out;
  std::string err;
  std::string output() const { return out + err; }
  // For assertion messages: status, stdout and stderr.
  std::string describe() const;
};

// Runs `spec` to completion (its group killed after `timeout`).
ProgramResult run_program(const ProgramSpec& spec, Millis timeout = 10s);

}  // namespace ferry::test
