// Process messages and traffic logs. Messages (start-up, warnings, alerts, server events) go to
// stderr while in the foreground, prefixed like HAProxy's (`[WARNING]  (pid) : ...`), and to the
// `log` targets as syslog. Traffic lines (option tcplog) go to the `log` targets only: `stdout`
// and `stderr` get the raw line, a path gets RFC 3164 over a UNIX datagram socket, `ip:port` over
// UDP. Targets are set up before the threads start; after that any thread may log (each line is
// one write).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/fd.hpp"
#include "core/sockaddr.hpp"

namespace ferry::core {

enum class Severity {
  Emerg = 0,
  Alert = 1,
  Crit = 2,
  Err = 3,
  Warning = 4,
  Notice = 5,
  Info = 6,
  Debug = 7
};

class Log {
 public:
  Log();
  ~Log();
  // Replaces the syslog-style targets. Returns an error message per unusable target.
  std::vector<std::string> set_targets(const std::vector<conf::LogTarget>& targets);
  void set_stderr(bool on) { to_stderr_ = on; }  // off once daemonized
  void set_debug(bool on) { debug_ = on; }
  bool debug() const { return debug_; }

  void message(Severity sev, const std::string& text);
  void alert(const std::string& text) { message(Severity::Alert, text); }
  void warning(const std::string& text) { message(Severity::Warning, text); }
  void notice(const std::string& text) { message(Severity::Notice, text); }
  void debug_msg(const std::string& text) {
    if (debug_) message(Severity::Debug, text);
  }
  // A traffic log line, at `info` severity.
  void traffic(const std::string& line);
  bool has_targets() const { return !targets_.empty(); }

 private:
  struct Target;
  void send(Target& t, Severity sev, const std::string& text);
  std::vector<std::unique_ptr<Target>> targets_;
  bool to_stderr_ = true;
  bool debug_ = false;
};

}  // namespace ferry::core
