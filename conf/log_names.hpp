// The names a `log` line may use, shared by the parser (which checks them) and the log writer
// (which turns them into numbers): a name's position in its list is its syslog code.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace ferry::conf {

// Syslog facilities in code order: kern is 0, local7 is 23.
inline constexpr std::array<std::string_view, 24> kLogFacilities{
    "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "auth2",  "ftp",    "ntp",    "audit",  "alert",  "cron2",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};

// Severities in code order: emerg is 0, debug is 7.
inline constexpr std::array<std::string_view, 8> kLogLevels{"emerg",   "alert",  "crit", "err",
                                                            "warning", "notice", "info", "debug"};

// `format` values, HAProxy 2.6's list; the first is the default.
inline constexpr std::array<std::string_view, 8> kLogFormats{
    "local", "rfc3164", "rfc5424", "priority", "short", "timed", "iso", "raw"};

// The position of `name` in `names`, or -1.
template <size_t N>
constexpr int log_name_index(const std::array<std::string_view, N>& names, std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

// `log file@/var/log/ferry/ferry.log ...`: a file ferry appends to (not a syslog socket).
inline constexpr std::string_view kLogFilePrefix = "file@";

}  // namespace ferry::conf
