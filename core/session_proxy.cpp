// The PROXY protocol on a session (README "PROXY protocol"): the header an accept-proxy listener
// reads before the connection becomes a session, and the header a send-proxy server is sent
// first on every new connection.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/frontend.hpp"
#include "core/session.hpp"

namespace ferry::core {

namespace pp = proxy_protocol;

void Session::read_proxy_header(bool closed) {
  // Peeked, then only the header taken: what follows it stays in the socket for the relay or
  // the HTTP parser. Edge-triggered polling reports each new arrival, so a header that comes in
  // pieces is peeked again whole.
  char buf[pp::kMaxHeader];
  ssize_t n = 0;
  do {
    n = ::recv(client_.get(), buf, sizeof buf, MSG_PEEK);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    return drop_embryonic(pp::reason::kAbort);
  }
  const pp::Parsed p = pp::parse({buf, static_cast<size_t>(n)}, closed || n == 0);
  if (p.status == pp::ParseStatus::NeedMore) return;
  if (p.status == pp::ParseStatus::Error) return drop_embryonic(p.error);
  if (::recv(client_.get(), buf, p.length, 0) != static_cast<ssize_t>(p.length))
    return drop_embryonic(pp::reason::kAbort);
  if (p.has_addresses) {  // else (LOCAL, UNKNOWN) the connection's own addresses stand
    peer_ = p.src;
    local_ = p.dst;
  }
  header_creds_ = p.creds;
  timer_.stop();
  {
    auto lk = engine_.lock_state();
    frontend_.count_session(worker_.loop.now());
  }
  begin();
}

void Session::drop_embryonic(const char* why) {
  timer_.stop();
  // HAProxy 2.6 leaves out the lines of clients that sent nothing under `option dontlognull`.
  const bool quiet =
      !why || (frontend_.settings.dontlognull && (std::strcmp(why, pp::reason::kEmpty) == 0 ||
                                                  std::strcmp(why, pp::reason::kAbort) == 0));
  const std::string line = quiet ? std::string() : embryonic_log_line(why);
  client_.reset();
  {
    auto lk = engine_.lock_state();
    phase_ = Phase::Closed;
    // HAProxy 2.6 counts these nowhere but conn_tot; ferry counts them as request errors.
    if (why) ++frontend_.counters.ereq;
    --frontend_.feconn;
    worker_.session_closed(*this);
  }
  if (line.empty()) return;
  if (frontend_.logs_traffic())
    frontend_.log_traffic(line);
  else
    engine_.log.notice(line);
}

bool Session::send_proxy_header(int& err) {
  const std::string header = proxy_header(*server_);
  const ssize_t n = ::send(server_fd_.get(), header.data(), header.size(), MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(header.size())) return true;
  // A new connection's empty socket buffer takes the few hundred bytes at once: anything else
  // fails this connection (retried as a failed connect).
  err = n < 0 ? errno : EMSGSIZE;
  return false;
}

std::string Session::proxy_header(const Server& server) {
  const auto creds = server.proxy.peer_creds ? peer_creds() : std::nullopt;
  return pp::encode(server.proxy, peer_, local_address(), creds, unique_id_);
}

const SockAddr& Session::local_address() {
  // A UNIX listener's socket names the temporary path it was bound to before its rename.
  if (local_.len == 0 && listener_.addr.is_unix()) local_ = listener_.addr;
  if (local_.len == 0) {
    local_.len = sizeof(local_.storage);
    if (::getsockname(client_.get(), local_.get(), &local_.len) != 0) local_ = SockAddr{};
  }
  return local_;
}

std::optional<pp::PeerCreds> Session::peer_creds() const {
  // Behind accept-proxy the socket's peer is the proxy in front, not the client.
  if (listener_.accept_proxy) return header_creds_;
  if (!peer_.is_unix()) return std::nullopt;
  ucred uc{};
  socklen_t len = sizeof uc;
  if (::getsockopt(client_.get(), SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0) return std::nullopt;
  return pp::PeerCreds{static_cast<uint32_t>(uc.pid), uc.uid, uc.gid};
}

}  // namespace ferry::core
