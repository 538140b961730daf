#include "core/socket_ops.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ferry::core {

namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}

Fd new_socket(int family) {
  return Fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
}

// Is somebody accepting connections on this UNIX path right now?
bool unix_path_is_live(const SockAddr& addr) {
  Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return probe && ::connect(probe.get(), addr.get(), addr.len) == 0;
}

// Checks what is at a UNIX path before binding. Returns an error message, or "" to go ahead.
std::string check_unix_path(const SockAddr& addr, const std::string& what, bool takeover) {
  const std::string path = addr.unix_path();
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return "";
    return what + ": cannot bind UNIX socket '" + path + "': " + errno_text(errno);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return what + ": cannot bind UNIX socket '" + path +
           "': the path exists and is not a socket; ferry will not replace it (remove or rename "
           "it, or choose another path)";
  }
  if (!takeover && unix_path_is_live(addr)) {
    return what + ": cannot bind UNIX socket '" + path +
           "': address in use (another process is listening on it; stop it or choose another "
           "path)";
  }
  return "";
}

std::string apply_perms(const std::string& path, const conf::UnixPerms& perms) {
  if (perms.mode && ::chmod(path.c_str(), *perms.mode) != 0)
    return "cannot set mode on '" + path + "': " + errno_text(errno);
  if (perms.uid || perms.gid) {
    const uid_t uid = perms.uid ? *perms.uid : static_cast<uid_t>(-1);
    const gid_t gid = perms.gid ? *perms.gid : static_cast<gid_t>(-1);
    if (::chown(path.c_str(), uid, gid) != 0)
      return "cannot set owner on '" + path + "': " + errno_text(errno);
  }
  return "";
}

// Binds a UNIX path through a temporary name renamed over the final path.
std::string bind_unix_path(int fd, const SockAddr& addr, const conf::UnixPerms& perms,
                           SocketFile& file) {
  const std::string path = addr.unix_path();
  std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
  SockAddr tmp_addr = addr;
  auto* sun = reinterpret_cast<sockaddr_un*>(&tmp_addr.storage);
  const bool tmp_fits = tmp.size() < sizeof(sun->sun_path);
  if (!tmp_fits) tmp = path;  // no room for a temporary name: bind in place
  if (tmp != path)
    ::unlink(tmp.c_str());
  else
    ::unlink(path.c_str());  // stale (checked before)
  std::memset(sun->sun_path, 0, sizeof(sun->sun_path));
  std::memcpy(sun->sun_path, tmp.data(), tmp.size());
  tmp_addr.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + tmp.size() + 1);
  if (::bind(fd, tmp_addr.get(), tmp_addr.len) != 0)
    return "cannot bind UNIX socket '" + path + "': " + errno_text(errno);
  std::string err = apply_perms(tmp, perms);
  if (err.empty() && tmp != path && ::rename(tmp.c_str(), path.c_str()) != 0)
    err = "cannot rename '" + tmp + "' to '" + path + "': " + errno_text(errno);
  if (!err.empty()) {
    ::unlink(tmp.c_str());
    return err;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) file = SocketFile{path, st.st_dev, st.st_ino};
  return "";
}

// Is another socket listening on this TCP address? A probe socket binds there without
// SO_REUSEPORT, which a listener sharing the port would need, but with SO_REUSEADDR, so
// connections in TIME_WAIT do not count. Nothing connects to whoever holds the port.
bool inet_addr_is_live(const SockAddr& addr) {
  Fd probe(::socket(addr.family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe) return false;
  const int one = 1;
  ::setsockopt(probe.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (addr.family() == AF_INET6)
    ::setsockopt(probe.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  return ::bind(probe.get(), addr.get(), addr.len) != 0 && errno == EADDRINUSE;
}

// Listeners share their port through SO_REUSEPORT, so that a new process (-sf/-st, `takeover`)
// can bind while the old one still listens. Without takeover a live listener is an error, as for
// UNIX paths, rather than two processes silently sharing the port.
std::string bind_inet(int fd, const SockAddr& addr, bool takeover) {
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (!takeover && inet_addr_is_live(addr))
    return "cannot bind " + addr.to_string() + ": " + errno_text(EADDRINUSE) +
           " (another process is listening there; stop it or change the port)";
  if (addr.family() == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  // Accepted sockets inherit TCP_NODELAY from their listener: one setsockopt here instead of
  // one per connection.
  set_nodelay(fd);
  if (::bind(fd, addr.get(), addr.len) != 0) {
    const int err = errno;
    std::string msg = "cannot bind " + addr.to_string() + ": " + errno_text(err);
    if (err == EADDRINUSE)
      msg += " (another process is listening there; stop it or change the port)";
    if (err == EACCES) msg += " (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
    return msg;
  }
  return "";
}

}  // namespace

ListenResult listen_on(const SockAddr& addr, int backlog, const conf::UnixPerms& perms,
                       const std::string& what, bool takeover) {
  ListenResult out;
  const bool unix_path = addr.is_unix() && !addr.is_abstract();
  if (unix_path) {
    out.error = check_unix_path(addr, what, takeover);
    if (!out.error.empty()) return out;
  }
  Fd fd = new_socket(addr.family());
  if (!fd) {
    out.error = what + ": cannot create socket: " + errno_text(errno);
    return out;
  }
  std::string err;
  if (unix_path)
    err = bind_unix_path(fd.get(), addr, perms, out.file);
  else if (addr.is_unix()) {
    if (::bind(fd.get(), addr.get(), addr.len) != 0)
      err = "cannot bind abstract socket '" + addr.to_string() + "': " + errno_text(errno) +
            (errno == EADDRINUSE ? " (another process is listening on that name)" : "");
  } else {
    err = bind_inet(fd.get(), addr, takeover);
  }
  if (err.empty() && ::listen(fd.get(), backlog > 0 ? backlog : SOMAXCONN) != 0)
    err = "cannot listen on " + addr.to_string() + ": " + errno_text(errno);
  if (!err.empty()) {
    out.error = what + ": " + err;
    if (!out.file.path.empty()) remove_socket_file(out.file);
    out.file = {};
    return out;
  }
  out.fd = std::move(fd);
  return out;
}

ConnectResult connect_to(const SockAddr& addr) {
  ConnectResult out;
  out.fd = new_socket(addr.family());
  if (!out.fd) {
    out.err = errno;
    return out;
  }
  if (!addr.is_unix()) set_nodelay(out.fd.get());
  if (::connect(out.fd.get(), addr.get(), addr.len) == 0) return out;
  if (errno == EINPROGRESS) {
    out.in_progress = true;
    return out;
  }
  out.err = errno;
  out.fd.reset();
  return out;
}

int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

void set_nodelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int accept_nonblocking(int listen_fd, SockAddr& peer) {
  peer.len = sizeof(peer.storage);
  return ::accept4(listen_fd, peer.get(), &peer.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

void remove_socket_file(const SocketFile& file) {
  struct stat st {};
  if (file.path.empty() || ::lstat(file.path.c_str(), &st) != 0) return;
  if (S_ISSOCK(st.st_mode) && st.st_dev == file.dev && st.st_ino == file.ino)
    ::unlink(file.path.c_str());
}

}  // namespace ferry::core
