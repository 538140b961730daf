// HAProxy's log-format strings, as `unique-id-format` and the values of http-request/
// http-response rules take them: literal text, `%%`, the variables %ci %cp (client address and
// port), %fi %fp (the address and port it reached), %Ts (accept date, Unix seconds), %rt (the
// request's number in the process), %pid, %f (frontend name), %H (host name), sample expressions
// `%[fetch,converter...]` (conf/sample.hpp), and `%{+X}o` / `%{-X}o` to write the following
// variables in hexadecimal or not (HAProxy's usual `%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid`; the
// spaces after such an option are not part of the result, as in HAProxy). Rendered by
// http/log_format.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <memory>
#include <vector>

#include "conf/sample.hpp"

namespace ferry::conf {

// One piece of a log-format string (unique-id-format, rule values): literal text, a variable
// HAProxy's log-format names %ci, %cp, %fi, %fp, %Ts, %rt, %pid, %f, %H (`hex` after %{+X}o,
// HAProxy's hex form), or a sample expression `%[...]`.
struct LogFormatPiece {
  enum class Kind {
    Text,
    ClientIp,
    ClientPort,
    FrontendIp,
    FrontendPort,
    AcceptSecs,
    RequestCounter,
    Pid,
    FrontendName,
    Hostname,
    Sample,
  } kind = Kind::Text;
  std::string text;
  bool hex = false;
  std::shared_ptr<const SampleExpr> sample;  // Sample's
};
using LogFormat = std::vector<LogFormatPiece>;

// The pieces of `format`, or the reason it is refused (an unknown variable, fetch or converter).
std::optional<std::string> parse_log_format(std::string_view format, LogFormat& out);

// Whether `format` is only literal text (no variable, no sample).
bool is_literal(const LogFormat& format);

}  // namespace ferry::conf
