// The traffic log lines of a session, in HAProxy 2.6's formats (all on one line):
// tcplog, one per connection (per transaction in mode http):
//   client:port [accept date] frontend backend/server Tw/Tc/Tt bytes_read termination_state
//   actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue
// httplog, one per HTTP transaction:
//   client:port [request date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes_read
//   captured_request_cookie captured_response_cookie termination_state(4)
//   actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue "request line"
#include <sys/time.h>

#include <cstdio>
#include <ctime>

#include "core/frontend.hpp"
#include "core/session.hpp"

namespace ferry::core {

namespace {

std::string accept_date(int64_t wall_us) {
  const time_t secs = static_cast<time_t>(wall_us / 1000000);
  struct tm tm {};
  ::localtime_r(&secs, &tm);
  char buf[64];
  const size_t n = ::strftime(buf, sizeof(buf), "%d/%b/%Y:%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03d", static_cast<int>((wall_us / 1000) % 1000));
  return buf;
}

// The number of `listener` in its frontend: 1, 2, ... in bind order.
int number_in_frontend(const Frontend& frontend, const Listener& listener) {
  int n = 1;
  for (const auto& l : frontend.listeners) {
    if (l.get() == &listener) break;
    ++n;
  }
  return n;
}

// HAProxy logs a client of a UNIX socket as "unix:" and the number of the listener it came in by.
std::string client_text(const SockAddr& peer, int listener_id) {
  if (peer.is_unix()) return "unix:" + std::to_string(listener_id);
  std::string s = peer.to_string();
  if (s.size() > 2 && s[0] == '[') {  // "[::1]:port" is logged as "::1:port"
    const auto close = s.find(']');
    s = s.substr(1, close - 1) + s.substr(close + 1);
  }
  return s;
}

// The request line as HAProxy's %{+Q}r logs it: '"', '#' and bytes outside printable ASCII
// written #XX.
std::string quoted_request(const std::string& line) {
  if (line.empty()) return "\"<BADREQ>\"";
  std::string out = "\"";
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "#%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + '"';
}

int64_t span(Millis from, Millis to) {
  return from.count() < 0 || to.count() < 0 ? -1 : (to - from).count();
}

}  // namespace

int Session::listener_number() const {
  return number_in_frontend(frontend_, listener_);
}

Session::Timings Session::timings() const {
  const Millis now = worker_.loop.now();
  // Tw: the time in the queue, up to the connect, or up to now for a session that never left
  // it (`timeout queue`: HAProxy logs the wait, not -1); 0 without a queue, and -1 for a
  // session that never reached a server or the queue (<NOSRV>), as HAProxy.
  // (A connect before the queue, then a redispatch into it, is not the end of the wait.)
  const Millis left_queue = connect_started_ < queued_at_ ? now : connect_started_;
  const int64_t tw = queued_at_.count() >= 0        ? span(queued_at_, left_queue)
                     : connect_started_.count() < 0 ? -1
                                                    : 0;
  return Timings{tw, span(connect_started_, connected_at_), (now - accepted_at_).count()};
}

void Session::record_times() {
  if (!server_ || connected_at_.count() < 0) return;
  const Timings t = timings();
  server_->counters.times.add(t.tw, t.tc, t.tt);
  backend_->counters.times.add(t.tw, t.tc, t.tt);
}

std::string Session::embryonic_log_line(const char* why) const {
  // HAProxy names the listener by its number in the frontend when it has no name.
  const int number = number_in_frontend(frontend_, listener_);
  const std::string bind = listener_.name.empty() ? std::to_string(number) : listener_.name;
  return client_text(peer_, number) + " [" + accept_date(accept_wall_us_) + "] " + frontend_.name +
         "/" + bind + ": " + why;
}

std::string Session::log_line() const {
  if (frontend_.settings.dontlognull && bytes_in_ == 0 && bytes_out_ == 0) return {};
  const Timings t = timings();
  char line[1024];
  std::snprintf(
      line, sizeof(line), "%s [%s] %s %s/%s %lld/%lld/%lld %llu %c%c %u/%u/%u/%u/%s%d %u/%u",
      client_text(peer_, number_in_frontend(frontend_, listener_)).c_str(),
      accept_date(accept_wall_us_).c_str(), frontend_.name.c_str(), backend_->name.c_str(),
      server_ ? server_->name.c_str() : "<NOSRV>", static_cast<long long>(t.tw),
      static_cast<long long>(t.tc), static_cast<long long>(t.tt),
      static_cast<unsigned long long>(bytes_out_), term_[0], term_[1], engine_.actconn,
      frontend_.feconn, backend_->beconn, server_ ? server_->served - 1 : 0,
      redispatched_ ? "+" : "", retries_done_, 0u,  // ferry queues in the backend only
      queue_pos_);
  return line;
}

}  // namespace ferry::core

namespace ferry::core {

std::string Session::transaction_line(const TransactionLog& t) const {
  const Millis now = worker_.loop.now();
  const Timings times = timings();
  const bool routed = t.routed;
  // A request never read has no backend yet: HAProxy names the frontend, with no connection.
  const std::string& be = routed ? backend_->name : frontend_.name;
  const char* srv = t.server ? t.server->name.c_str() : "<NOSRV>";
  const unsigned beconn = routed ? backend_->beconn - (on_backend_ ? 1 : 0) : 0;  // itself out
  const unsigned srv_conn = t.server ? t.server->served - (t.server == server_ ? 1 : 0) : 0;
  const int64_t tw = routed ? times.tw : -1, tc = routed ? times.tc : -1;
  char counts[128];
  std::snprintf(counts, sizeof counts, "%u/%u/%u/%u/%s%d %u/%u", engine_.actconn, frontend_.feconn,
                beconn, srv_conn, redispatched_ ? "+" : "", retries_done_, 0u, queue_pos_);
  char line[512];
  if (!frontend_.settings.httplog) {  // option tcplog: the transaction as a TCP session
    std::snprintf(line, sizeof line, "%s [%s] %s %s/%s %lld/%lld/%lld %llu %c%c %s",
                  client_text(peer_, number_in_frontend(frontend_, listener_)).c_str(),
                  accept_date(t.start_wall_us).c_str(), frontend_.name.c_str(), be.c_str(), srv,
                  static_cast<long long>(tw), static_cast<long long>(tc),
                  static_cast<long long>((now - t.start).count()),
                  static_cast<unsigned long long>(t.bytes_out), t.who, t.phase, counts);
    return line;
  }
  const Millis request_start = t.start + Millis(t.idle_ms);
  std::snprintf(line, sizeof line,
                "%s [%s] %s %s/%s %lld/%lld/%lld/%lld/%lld %d %llu - - %c%c%c%c %s ",
                client_text(peer_, number_in_frontend(frontend_, listener_)).c_str(),
                accept_date(t.start_wall_us + t.idle_ms * 1000).c_str(), frontend_.name.c_str(),
                be.c_str(), srv, static_cast<long long>(t.head_ms), static_cast<long long>(tw),
                static_cast<long long>(tc), static_cast<long long>(t.response_ms),
                static_cast<long long>((now - request_start).count()), t.status,
                static_cast<unsigned long long>(t.bytes_out), t.who, t.phase, t.cookie_request,
                t.cookie_response, counts);
  return line + quoted_request(t.request_line);
}

void Session::log_transaction(const TransactionLog& t) {
  if (!frontend_.logs_traffic()) return;
  std::string line;
  {
    auto lk = engine_.lock_state();
    line = transaction_line(t);
  }
  frontend_.log_traffic(line);
}

}  // namespace ferry::core
