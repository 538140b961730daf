// Process messages and traffic logs. Messages (start-up, warnings, alerts, server events) go to
// stderr while in the foreground, prefixed like HAProxy's (`[WARNING]  (pid) : ...`), and to the
// `log` targets. Traffic lines (option tcplog) go to the `log` targets only, at `info`.
//
// A target is stdout/stderr, a syslog socket (a UNIX datagram path or UDP ip:port) or a file
// (`file@/path`, opened O_APPEND, reopened by reopen() on SIGHUP). Each has its format, `len`,
// facility, level filter and minimum level, as HAProxy 2.6's `log` line (see log_line.hpp for
// the bytes). The tag is the Log's own (`log-tag`, "ferry" by default) unless a proxy passes its
// own. Targets are set up before the threads start; after that any thread may log (each line is
// one write or one datagram) and reopen() swaps a file's descriptor in place (dup3), so a thread
// writing at that moment writes whole lines to the old file or to the new one.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conf/model.hpp"
#include "core/log_line.hpp"

namespace ferry::core {

class Log {
 public:
  static constexpr std::string_view kDefaultTag = "ferry";

  Log();
  ~Log();
  // Replaces the targets. `longest_len`: the largest `len` of all the process's targets
  // (conf::Config::longest_log_length(); see log_line.hpp), 0 = the largest of these. Returns
  // an error message per unusable target (left out).
  std::vector<std::string> set_targets(const std::vector<conf::LogTarget>& targets,
                                       size_t longest_len = 0);
  size_t longest_len() const { return longest_len_; }
  void set_tag(const std::string& tag) { tag_ = tag.empty() ? std::string(kDefaultTag) : tag; }
  const std::string& tag() const { return tag_; }
  void set_stderr(bool on) { to_stderr_ = on; }  // off once daemonized
  void set_debug(bool on) { debug_ = on; }
  bool debug() const { return debug_; }

  // Reopens every file target in place (after logrotate moved it away). A file that cannot be
  // reopened keeps its old descriptor; returns one message per such file.
  std::vector<std::string> reopen();
  size_t file_targets() const;

  // To stderr (in the foreground) and to the targets, at the same severity.
  void message(Severity sev, const std::string& text);
  void alert(const std::string& text) { message(Severity::Alert, text); }
  void warning(const std::string& text) { message(Severity::Warning, text); }
  void notice(const std::string& text) { message(Severity::Notice, text); }
  // Only to stderr (in the foreground), with the `[LEVEL]    (pid) : ` prefix.
  void console(Severity sev, const std::string& text);
  // Only to the targets that take `sev`; `tag` empty = the Log's own.
  void send(Severity sev, std::string_view text, std::string_view tag = {});
  // A traffic log line, at `info`.
  void traffic(const std::string& line, std::string_view tag = {}) {
    send(Severity::Info, line, tag);
  }
  bool has_targets() const { return !targets_.empty(); }
  // Whether a line at `sev` would reach at least one target.
  bool accepts(Severity sev) const;

 private:
  struct Target;
  std::vector<std::unique_ptr<Target>> targets_;
  std::string tag_{kDefaultTag};
  size_t longest_len_ = 1024;
  bool to_stderr_ = true;
  bool debug_ = false;
};

}  // namespace ferry::core
