#include "core/log.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "conf/address.hpp"
#include "conf/log_names.hpp"
#include "core/fd.hpp"
#include "core/sockaddr.hpp"

namespace ferry::core {

namespace {

constexpr const char* kConsoleTags[] = {"[EMERG]    ", "[ALERT]    ", "[CRIT]     ", "[ERR]      ",
                                        "[WARNING]  ", "[NOTICE]   ", "[INFO]     ", "[DEBUG]    "};

// A syslog destination: a socket path (/dev/log) or an IPv4/IPv6 address, UDP port 514 unless
// given. Parsed by the config layer's address parser, so every form `bind` takes works here.
std::optional<std::string> syslog_address(const std::string& target, conf::Address& out) {
  if (!target.empty() && target[0] == '/') return conf::parse_address("unix@" + target, out);
  auto err = conf::parse_address(target, out);
  if (err && !conf::parse_address(target + ":514", out)) return std::nullopt;  // default port
  return err;
}

int open_append(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
}

// Writes the whole line (a file or a pipe may take it in parts); gives up on any other error.
void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

struct Log::Target {
  enum class Kind { Stream, Datagram, File } kind = Kind::Stream;
  Fd owned;          // the socket or the file (none for stdout/stderr)
  int fd = -1;       // where lines go
  SockAddr addr;     // Datagram
  std::string path;  // File
  LineSpec spec;
  Severity max_level = Severity::Debug;  // lines less severe than this are not sent
  Severity min_level = Severity::Emerg;  // lines more severe than this are sent at this level

  std::optional<std::string> open(const conf::LogTarget& lt);
  std::optional<std::string> open_datagram(const std::string& target);
  void write(Severity sev, std::string_view text, std::string_view tag);
};

std::optional<std::string> Log::Target::open(const conf::LogTarget& lt) {
  spec.facility = conf::log_name_index(conf::kLogFacilities, lt.facility);
  if (!lt.format.empty())
    spec.format = static_cast<LogFormat>(conf::log_name_index(conf::kLogFormats, lt.format));
  if (lt.length > 0) spec.max_len = static_cast<size_t>(lt.length);
  if (!lt.level.empty())
    max_level = static_cast<Severity>(conf::log_name_index(conf::kLogLevels, lt.level));
  if (!lt.min_level.empty())
    min_level = static_cast<Severity>(conf::log_name_index(conf::kLogLevels, lt.min_level));
  if (lt.target == "stdout" || lt.target == "stderr") {
    fd = lt.target == "stdout" ? STDOUT_FILENO : STDERR_FILENO;
    return std::nullopt;
  }
  if (lt.target.starts_with(conf::kLogFilePrefix)) {
    kind = Kind::File;
    path = lt.target.substr(conf::kLogFilePrefix.size());
    owned.reset(open_append(path));
    if (!owned) return "cannot open the log file '" + path + "': " + std::strerror(errno);
    fd = owned.get();
    return std::nullopt;
  }
  return open_datagram(lt.target);
}

std::optional<std::string> Log::Target::open_datagram(const std::string& target) {
  kind = Kind::Datagram;
  spec.datagram = true;
  struct stat st {};
  if (target.starts_with('/') && ::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    return "'" + target + "' is a regular file, not a syslog socket; to append to a file, " +
           "write 'file@" + target + "'";
  conf::Address a;
  if (auto err = syslog_address(target, a)) return *err;
  addr = SockAddr::from(a);
  owned.reset(::socket(addr.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!owned) return std::strerror(errno);
  fd = owned.get();
  return std::nullopt;
}

void Log::Target::write(Severity sev, std::string_view text, std::string_view tag) {
  LineSpec s = spec;
  s.severity = sev < min_level ? min_level : sev;
  s.tag = tag;
  s.pid = ::getpid();
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::string line = log_line(s, now, text);
  if (kind == Kind::Datagram)
    ::sendto(fd, line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL, addr.get(), addr.len);
  else
    write_all(fd, line);
}

Log::Log() = default;
Log::~Log() = default;

std::vector<std::string> Log::set_targets(const std::vector<conf::LogTarget>& targets,
                                          size_t longest_len) {
  std::vector<std::string> errors;
  targets_.clear();
  longest_len_ = longest_len;
  for (const auto& lt : targets)
    if (longest_len == 0)
      longest_len_ = std::max(longest_len_, static_cast<size_t>(lt.length > 0 ? lt.length : 1024));
  for (const auto& lt : targets) {
    auto t = std::make_unique<Target>();
    t->spec.longest_len = longest_len_;
    if (auto err = t->open(lt)) {
      const std::string where = lt.pos.file.empty() ? "" : conf::to_string(lt.pos) + ": ";
      errors.push_back(where + "log target '" + lt.target + "': " + *err);
      continue;
    }
    targets_.push_back(std::move(t));
  }
  return errors;
}

std::vector<std::string> Log::reopen() {
  std::vector<std::string> errors;
  for (auto& t : targets_) {
    if (t->kind != Target::Kind::File) continue;
    Fd fresh(open_append(t->path));
    if (!fresh || ::dup3(fresh.get(), t->fd, O_CLOEXEC) < 0)
      errors.push_back("cannot reopen the log file '" + t->path + "' (" + std::strerror(errno) +
                       "); still writing to the file it had open");
  }
  return errors;
}

size_t Log::file_targets() const {
  size_t n = 0;
  for (const auto& t : targets_)
    n += t->kind == Target::Kind::File ? 1 : 0;
  return n;
}

void Log::console(Severity sev, const std::string& text) {
  if (!to_stderr_) return;
  std::string line = kConsoleTags[static_cast<int>(sev)];
  line += "(" + std::to_string(::getpid()) + ") : " + text + "\n";
  write_all(STDERR_FILENO, line);
}

void Log::send(Severity sev, std::string_view text, std::string_view tag) {
  for (auto& t : targets_)
    if (sev <= t->max_level) t->write(sev, text, tag.empty() ? tag_ : tag);
}

bool Log::accepts(Severity sev) const {
  for (const auto& t : targets_)
    if (sev <= t->max_level) return true;
  return false;
}

void Log::message(Severity sev, const std::string& text) {
  console(sev, text);
  send(sev, text);
}

}  // namespace ferry::core
