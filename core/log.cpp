#include "core/log.hpp"

#include "conf/address.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

namespace ferry::core {

namespace {

const char* const kFacilities[] = {"kern",   "user",   "mail",   "daemon", "auth",   "syslog",
                                   "lpr",    "news",   "uucp",   "cron",   "auth2",  "ftp",
                                   "ntp",    "audit",  "alert",  "cron2",  "local0", "local1",
                                   "local2", "local3", "local4", "local5", "local6", "local7"};

int facility_code(const std::string& name) {
  for (size_t i = 0; i < std::size(kFacilities); ++i)
    if (name == kFacilities[i]) return static_cast<int>(i);
  return 16;  // local0
}

const char* severity_tag(Severity sev) {
  switch (sev) {
    case Severity::Emerg:
      return "[EMERG]    ";
    case Severity::Alert:
      return "[ALERT]    ";
    case Severity::Crit:
      return "[CRIT]     ";
    case Severity::Err:
      return "[ERR]      ";
    case Severity::Warning:
      return "[WARNING]  ";
    case Severity::Notice:
      return "[NOTICE]   ";
    case Severity::Info:
      return "[INFO]     ";
    default:
      return "[DEBUG]    ";
  }
}

std::string rfc3164_header(int facility, Severity sev) {
  char stamp[32];
  const time_t now = ::time(nullptr);
  struct tm tm {};
  ::localtime_r(&now, &tm);
  ::strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
  return "<" + std::to_string(facility * 8 + static_cast<int>(sev)) + ">" + stamp + " ferry[" +
         std::to_string(::getpid()) + "]: ";
}

// A syslog destination: a socket path (/dev/log) or an IPv4/IPv6 address, UDP port 514 unless
// given. Parsed by the config layer's address parser, so every form `bind` takes works here.
std::optional<std::string> syslog_address(const std::string& target, conf::Address& out) {
  if (!target.empty() && target[0] == '/') return conf::parse_address("unix@" + target, out);
  auto err = conf::parse_address(target, out);
  if (err && !conf::parse_address(target + ":514", out)) return std::nullopt;  // default port
  return err;
}

}  // namespace

struct Log::Target {
  enum class Kind { Stdout, Stderr, Datagram } kind = Kind::Stderr;
  Fd fd;
  SockAddr addr;
  int facility = 16;
};

Log::Log() = default;
Log::~Log() = default;

std::vector<std::string> Log::set_targets(const std::vector<conf::LogTarget>& targets) {
  std::vector<std::string> errors;
  targets_.clear();
  for (const auto& lt : targets) {
    auto t = std::make_unique<Target>();
    t->facility = facility_code(lt.facility);
    if (lt.target == "stdout") {
      t->kind = Target::Kind::Stdout;
    } else if (lt.target == "stderr") {
      t->kind = Target::Kind::Stderr;
    } else {
      t->kind = Target::Kind::Datagram;
      conf::Address a;
      if (auto err = syslog_address(lt.target, a)) {
        errors.push_back("log target '" + lt.target + "': " + *err);
        continue;
      }
      t->addr = SockAddr::from(a);
      t->fd.reset(::socket(t->addr.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      if (!t->fd) {
        errors.push_back("log target '" + lt.target + "': " + std::strerror(errno));
        continue;
      }
    }
    targets_.push_back(std::move(t));
  }
  return errors;
}

void Log::send(Target& t, Severity sev, const std::string& text) {
  if (t.kind == Target::Kind::Datagram) {
    const std::string msg = rfc3164_header(t.facility, sev) + text;
    ::sendto(t.fd.get(), msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL, t.addr.get(),
             t.addr.len);
    return;
  }
  std::string line = text;
  line += '\n';
  FILE* out = t.kind == Target::Kind::Stdout ? stdout : stderr;
  std::fwrite(line.data(), 1, line.size(), out);
  std::fflush(out);
}

void Log::message(Severity sev, const std::string& text) {
  if (to_stderr_) {
    std::string line = severity_tag(sev);
    line += "(" + std::to_string(::getpid()) + ") : " + text + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  for (auto& t : targets_)
    if (t->kind == Target::Kind::Datagram) send(*t, sev, text);
}

void Log::traffic(const std::string& line) {
  for (auto& t : targets_)
    send(*t, Severity::Info, line);
}

}  // namespace ferry::core
