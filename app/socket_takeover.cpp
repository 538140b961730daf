#include "app/socket_takeover.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "conf/address.hpp"
#include "core/fd_passing.hpp"

namespace ferry::app {

namespace {

constexpr timeval kTimeout{5, 0};  // the old process answers at once; this bounds a stuck one

core::Fd connect_unix(const std::string& path, std::string& error) {
  core::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sun.sun_path)) {
    error = "the path is too long for a UNIX socket";
    return {};
  }
  std::memcpy(sun.sun_path, path.data(), path.size());
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &kTimeout, sizeof(kTimeout));
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &kTimeout, sizeof(kTimeout));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) != 0) {
    error = std::strerror(errno);
    return {};
  }
  return fd;
}

// A passed socket: its address as the old process names it (a UNIX socket's own name may be
// the temporary one it was bound under before the rename), and its file when it is a path.
BoundSocket describe(const std::string& text, std::vector<core::Fd> fds) {
  BoundSocket b;
  b.master_owned = false;
  b.addr.len = sizeof(b.addr.storage);
  ::getsockname(fds.front().get(), b.addr.get(), &b.addr.len);
  conf::Address configured;
  if (b.addr.is_unix() &&
      !conf::parse_address((text.starts_with('@') ? "abns@" + text.substr(1) : "unix@" + text),
                           configured))
    b.addr = core::SockAddr::from(configured);
  struct stat st {};
  if (b.addr.is_unix() && !b.addr.is_abstract() && ::stat(b.addr.unix_path().c_str(), &st) == 0 &&
      S_ISSOCK(st.st_mode))
    b.file = core::SocketFile{b.addr.unix_path(), st.st_dev, st.st_ino};
  b.fds = std::move(fds);
  return b;
}

// Reads the whole reply (the old process closes after it) with the descriptors passed along.
std::string read_reply(int fd, std::vector<core::Fd>& fds, std::string& error) {
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = core::recv_with_fds(fd, buf, sizeof(buf), fds)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno == EAGAIN || errno == EWOULDBLOCK
                  ? "no reply within " + std::to_string(kTimeout.tv_sec) + " s"
                  : std::strerror(errno);
      break;
    }
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

// Sends `request` on a new connection to the stats socket; the whole reply, with the
// descriptors passed along, or an error.
std::string ask(const std::string& stats_socket, const std::string& request, std::string& reply,
                std::vector<core::Fd>& fds) {
  std::string error;
  core::Fd fd = connect_unix(stats_socket, error);
  if (!fd) return error;
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0)
    return std::strerror(errno);
  reply = read_reply(fd.get(), fds, error);
  return error;
}

}  // namespace

std::string take_server_state(const std::string& stats_socket, std::string& state) {
  std::vector<core::Fd> none;
  const std::string what = "cannot take the server state over from '" + stats_socket + "': ";
  if (auto err = ask(stats_socket, "_getstate\n", state, none); !err.empty()) return what + err;
  if (!state.starts_with("1\n"))
    return what + "unexpected reply: " + state.substr(0, state.find('\n'));
  return "";
}

std::string take_listeners(const std::string& stats_socket, HeldSockets& into) {
  const std::string what = "cannot take the listening sockets over from '" + stats_socket + "': ";
  std::string reply;
  std::vector<core::Fd> fds;
  if (auto err = ask(stats_socket, "_getsocks\n", reply, fds); !err.empty()) return what + err;
  std::istringstream lines(reply);
  std::string addr;
  size_t count = 0, used = 0;
  while (lines >> addr >> count) {
    if (count == 0 || used + count > fds.size()) break;
    std::vector<core::Fd> group;
    for (size_t i = 0; i < count; ++i)
      group.push_back(std::move(fds[used++]));
    into.take(describe(addr, std::move(group)));
  }
  if (used == 0 || used != fds.size())
    return what + "unexpected reply: " + reply.substr(0, reply.find('\n'));
  return "";
}

}  // namespace ferry::app
