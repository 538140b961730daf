// `log` and `log-tag` in the global section and in proxies, in the order HAProxy 2.6 takes them:
//   log <target> [len <length>] [format <format>] <facility> [<level> [<minlevel>]]
//   log global      (proxies: use the global section's targets)
//   no log          (proxies: forget the targets inherited from defaults)
//   log-tag <tag>   (the tag field of the syslog header; per proxy: for that proxy's lines)
#include "conf/address.hpp"
#include "conf/did_you_mean.hpp"
#include "conf/keyword_table.hpp"
#include "conf/log_names.hpp"

namespace ferry::conf {

namespace {

template <size_t N>
bool is_one_of(const std::string& word, const std::array<std::string_view, N>& names) {
  return log_name_index(names, word) >= 0;
}

template <size_t N>
std::string hint(const std::string& word, const std::array<std::string_view, N>& names) {
  return did_you_mean(word, std::vector<std::string_view>(names.begin(), names.end()));
}

// `len N` then `format F` (HAProxy 2.6 takes them in this order only) between the target and
// the facility; returns the index of the facility.
size_t parse_log_options(ParseContext& ctx, const Call& call, LogTarget& out, bool& ok) {
  size_t i = 1;
  if (i + 1 < call.args.size() && call.args[i] == "len") {
    ok = int_arg(ctx, call, i + 1, 80, 65535, out.length);
    i += 2;
  }
  if (ok && i + 1 < call.args.size() && call.args[i] == "format") {
    out.format = call.args[i + 1];
    if (!is_one_of(out.format, kLogFormats)) {
      fail(ctx, call,
           "unknown log format '" + out.format + "'" + hint(out.format, kLogFormats) +
               " (formats: local rfc3164 rfc5424 priority short timed iso raw)");
      ok = false;
    }
    i += 2;
  }
  if (ok && i < call.args.size() && call.args[i] == "sample") {
    fail(ctx, call, "'log ... sample' is not supported by ferry; remove the sample option");
    ok = false;
  }
  if (ok && i < call.args.size() && (call.args[i] == "len" || call.args[i] == "format")) {
    fail(ctx, call,
         "'" + call.args[i] + "' is out of place: write 'len' first, then 'format', then the " +
             "facility (log <target> [len <length>] [format <format>] <facility> ...)");
    ok = false;
  }
  return i;
}

bool parse_levels(ParseContext& ctx, const Call& call, size_t i, LogTarget& out) {
  for (std::string* level : {&out.level, &out.min_level}) {
    if (++i >= call.args.size()) return true;
    *level = call.args[i];
    if (!is_one_of(*level, kLogLevels)) {
      fail(ctx, call,
           "unknown log level '" + *level + "'" + hint(*level, kLogLevels) +
               " (levels: emerg alert crit err warning notice info debug)");
      return false;
    }
  }
  if (i + 1 < call.args.size()) {
    fail(ctx, call, "unexpected argument '" + call.args[i + 1] + "' after the log levels");
    return false;
  }
  return true;
}

// stdout, stderr, file@/path, a UNIX datagram socket path, or IP[:port] (UDP, port 514 by
// default).
bool valid_target(ParseContext& ctx, const Call& call, const std::string& target) {
  if (target == "stdout" || target == "stderr") return true;
  if (target.starts_with(kLogFilePrefix)) {
    if (target.size() > kLogFilePrefix.size() && target[kLogFilePrefix.size()] == '/') return true;
    fail(ctx, call,
         "log target '" + target + "' needs an absolute path after 'file@', e.g. " +
             "'file@/var/log/ferry/ferry.log'");
    return false;
  }
  Address addr;
  const bool path = target.starts_with('/');
  const bool has_port = !path && target.find(':') != std::string::npos;
  const auto err = parse_address(path || has_port ? target : target + ":514", addr);
  if (!err && (addr.kind == AddressKind::Inet || addr.kind == AddressKind::Unix)) return true;
  fail(ctx, call,
       "log target '" + target + "' is not stdout, stderr, a syslog socket path (e.g. " +
           "/dev/log), a numeric IP[:port] or a file (file@/path)");
  return false;
}

bool parse_log_target(ParseContext& ctx, const Call& call, LogTarget& out) {
  out.pos = call.pos();
  out.target = call.args[0];
  if (!valid_target(ctx, call, out.target)) return false;
  bool ok = true;
  const size_t i = parse_log_options(ctx, call, out, ok);
  if (!ok) return false;
  if (i >= call.args.size()) {
    fail(ctx, call,
         "'log " + out.target + "' needs a facility, e.g. 'log " + out.target + " local0'");
    return false;
  }
  out.facility = call.args[i];
  if (!is_one_of(out.facility, kLogFacilities)) {
    fail(ctx, call,
         "unknown log facility '" + out.facility + "'" + hint(out.facility, kLogFacilities) +
             " (facilities: kern user mail daemon " +
             "auth syslog lpr news uucp cron auth2 ftp ntp audit alert cron2 " + "local0-local7)");
    return false;
  }
  return parse_levels(ctx, call, i, out);
}

void global_log(ParseContext& ctx, const Call& call) {
  if (call.args[0] == "global")
    return fail(ctx, call,
                "'log global' belongs in a proxy or defaults section; in the global "
                "section give a target, e.g. 'log stdout local0'");
  LogTarget target;
  if (parse_log_target(ctx, call, target)) ctx.config().global.logs.push_back(std::move(target));
}

void proxy_log(ParseContext& ctx, const Call& call) {
  ProxyConf& p = ctx.proxy();
  if (call.negated) {
    if (!call.args.empty()) return fail(ctx, call, "'no log' takes no argument");
    p.logs.clear();
    p.log_global = false;
    return;
  }
  if (call.args.empty()) return fail(ctx, call, "missing argument for 'log'; usage: log global");
  if (call.args[0] == "global") {
    if (call.args.size() > 1) return fail(ctx, call, "'log global' takes no further argument");
    p.log_global = true;
    return;
  }
  LogTarget target;
  if (parse_log_target(ctx, call, target)) p.logs.push_back(std::move(target));
}

void log_tag(ParseContext& ctx, const Call& call) {
  if (call.args[0].empty()) return fail(ctx, call, "'log-tag' needs a non-empty tag");
  if (ctx.section() & kGlobal)
    ctx.config().global.log_tag = call.args[0];
  else
    ctx.proxy().log_tag = call.args[0];
}

constexpr std::string_view kUsage =
    "log <target> [len <length>] [format <format>] <facility> [<level> [<minlevel>]]";

constexpr Keyword kTable[] = {
    {.name = "log",
     .sections = kGlobal,
     .handler = global_log,
     .usage = kUsage,
     .min_args = 1,
     .max_args = -1},
    {.name = "log",
     .sections = kAnyProxy,
     .handler = proxy_log,
     .usage = kUsage,
     .max_args = -1,
     .negatable = true},
    {.name = "log-tag",
     .sections = kGlobal | kAnyProxy,
     .handler = log_tag,
     .usage = "log-tag <tag>",
     .min_args = 1,
     .max_args = 1},
};

}  // namespace

std::span<const Keyword> log_keywords() {
  return kTable;
}

}  // namespace ferry::conf
