// One log line as it goes out, for each `format` of HAProxy 2.6's `log` keyword. The bytes are
// the ones HAProxy 2.6 sends (observed side by side on UDP, UNIX datagram and stdout targets):
//   local     <PRI>Mmm dd hh:mm:ss TAG[PID]: text          (the default)
//   rfc3164   <PRI>Mmm dd hh:mm:ss localhost TAG[PID]: text
//   rfc5424   <PRI>1 YYYY-MM-DDThh:mm:ss.uuuuuu+hh:mm - TAG PID - - text
//   priority  <PRI>text        short  <SEV>text        timed  <SEV>YYYY-...+hh:mm text
//   iso       YYYY-...+hh:mm text                      raw    text
// PRI is facility * 8 + severity; times are local. Every line ends with '\n'. Lengths, as
// HAProxy 2.6 cuts them (observed): the text alone is first cut to L - 1 bytes, L being the
// largest `len` of all the process's targets (HAProxy builds each line in a buffer that size);
// then `len N` cuts header and text to N bytes on a datagram (which is then N + 1 bytes long
// with its '\n') and to N - 1 bytes on a stream.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <cstddef>
#include <string>
#include <string_view>

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

// In the order of conf::kLogFormats.
enum class LogFormat { Local, Rfc3164, Rfc5424, Priority, Short, Timed, Iso, Raw };

struct LineSpec {
  LogFormat format = LogFormat::Local;
  int facility = 16;  // local0
  Severity severity = Severity::Info;
  std::string_view tag;
  pid_t pid = 0;
  size_t max_len = 1024;      // `len`
  size_t longest_len = 1024;  // the largest `len` of all the targets (L above)
  bool datagram = false;  // sent as one datagram (syslog socket) rather than written to a stream
};

// The whole line, header and text, cut to `spec.max_len` as above, with its '\n'.
std::string log_line(const LineSpec& spec, const timespec& now, std::string_view text);

}  // namespace ferry::core
