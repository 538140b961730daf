#include "core/inherited_sockets.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "conf/number.hpp"
#include "core/socket_ops.hpp"

namespace ferry::core {

namespace {

constexpr int kFirstListenFd = 3;  // SD_LISTEN_FDS_START

std::string errno_text() {
  return std::strerror(errno);
}

// The reason `fd` cannot serve as a listener, or "".
std::string check_listener(int fd) {
  int type = 0, listening = 0;
  socklen_t len = sizeof(type);
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
    return errno == ENOTSOCK ? "is not a socket" : "cannot be inspected: " + errno_text();
  if (type != SOCK_STREAM) return "is not a stream socket (only TCP and UNIX stream sockets)";
  len = sizeof(listening);
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
    return "is not listening (a .socket unit with Accept=no passes listening sockets)";
  return "";
}

std::string read_address(int fd, SockAddr& addr) {
  addr.len = sizeof(addr.storage);
  if (::getsockname(fd, addr.get(), &addr.len) != 0) return "cannot be inspected: " + errno_text();
  const int family = addr.family();
  if (family != AF_INET && family != AF_INET6 && family != AF_UNIX)
    return "is of an address family ferry does not serve (only IPv4, IPv6 and UNIX)";
  return "";
}

std::string make_nonblocking(int fd) {
  const int fl = ::fcntl(fd, F_GETFL);
  if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 || ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
    return "cannot be made nonblocking: " + errno_text();
  return "";
}

bool same_unix(const SockAddr& a, const SockAddr& b) {
  if (a.is_abstract() != b.is_abstract()) return false;
  if (!a.is_abstract()) return a.unix_path() == b.unix_path();
  const size_t off = offsetof(sockaddr_un, sun_path);
  return a.len == b.len &&
         std::memcmp(reinterpret_cast<const char*>(&a.storage) + off,
                     reinterpret_cast<const char*>(&b.storage) + off, a.len - off) == 0;
}

// A count or pid from the environment: plain digits (no sign) that fit an int.
std::optional<int> parse_count(std::string_view text) {
  if (text.empty() || text[0] == '-') return std::nullopt;
  const auto n = conf::parse_integer(text, 0, INT_MAX);
  if (!n) return std::nullopt;
  return static_cast<int>(*n);
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    out.push_back(text.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) return out;
    start = colon + 1;
  }
}

}  // namespace

std::string InheritedSocket::describe() const {
  std::string out = "fd " + std::to_string(number);
  if (!name.empty()) out += " '" + name + "'";
  return out + " (" + (addr.is_unix() && !addr.is_abstract() ? "unix@" : "") + addr.to_string() +
         ")";
}

std::string InheritedSockets::add(int fd, std::string name, const SockAddr* known) {
  Fd owned(fd);
  InheritedSocket s;
  s.number = fd;
  s.name = std::move(name);
  std::string err = check_listener(fd);
  if (err.empty()) err = read_address(fd, s.addr);
  if (err.empty() && known) s.addr = *known;
  if (err.empty()) err = make_nonblocking(fd);
  if (!err.empty()) return "inherited fd " + std::to_string(fd) + " " + err;
  if (!s.addr.is_unix()) set_nodelay(fd);  // accepted sockets inherit it
  s.fd = std::move(owned);
  entries_.push_back(std::move(s));
  return "";
}

InheritedSocket* InheritedSockets::find_number(int number) {
  for (auto& s : entries_)
    if (s.number == number) return &s;
  return nullptr;
}

InheritedSocket* InheritedSockets::find_name(std::string_view name) {
  for (auto& s : entries_)
    if (!s.name.empty() && s.name == name) return &s;
  return nullptr;
}

InheritedSocket* InheritedSockets::find_address(const SockAddr& addr) {
  for (auto& s : entries_)
    if (same_address(s.addr, addr)) return &s;
  return nullptr;
}

bool InheritedSockets::has_address(const SockAddr& addr) const {
  for (const auto& s : entries_)
    if (same_address(s.addr, addr)) return true;
  return false;
}

std::vector<InheritedSocket*> InheritedSockets::find_spec(std::string_view spec) {
  std::vector<InheritedSocket*> out;
  if (auto n = parse_count(spec)) {
    if (InheritedSocket* s = find_number(*n)) out.push_back(s);
    return out;
  }
  for (auto& s : entries_)
    if (!s.name.empty() && s.name == spec) out.push_back(&s);
  return out;
}

Fd InheritedSockets::take(InheritedSocket& socket) {
  socket.used = true;
  return std::move(socket.fd);
}

std::vector<std::string> InheritedSockets::unused() const {
  std::vector<std::string> out;
  for (const auto& s : entries_)
    if (!s.used) out.push_back(s.describe());
  return out;
}

ListenFdsEnv take_listen_env() {
  ListenFdsEnv env;
  auto take = [](const char* var, std::optional<std::string>& into) {
    if (const char* v = std::getenv(var)) into = v;
    ::unsetenv(var);
  };
  take("LISTEN_PID", env.listen_pid);
  take("LISTEN_FDS", env.listen_fds);
  take("LISTEN_FDNAMES", env.listen_fdnames);
  return env;
}

AdoptResult adopt_listen_fds(const ListenFdsEnv& env, pid_t pid, InheritedSockets& table) {
  AdoptResult out;
  if (!env.present()) return out;
  const auto count = parse_count(*env.listen_fds);
  const auto owner = env.listen_pid ? parse_count(*env.listen_pid) : std::nullopt;
  if (!count || (env.listen_pid && !owner)) {
    out.errors.push_back("socket activation: LISTEN_FDS='" + *env.listen_fds + "' LISTEN_PID='" +
                         env.listen_pid.value_or("") + "' are not numbers; nothing was adopted");
    return out;
  }
  if (owner && *owner != pid) {
    out.warnings.push_back("socket activation: LISTEN_FDS is meant for pid " +
                           std::to_string(*owner) + ", not this process (pid " +
                           std::to_string(pid) + "); the sockets are left alone");
    return out;
  }
  std::vector<std::string> names;
  if (env.listen_fdnames) names = split_names(*env.listen_fdnames);
  if (!names.empty() && names.size() != static_cast<size_t>(*count))
    out.warnings.push_back("socket activation: LISTEN_FDNAMES has " + std::to_string(names.size()) +
                           " names for " + std::to_string(*count) +
                           " sockets; the extra ones stay unnamed");
  for (int i = 0; i < *count; ++i) {
    std::string name = static_cast<size_t>(i) < names.size() ? names[i] : "";
    if (name == "unknown") name.clear();  // systemd's name for an unnamed socket
    if (auto err = table.add(kFirstListenFd + i, std::move(name)); !err.empty())
      out.errors.push_back("socket activation: " + err);
  }
  return out;
}

bool same_address(const SockAddr& a, const SockAddr& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == AF_INET) {
    const auto* x = reinterpret_cast<const sockaddr_in*>(&a.storage);
    const auto* y = reinterpret_cast<const sockaddr_in*>(&b.storage);
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  if (a.family() == AF_INET6) {
    const auto* x = reinterpret_cast<const sockaddr_in6*>(&a.storage);
    const auto* y = reinterpret_cast<const sockaddr_in6*>(&b.storage);
    return x->sin6_port == y->sin6_port &&
           std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return a.is_unix() && same_unix(a, b);
}

}  // namespace ferry::core
